package guard

// Generators of test data: mnemonics, keys and keystores made from
// deterministic pseudo-random bytes, formatted the ways users paste them.

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func testGuard(t testing.TB) *Guard {
	t.Helper()
	g, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// mnemonicIndexes encodes entropy (16 to 32 bytes) as BIP39 word indexes.
func mnemonicIndexes(ent []byte) []int {
	sum := sha256.Sum256(ent)
	bits := append(append([]byte{}, ent...), sum[0])
	n := (len(ent)*8 + len(ent)/4) / 11
	idx := make([]int, n)
	for i := range n {
		v := 0
		for k := range 11 {
			b := i*11 + k
			v = v<<1 | int(bits[b>>3]>>(7-b&7)&1)
		}
		idx[i] = v
	}
	return idx
}

// randomMnemonic returns the words (NFC, as people type them) of a valid
// mnemonic of n words in list l.
func randomMnemonic(w *wordlists, r *rand.Rand, l lang, n int) []string {
	idx := mnemonicIndexes(randBytes(r, n*4/3))
	words := make([]string, n)
	for i, v := range idx {
		words[i] = norm.NFC.String(w.words[l][v])
	}
	return words
}

// formatted is a secret inside a message, with the secret's byte span.
type formatted struct {
	text       string
	start, end int
	words      []string // for mnemonics: the words, in the form used
	dense      bool     // Chinese or Japanese written without separators
	format     string
}

// format joins words the way a user may write them. It returns the
// formatted string and the span from the first word to the last.
type mnemonicFormat struct {
	name  string
	apply func(words []string) (s string, first, last int)
	// only for these lists (nil: all)
	only func(l lang) bool
	// transform of each word
	word func(l lang, w string) string
	// the words are written without separators
	dense bool
}

func joinWith(words []string, sep func(i int) string, pre func(i int) string) (string, int, int) {
	var b strings.Builder
	first, last := 0, 0
	for i, w := range words {
		if i > 0 {
			b.WriteString(sep(i))
		}
		b.WriteString(pre(i))
		if i == 0 {
			first = b.Len()
		}
		b.WriteString(w)
		last = b.Len()
	}
	return b.String(), first, last
}

func sepConst(s string) func(int) string { return func(int) string { return s } }

var noPre = func(int) string { return "" }

func isLatin(l lang) bool { return l.latin() }

func mnemonicFormats() []mnemonicFormat {
	upper := func(l lang, w string) string { return strings.ToUpper(w) }
	strip := func(l lang, w string) string { return norm.NFC.String(stripMarks(norm.NFKD.String(w))) }
	decomposed := func(l lang, w string) string { return norm.NFKD.String(w) }
	title := func(l lang, w string) string {
		_, n := utf8.DecodeRuneInString(w)
		return strings.ToUpper(w[:n]) + w[n:]
	}
	return []mnemonicFormat{
		{name: "spaces", apply: func(ws []string) (string, int, int) { return joinWith(ws, sepConst(" "), noPre) }},
		{name: "commas", apply: func(ws []string) (string, int, int) { return joinWith(ws, sepConst(", "), noPre) }},
		{name: "newlines", apply: func(ws []string) (string, int, int) { return joinWith(ws, sepConst("\n"), noPre) }},
		{name: "extra-spaces", apply: func(ws []string) (string, int, int) { return joinWith(ws, sepConst("   "), noPre) }},
		{name: "numbered-dot", apply: func(ws []string) (string, int, int) {
			return joinWith(ws, sepConst(" "), func(i int) string { return fmt.Sprintf("%d. ", i+1) })
		}},
		{name: "numbered-paren-lines", apply: func(ws []string) (string, int, int) {
			return joinWith(ws, sepConst("\n"), func(i int) string { return fmt.Sprintf("%d) ", i+1) })
		}},
		{name: "numbered-hash", apply: func(ws []string) (string, int, int) {
			return joinWith(ws, sepConst(" "), func(i int) string { return fmt.Sprintf("#%d ", i+1) })
		}},
		{name: "quoted", apply: func(ws []string) (string, int, int) {
			s, f, l := joinWith(ws, sepConst(`", "`), noPre)
			return `["` + s + `"]`, f + 2, l + 2
		}},
		{name: "upper", apply: func(ws []string) (string, int, int) { return joinWith(ws, sepConst(" "), noPre) }, only: isLatin, word: upper},
		{name: "title", apply: func(ws []string) (string, int, int) { return joinWith(ws, sepConst(" "), noPre) }, only: isLatin, word: title},
		{name: "accent-stripped", apply: func(ws []string) (string, int, int) { return joinWith(ws, sepConst(" "), noPre) },
			only: func(l lang) bool { return l == spanish || l == french }, word: strip},
		{name: "nfkd", apply: func(ws []string) (string, int, int) { return joinWith(ws, sepConst(" "), noPre) },
			only: func(l lang) bool { return l == japanese || l == korean || l == spanish || l == french }, word: decomposed},
		{name: "ideographic-space", apply: func(ws []string) (string, int, int) { return joinWith(ws, sepConst("\u3000"), noPre) },
			only: func(l lang) bool { return l == japanese || l.han() }},
		{name: "no-spaces", apply: func(ws []string) (string, int, int) { return joinWith(ws, sepConst(""), noPre) },
			only: func(l lang) bool { return l == japanese || l.han() }, dense: true},
		{name: "groups-of-four", apply: func(ws []string) (string, int, int) {
			return joinWith(ws, func(i int) string {
				if i%4 == 0 {
					return " "
				}
				return ""
			}, noPre)
		}, only: func(l lang) bool { return l.han() }, dense: true},
	}
}

// Sentences around a secret. %s is where it goes.
var (
	enSentences = []string{
		"here is my seed: %s please help",
		"Hi, my recovery phrase is \"%s\". Why can't I see my balance?",
		"%s",
		"I can't restore my wallet with these words:\n%s\nWhat am I doing wrong?",
	}
	zhSentences = []string{
		"我的钱包助记词是 %s 为什么转账失败",
		"你好，我的助记词：%s，请帮我看看为什么余额是零",
		"助记词%s导入以后看不到币",
	}
	jaSentences = []string{
		"私のシードフレーズは %s です。助けてください",
		"シードは%s。送金できません",
	}
	koSentences = []string{"제 복구 문구는 %s 입니다. 도와주세요"}
)

func sentencesFor(l lang) []string {
	out := append(append([]string{}, enSentences...), zhSentences...)
	switch l {
	case japanese:
		out = append(out, jaSentences...)
	case korean:
		out = append(out, koSentences...)
	}
	return out
}

func embedIn(sentence, secret string, first, last int) formatted {
	i := strings.Index(sentence, "%s")
	text := sentence[:i] + secret + sentence[i+2:]
	return formatted{text: text, start: i + first, end: i + last}
}

// Keys.

const base58Alphabet58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

func base58Encode(b []byte) string {
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	digits := []byte{} // little-endian base-58 digits
	for _, c := range b[zeros:] {
		carry := int(c)
		for i := range digits {
			carry += int(digits[i]) << 8
			digits[i] = byte(carry % 58)
			carry /= 58
		}
		for carry > 0 {
			digits = append(digits, byte(carry%58))
			carry /= 58
		}
	}
	out := strings.Repeat("1", zeros)
	for i := len(digits) - 1; i >= 0; i-- {
		out += string(base58Alphabet58[digits[i]])
	}
	return out
}

func base58Check(payload []byte) string {
	h := sha256.Sum256(payload)
	h = sha256.Sum256(h[:])
	return base58Encode(append(append([]byte{}, payload...), h[:4]...))
}

func randomWIF(r *rand.Rand, testnet, compressed bool) string {
	version := byte(0x80)
	if testnet {
		version = 0xef
	}
	p := append([]byte{version}, randBytes(r, 32)...)
	if compressed {
		p = append(p, 0x01)
	}
	return base58Check(p)
}

func randomSolana(r *rand.Rand) []byte {
	return ed25519.NewKeyFromSeed(randBytes(r, 32))
}

func solanaJSON(key []byte, spaced bool) string {
	parts := make([]string, len(key))
	for i, b := range key {
		parts[i] = fmt.Sprint(b)
	}
	if spaced {
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func randomKeystore(r *rand.Rand, capital, pretty bool) string {
	crypto := "crypto"
	if capital {
		crypto = "Crypto"
	}
	h := func(n int) string { return hex.EncodeToString(randBytes(r, n)) }
	s := fmt.Sprintf(`{"address":"%s","%s":{"cipher":"aes-128-ctr","ciphertext":"%s","cipherparams":{"iv":"%s"},"kdf":"scrypt","kdfparams":{"dklen":32,"n":262144,"p":1,"r":8,"salt":"%s"},"mac":"%s"},"id":"%s-%s-%s-%s-%s","version":3}`,
		h(20), crypto, h(32), h(16), h(32), h(32), h(4), h(2), h(2), h(2), h(6))
	if pretty {
		s = strings.ReplaceAll(s, ",", ",\n  ")
		s = strings.ReplaceAll(s, "{", "{\n  ")
	}
	return s
}
