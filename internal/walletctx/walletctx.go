// Package walletctx recognises wallet context in free text: EVM, TRON,
// Bitcoin and Solana addresses and transaction hashes, with their checksums
// verified where the format has one, and links them to block explorers.
package walletctx

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// Kinds.
const (
	KindAddress = "address"
	KindTx      = "tx"
)

// Chains.
const (
	ChainEVM     = "evm"
	ChainTron    = "tron"
	ChainBitcoin = "bitcoin"
	ChainSolana  = "solana"
)

// Chains lists the chains Find recognises.
var Chains = []string{ChainEVM, ChainTron, ChainBitcoin, ChainSolana}

// Entity is one address or transaction hash found in a text. Start and End
// are byte offsets of Value in the text.
type Entity struct {
	Kind  string `json:"kind"`
	Chain string `json:"chain"`
	Value string `json:"value"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// Candidates are found with ASCII boundaries: Go's \b treats any non-ASCII
// letter (Chinese text around an address) as a boundary, which is wanted.
var (
	evmTxRe   = regexp.MustCompile(`\b0[xX][0-9a-fA-F]{64}\b`)
	evmAddrRe = regexp.MustCompile(`\b0[xX][0-9a-fA-F]{40}\b`)
	hexTxRe   = regexp.MustCompile(`\b[0-9a-fA-F]{64}\b`)
	bech32Re  = regexp.MustCompile(`\b(?:bc1|BC1)[02-9ac-hj-np-zAC-HJ-NP-Z]{8,87}\b`)
	base58Re  = regexp.MustCompile(`\b[1-9A-HJ-NP-Za-km-z]{25,44}\b`)
	tronHint  = regexp.MustCompile(`(?i)\b(tron|trx|trc-?20|tronscan)\b|波场|波場`)
)

// Find returns the addresses and transaction hashes in text, in order of
// appearance. A 64-hex hash without 0x belongs to Bitcoin or TRON; it is
// reported as "tron" when the text mentions TRON or holds a TRON address,
// else as "bitcoin".
func Find(text string) []Entity {
	var out []Entity
	taken := func(a, b int) bool {
		for _, e := range out {
			if a < e.End && e.Start < b {
				return true
			}
		}
		return false
	}
	add := func(kind, chain string, loc []int) {
		out = append(out, Entity{Kind: kind, Chain: chain, Value: text[loc[0]:loc[1]], Start: loc[0], End: loc[1]})
	}
	for _, loc := range evmTxRe.FindAllStringIndex(text, -1) {
		add(KindTx, ChainEVM, loc)
	}
	for _, loc := range evmAddrRe.FindAllStringIndex(text, -1) {
		if !taken(loc[0], loc[1]) && validEIP55(text[loc[0]+2:loc[1]]) {
			add(KindAddress, ChainEVM, loc)
		}
	}
	for _, loc := range bech32Re.FindAllStringIndex(text, -1) {
		if !taken(loc[0], loc[1]) && validSegwit("bc", text[loc[0]:loc[1]]) {
			add(KindAddress, ChainBitcoin, loc)
		}
	}
	for _, loc := range base58Re.FindAllStringIndex(text, -1) {
		if taken(loc[0], loc[1]) {
			continue
		}
		v := text[loc[0]:loc[1]]
		if chain := base58Chain(v); chain != "" {
			add(KindAddress, chain, loc)
		}
	}
	hexChain := ChainBitcoin
	if tronHint.MatchString(text) {
		hexChain = ChainTron
	} else {
		for _, e := range out {
			if e.Chain == ChainTron {
				hexChain = ChainTron
			}
		}
	}
	for _, loc := range hexTxRe.FindAllStringIndex(text, -1) {
		if !taken(loc[0], loc[1]) {
			add(KindTx, hexChain, loc)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// base58Chain tells which chain a base58 token is an address of, or "".
func base58Chain(v string) string {
	switch {
	case v[0] == 'T' && len(v) == 34:
		if p, ok := base58Check(v); ok && len(p) == 21 && p[0] == 0x41 {
			return ChainTron
		}
	case (v[0] == '1' || v[0] == '3') && len(v) >= 26 && len(v) <= 35:
		if p, ok := base58Check(v); ok && len(p) == 21 && (p[0] == 0x00 || p[0] == 0x05) {
			return ChainBitcoin
		}
	}
	if looksSolana(v) {
		return ChainSolana
	}
	return ""
}

// looksSolana: 32–44 base58 characters decoding to 32 bytes, with digits,
// upper- and lowercase letters mixed (ordinary words and ids rarely are).
func looksSolana(v string) bool {
	if len(v) < 32 || len(v) > 44 {
		return false
	}
	var digit, upper, lower bool
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'A' && c <= 'Z':
			upper = true
		default:
			lower = true
		}
	}
	if !digit || !upper || !lower {
		return false
	}
	b, ok := base58Decode(v)
	return ok && len(b) == 32
}

// AttributeKey is the conversation attribute an entity is kept under, like
// "wallet.evm.address" or "wallet.tron.tx".
func AttributeKey(e Entity) string { return "wallet." + e.Chain + "." + e.Kind }

// Attributes turns entities into conversation attributes; for each key the
// last entity wins (the most recent mention).
func Attributes(es []Entity) map[string]string {
	out := map[string]string{}
	for _, e := range es {
		out[AttributeKey(e)] = e.Value
	}
	return out
}

// Templates are one chain's explorer URL templates; {value} is replaced by
// the address or transaction hash.
type Templates struct {
	Address string `json:"address"`
	Tx      string `json:"tx"`
}

// Explorers maps a chain to its templates.
type Explorers map[string]Templates

// DefaultExplorers are used for chains the configuration does not name.
func DefaultExplorers() Explorers {
	return Explorers{
		ChainEVM:     {Address: "https://etherscan.io/address/{value}", Tx: "https://etherscan.io/tx/{value}"},
		ChainTron:    {Address: "https://tronscan.org/#/address/{value}", Tx: "https://tronscan.org/#/transaction/{value}"},
		ChainBitcoin: {Address: "https://mempool.space/address/{value}", Tx: "https://mempool.space/tx/{value}"},
		ChainSolana:  {Address: "https://solscan.io/account/{value}", Tx: "https://solscan.io/tx/{value}"},
	}
}

// ParseExplorers reads a JSON map chain → {"address", "tx"} and merges it
// over the defaults. Empty input gives the defaults.
func ParseExplorers(s string) (Explorers, error) {
	out := DefaultExplorers()
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	var in map[string]Templates
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, fmt.Errorf("not a JSON object of chain → {\"address\",\"tx\"}: %v", err)
	}
	for chain, t := range in {
		known := false
		for _, c := range Chains {
			known = known || c == chain
		}
		if !known {
			return nil, fmt.Errorf("unknown chain %q (use %s)", chain, strings.Join(Chains, ", "))
		}
		merged := out[chain]
		for _, p := range []struct {
			name string
			v    string
			dst  *string
		}{{"address", t.Address, &merged.Address}, {"tx", t.Tx, &merged.Tx}} {
			if p.v == "" {
				continue
			}
			if err := checkTemplate(p.v); err != nil {
				return nil, fmt.Errorf("%s.%s: %v", chain, p.name, err)
			}
			*p.dst = p.v
		}
		out[chain] = merged
	}
	return out, nil
}

func checkTemplate(t string) error {
	if !strings.Contains(t, "{value}") {
		return fmt.Errorf("template %q has no {value}", t)
	}
	u, err := url.Parse(strings.ReplaceAll(t, "{value}", "x"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("template %q is not an http(s) URL", t)
	}
	return nil
}

// URL returns the explorer link for e, or "".
func (x Explorers) URL(e Entity) string {
	t, ok := x[e.Chain]
	if !ok {
		return ""
	}
	tpl := t.Address
	if e.Kind == KindTx {
		tpl = t.Tx
	}
	if tpl == "" {
		return ""
	}
	return strings.ReplaceAll(tpl, "{value}", url.PathEscape(e.Value))
}
