package guard

import (
	"slices"
	"strings"
	"sync"
)

// Kinds of secret a Finding reports.
const (
	KindMnemonic     = "mnemonic"        // a BIP39 mnemonic with a valid checksum
	KindMnemonicLike = "mnemonic_like"   // 12+ consecutive wordlist words that fail the checksum
	KindPrivateKey   = "private_key_hex" // 64 hex digits, with or without 0x
	KindWIF          = "wif"             // a Bitcoin private key in wallet import format
	KindSolana       = "solana_secret"   // a Solana secret key (base58 or JSON array of 64 bytes)
	KindKeystore     = "keystore"        // an encrypted Ethereum keystore (JSON)
)

// MarkerPrefix starts every marker below.
const MarkerPrefix = "[已隐藏"

// Markers that Redact puts in place of a secret.
const (
	MarkerMnemonic   = "[已隐藏助记词 / mnemonic removed]"
	MarkerPrivateKey = "[已隐藏私钥 / private key removed]"
	MarkerKeystore   = "[已隐藏密钥文件 / keystore removed]"
)

// Finding is one secret in a text: its kind and its byte offsets.
type Finding struct {
	Kind       string
	Start, End int
}

// Marker returns the text that Redact puts in place of a finding of this kind.
func Marker(kind string) string {
	switch kind {
	case KindMnemonic, KindMnemonicLike:
		return MarkerMnemonic
	case KindKeystore:
		return MarkerKeystore
	default:
		return MarkerPrivateKey
	}
}

// Guard detects secrets. Its wordlists are parsed once per process and
// shared; a Guard is safe for concurrent use.
type Guard struct {
	w *wordlists
}

var parsedWordlists = sync.OnceValues(loadWordlists)

// New returns a Guard with the BIP39 wordlists loaded.
func New() (*Guard, error) {
	w, err := parsedWordlists()
	if err != nil {
		return nil, err
	}
	return &Guard{w: w}, nil
}

var defaultGuard = sync.OnceValue(func() *Guard {
	g, err := New()
	if err != nil {
		panic("guard: embedded wordlists: " + err.Error())
	}
	return g
})

// Scan returns the secrets in text, sorted and not overlapping.
func Scan(text string) []Finding { return defaultGuard().Scan(text) }

// Redact replaces every secret in text with a marker and returns the kinds
// found, each once, in order of first appearance (nil when none).
func Redact(text string) (redacted string, kinds []string) { return defaultGuard().Redact(text) }

// Scan returns the secrets in text, sorted and not overlapping. Any other
// occurrence of a secret's exact text is reported too.
func (g *Guard) Scan(text string) []Finding {
	s := scanner{w: g.w, text: text}
	s.mnemonics()
	s.keys()
	s.fillerScan(g)
	if len(s.found) == 0 {
		return nil
	}
	fs := merge(s.found)
	// The same secret may appear again where the rules do not see it (a
	// key quoted once with a label and once after "tx"): report it too.
	n := len(fs)
	seen := make(map[string]bool, n)
	for i := range n {
		secret := text[fs[i].Start:fs[i].End]
		if seen[secret] {
			continue
		}
		seen[secret] = true
		for from := 0; ; {
			j := strings.Index(text[from:], secret)
			if j < 0 {
				break
			}
			j += from
			if !covered(fs[:n], j, j+len(secret)) {
				fs = append(fs, Finding{fs[i].Kind, j, j + len(secret)})
			}
			from = j + len(secret)
		}
	}
	if len(fs) > n {
		fs = merge(fs)
	}
	return fs
}

// covered reports whether one of fs (sorted, apart) holds [start, end).
func covered(fs []Finding, start, end int) bool {
	i, _ := slices.BinarySearchFunc(fs, start, func(f Finding, start int) int {
		if f.End <= start {
			return -1
		}
		if f.Start > start {
			return 1
		}
		return 0
	})
	return i < len(fs) && fs[i].Start <= start && end <= fs[i].End
}

// priority decides the kind of merged, overlapping findings.
func priority(kind string) int {
	switch kind {
	case KindKeystore:
		return 6
	case KindMnemonic:
		return 5
	case KindSolana:
		return 4
	case KindWIF:
		return 3
	case KindPrivateKey:
		return 2
	default:
		return 1
	}
}

// merge sorts findings and joins overlapping ones, keeping the kind of
// highest priority.
func merge(fs []Finding) []Finding {
	slices.SortFunc(fs, func(a, b Finding) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return b.End - a.End
	})
	out := fs[:0]
	for _, f := range fs {
		if len(out) > 0 && f.Start < out[len(out)-1].End {
			last := &out[len(out)-1]
			last.End = max(last.End, f.End)
			if priority(f.Kind) > priority(last.Kind) {
				last.Kind = f.Kind
			}
			continue
		}
		out = append(out, f)
	}
	return out
}

// Redact replaces every secret in text with a marker and returns the kinds
// found, each once, in order of first appearance (nil when none).
func (g *Guard) Redact(text string) (string, []string) {
	fs := g.Scan(text)
	if len(fs) == 0 {
		return text, nil
	}
	var b strings.Builder
	b.Grow(len(text))
	var kinds []string
	prev := 0
	for _, f := range fs {
		b.WriteString(text[prev:f.Start])
		b.WriteString(Marker(f.Kind))
		prev = f.End
		if !slices.Contains(kinds, f.Kind) {
			kinds = append(kinds, f.Kind)
		}
	}
	b.WriteString(text[prev:])
	out := b.String()
	// A secret could in theory reappear where the text around a marker
	// joins up with it; remove any such leftover.
	secrets := make(map[string]string, len(fs)) // secret → marker
	for _, f := range fs {
		secrets[text[f.Start:f.End]] = Marker(f.Kind)
	}
	for range 3 {
		again := false
		for secret, marker := range secrets {
			if strings.Contains(out, secret) {
				out = strings.ReplaceAll(out, secret, marker)
				again = true
			}
		}
		if !again {
			break
		}
	}
	return out, kinds
}
