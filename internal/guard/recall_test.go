package guard

import (
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
)

// caught reports whether findings cover text[start:end] entirely and one of
// them that overlaps it has one of the kinds.
func caught(fs []Finding, start, end int, kinds ...string) bool {
	kindOK := false
	pos := start
	for _, f := range fs {
		if f.End <= start || f.Start >= end {
			continue
		}
		if slices.Contains(kinds, f.Kind) {
			kindOK = true
		}
		if f.Start <= pos && f.End > pos {
			pos = f.End
		}
	}
	return kindOK && pos >= end
}

type tally struct {
	counts map[string][2]int // caught, total
	misses []string
}

func (t *tally) add(key string, ok bool, example string) {
	if t.counts == nil {
		t.counts = map[string][2]int{}
	}
	c := t.counts[key]
	c[1]++
	if ok {
		c[0]++
	} else if len(t.misses) < 20 {
		t.misses = append(t.misses, key+": "+example)
	}
	t.counts[key] = c
}

func (t *tally) total() (caught, total int) {
	for _, c := range t.counts {
		caught += c[0]
		total += c[1]
	}
	return
}

func (t *tally) log(tb testing.TB, what string) {
	keys := make([]string, 0, len(t.counts))
	for k := range t.counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		c := t.counts[k]
		tb.Logf("%-40s %6d / %6d caught (%.2f%%)", k, c[0], c[1], 100*float64(c[0])/float64(c[1]))
	}
	for _, m := range t.misses {
		tb.Logf("missed %s", m)
	}
	c, n := t.total()
	tb.Logf("%s: %d / %d caught, recall %.4f%%", what, c, n, 100*float64(c)/float64(n))
}

// mnemonicSamples makes, for every list, length and format, perList
// mnemonics embedded in support sentences.
func mnemonicSamples(w *wordlists, r *rand.Rand, perList int) []struct {
	l lang
	n int
	f formatted
} {
	var out []struct {
		l lang
		n int
		f formatted
	}
	formats := mnemonicFormats()
	for l := range numLangs {
		sentences := sentencesFor(l)
		for _, n := range []int{12, 15, 18, 21, 24} {
			for m := range perList {
				words := randomMnemonic(w, r, l, n)
				for fi, mf := range formats {
					if mf.only != nil && !mf.only(l) {
						continue
					}
					ws := slices.Clone(words)
					if mf.word != nil {
						for i := range ws {
							ws[i] = mf.word(l, ws[i])
						}
					}
					s, first, last := mf.apply(ws)
					f := embedIn(sentences[(m+fi)%len(sentences)], s, first, last)
					f.words, f.dense, f.format = ws, mf.dense, mf.name
					out = append(out, struct {
						l lang
						n int
						f formatted
					}{l, n, f})
				}
			}
		}
	}
	return out
}

// keySample is a private key of some kind inside a message.
type keySample struct {
	kind, variant string
	f             formatted
}

func keySamples(r *rand.Rand, per int) []keySample {
	sentences := []string{
		"my private key is %s",
		"私钥：%s 请帮我恢复钱包",
		"%s",
		"I exported this from my wallet %s and now the balance is gone",
		"钱包密钥%s导入失败",
		"here you go:\n%s\nthanks",
	}
	var out []keySample
	add := func(kind, variant, secret string, i int) {
		f := embedIn(sentences[i%len(sentences)], secret, 0, len(secret))
		out = append(out, keySample{kind, variant, f})
	}
	for i := range per {
		k := hex.EncodeToString(randBytes(r, 32))
		add(KindPrivateKey, "hex", k, i)
		add(KindPrivateKey, "hex-0x", "0x"+k, i+1)
		add(KindPrivateKey, "hex-upper", strings.ToUpper(k), i+2)
		add(KindWIF, "wif-compressed", randomWIF(r, false, true), i)
		add(KindWIF, "wif-uncompressed", randomWIF(r, false, false), i+1)
		add(KindWIF, "wif-testnet", randomWIF(r, true, i%2 == 0), i+2)
		sol := randomSolana(r)
		add(KindSolana, "solana-base58", base58Encode(sol), i)
		add(KindSolana, "solana-json", solanaJSON(sol, i%2 == 0), i+1)
		add(KindSolana, "solana-hex128", hex.EncodeToString(sol), i+2)
		add(KindKeystore, "keystore", randomKeystore(r, i%2 == 1, false), i)
		add(KindKeystore, "keystore-pretty", randomKeystore(r, i%2 == 0, true), i+1)
	}
	return out
}

// TestRecall: generated mnemonics in every list, length and format, and
// keys of every kind, embedded in support messages, must be found (recall
// at least 99.9%). Run with -v for the figures.
func TestRecall(t *testing.T) {
	g := testGuard(t)
	r := rand.New(rand.NewPCG(39, 2048))
	perList := 30
	if testing.Short() {
		perList = 5
	}
	var byLang, byFormat, byKey tally
	for _, s := range mnemonicSamples(g.w, r, perList) {
		fs := g.Scan(s.f.text)
		ok := caught(fs, s.f.start, s.f.end, KindMnemonic)
		byLang.add(fmt.Sprintf("mnemonic %s %d", s.l, s.n), ok, fmt.Sprintf("%q %v", s.f.text, fs))
		byFormat.add("mnemonic format "+s.f.format, ok, s.f.text)
	}
	for _, k := range keySamples(r, 300) {
		fs := g.Scan(k.f.text)
		byKey.add(k.kind+" "+k.variant, caught(fs, k.f.start, k.f.end, k.kind), fmt.Sprintf("%q %v", k.f.text, fs))
	}
	byLang.log(t, "mnemonics by list and length")
	byFormat.log(t, "mnemonics by format")
	byKey.log(t, "private keys")
	c1, n1 := byLang.total()
	c2, n2 := byKey.total()
	recall := float64(c1+c2) / float64(n1+n2)
	t.Logf("RECALL overall: %d / %d = %.4f%% (mnemonics %d / %d, keys %d / %d)", c1+c2, n1+n2, 100*recall, c1, n1, c2, n2)
	if recall < 0.999 {
		t.Errorf("recall %.4f%% < 99.9%%", 100*recall)
	}
}

// TestRecallNearMnemonic: a valid mnemonic with one word replaced by another
// wordlist word (or two neighbours swapped, or one word misspelt) is still
// caught.
func TestRecallNearMnemonic(t *testing.T) {
	g := testGuard(t)
	r := rand.New(rand.NewPCG(7, 11))
	var tl tally
	per := 40
	if testing.Short() {
		per = 10
	}
	for l := range numLangs {
		for _, n := range []int{12, 15, 18, 21, 24} {
			for m := range per {
				words := randomMnemonic(g.w, r, l, n)
				variants := map[string][]string{}
				rep := slices.Clone(words)
				rep[r.IntN(n)] = g.w.words[l][r.IntN(2048)]
				variants["replaced"] = rep
				sw := slices.Clone(words)
				i := r.IntN(n - 1)
				sw[i], sw[i+1] = sw[i+1], sw[i]
				variants["swapped"] = sw
				if l.latin() {
					ms := slices.Clone(words)
					i := r.IntN(n)
					if w := []rune(ms[i]); len(w) > 4 {
						ms[i] = string(w[:2]) + string(w[3:]) // one letter dropped
						variants["misspelt"] = ms
					}
				}
				for name, ws := range variants {
					sep := " "
					sentences := sentencesFor(l)
					s, first, last := joinWith(ws, sepConst(sep), noPre)
					f := embedIn(sentences[m%len(sentences)], s, first, last)
					fs := g.Scan(f.text)
					tl.add(fmt.Sprintf("%s %s", name, l), caught(fs, f.start, f.end, KindMnemonic, KindMnemonicLike), fmt.Sprintf("%q %v", f.text, fs))
				}
			}
		}
	}
	tl.log(t, "near-mnemonics")
	c, n := tl.total()
	if float64(c) < 0.999*float64(n) {
		t.Errorf("near-mnemonic recall %d / %d < 99.9%%", c, n)
	}
}

// TestRecallChineseNoSpaces: the hardest case, Chinese 12-character
// mnemonics written without separators and glued to the sentence around
// them, where only the checksum and the randomness of the characters tell
// them from ordinary text. Many samples, to measure the miss rate.
func TestRecallChineseNoSpaces(t *testing.T) {
	g := testGuard(t)
	r := rand.New(rand.NewPCG(12, 12))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	var tl tally
	for i := range n {
		l := chineseSimplified
		if i%2 == 1 {
			l = chineseTraditional
		}
		words := randomMnemonic(g.w, r, l, 12)
		s := strings.Join(words, "")
		sentence := zhSentences[i%len(zhSentences)]
		f := embedIn(sentence, s, 0, len(s))
		fs := g.Scan(f.text)
		tl.add(fmt.Sprintf("%s 12 no spaces", l), caught(fs, f.start, f.end, KindMnemonic), fmt.Sprintf("%q %v", f.text, fs))
	}
	tl.log(t, "chinese 12-character mnemonics without spaces")
	if c, n := tl.total(); float64(c) < 0.999*float64(n) {
		t.Errorf("recall %d / %d < 99.9%%", c, n)
	}
}
