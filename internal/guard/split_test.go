package guard

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestFillerInOneMessage: a valid mnemonic interrupted by line breaks and
// filler words in one message is found, from its first word to its last.
func TestFillerInOneMessage(t *testing.T) {
	g := testGuard(t)
	r := rand.New(rand.NewPCG(12, 4))
	en := func(ws []string) string { return strings.Join(ws, " ") }
	dense := func(ws []string) string { return strings.Join(ws, "") }
	cases := []struct {
		name string
		l    lang
		n    int
		join func(a, b []string, j func([]string) string) string
		word func([]string) string
	}{
		{"continued", english, 12, func(a, b []string, j func([]string) string) string { return j(a) + "\n(continued)\n" + j(b) }, en},
		{"and-then", english, 12, func(a, b []string, j func([]string) string) string { return j(a) + " ... and then " + j(b) }, en},
		{"rest-is", english, 24, func(a, b []string, j func([]string) string) string { return j(a) + "\n\nthe rest is:\n" + j(b) }, en},
		{"part-2", english, 12, func(a, b []string, j func([]string) string) string { return "part 1: " + j(a) + "\npart 2: " + j(b) }, en},
		{"numbered", english, 12, func(a, b []string, j func([]string) string) string {
			return "1. " + strings.Join(a, "\n2. ") + "\n(cont)\n7. " + strings.Join(b, "\n8. ")
		}, en},
		{"还有", chineseSimplified, 12, func(a, b []string, j func([]string) string) string { return j(a) + " 还有 " + j(b) }, dense},
		{"还有-glued", chineseSimplified, 12, func(a, b []string, j func([]string) string) string { return j(a) + "还有" + j(b) }, dense},
		{"接着", chineseSimplified, 12, func(a, b []string, j func([]string) string) string { return j(a) + "\n接着\n" + j(b) }, dense},
		{"然后", chineseSimplified, 12, func(a, b []string, j func([]string) string) string { return j(a) + "，然后" + j(b) }, dense},
		{"spaced-还有", chineseSimplified, 12, func(a, b []string, j func([]string) string) string { return j(a) + " 还有 " + j(b) }, en},
		{"5+7-newline", chineseSimplified, 12, func(a, b []string, j func([]string) string) string { return j(a) + "\n" + j(b) }, dense},
		{"第二部分", chineseSimplified, 24, func(a, b []string, j func([]string) string) string {
			return "第一部分：" + j(a) + " 第二部分：" + j(b)
		}, dense},
	}
	total, caughtAll := 0, 0
	defer func() { t.Logf("filler in one message: %d / %d caught", caughtAll, total) }()
	for _, c := range cases {
		missed := 0
		const per = 40
		total += per
		for i := range per {
			words := randomMnemonic(g.w, r, c.l, c.n)
			half := c.n / 2
			if c.name == "5+7-newline" {
				half = 5
			}
			body := c.join(words[:half], words[half:], c.word)
			text := "my words: " + body + " thanks"
			if c.l.han() {
				text = "助记词 " + body + " 谢谢"
			}
			first := strings.Index(text, words[0])
			last := strings.LastIndex(text, words[c.n-1]) + len(words[c.n-1])
			if fs := g.Scan(text); !caught(fs, first, last, KindMnemonic) {
				missed++
				if missed <= 3 {
					t.Logf("%s missed %d: %q %v", c.name, i, text, fs)
				}
			}
		}
		caughtAll += per - missed
		// A random 12-word Chinese mnemonic fails the tests of randomness
		// (mean log rank, no frequent word) about 1% of the time.
		if missed > per/20 {
			t.Errorf("%s: %d of %d missed", c.name, missed, per)
		}
	}
}

// TestFillerOrdinaryText: sentences with "and then", "还有" or "然后"
// between wordlist words are not secrets.
func TestFillerOrdinaryText(t *testing.T) {
	g := testGuard(t)
	for _, s := range []string{
		"I tried to send money to my friend and then the app froze, then I tried again and then it said pending",
		"first I opened the wallet, then the balance was zero and then I called support, the rest is history",
		"转账失败了，然后我又试了一次，还有手续费也扣了，接着余额就不对了，最后只能找客服",
		"我想问一下提现到银行卡要多久 还有 手续费是多少 然后 到账以后会有短信通知吗",
		"window cube motor thunder ocean rifle (continued) armor puppy sibling expire verb toe", // checksum fails
	} {
		if fs := g.Scan(s); len(fs) > 0 && fs[0].Kind == KindMnemonic {
			t.Errorf("ordinary text flagged: %q %v", s, fs)
		}
	}
}

// splitRandomly cuts words into n parts of at least one word each.
func splitRandomly(r *rand.Rand, words []string, n int) [][]string {
	cuts := r.Perm(len(words) - 1)[:n-1]
	mark := make([]bool, len(words))
	for _, c := range cuts {
		mark[c+1] = true
	}
	var out [][]string
	start := 0
	for i := 1; i <= len(words); i++ {
		if i == len(words) || mark[i] {
			out = append(out, words[start:i])
			start = i
		}
	}
	return out
}

// partsCover reports whether fs redact every word of the split mnemonic:
// each part's words lie inside a finding of that part.
func partsCover(fs []PartFinding, parts []string, words [][]string) bool {
	for p, ws := range words {
		for _, w := range ws {
			i := strings.Index(parts[p], w)
			ok := false
			for _, f := range fs {
				if f.Part == p && f.Start <= i && i+len(w) <= f.End {
					ok = true
				}
			}
			if !ok {
				return false
			}
		}
	}
	return true
}

// TestScanPartsSplits: mnemonics sent as 6+6, 4+4+4, 3×4, 2×6, one word per
// message, and split at random into 2 to 12 messages, in English and
// Chinese (with and without spaces), 12 and 24 words.
func TestScanPartsSplits(t *testing.T) {
	g := testGuard(t)
	r := rand.New(rand.NewPCG(7, 7))
	type style struct {
		name string
		l    lang
		sep  string
	}
	styles := []style{{"english", english, " "}, {"chinese-spaced", chineseSimplified, " "}, {"chinese-dense", chineseSimplified, ""}}
	var tl tally
	for _, st := range styles {
		for _, n := range []int{12, 24} {
			fixed := [][]int{{6, 6}, {4, 4, 4}, {3, 3, 3, 3}, {2, 2, 2, 2, 2, 2}, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}}
			for k := range 180 {
				words := randomMnemonic(g.w, r, st.l, n)
				var split [][]string
				key := fmt.Sprintf("%s/%d/random", st.name, n)
				if k < 5*12 && n == 12 {
					sizes := fixed[k%5]
					key = fmt.Sprintf("%s/%d/%v", st.name, n, sizes)
					at := 0
					for _, s := range sizes {
						split = append(split, words[at:at+s])
						at += s
					}
				} else {
					split = splitRandomly(r, words, 2+r.IntN(11))
				}
				parts := make([]string, len(split))
				for i, ws := range split {
					parts[i] = strings.Join(ws, st.sep)
				}
				if k%3 == 0 { // chat around it: a question before, a word of context
					parts = append([]string{"我的钱包打不开了 help"}, parts...)
					split = append([][]string{nil}, split...)
				}
				fs := g.ScanParts(parts)
				tl.add(key, partsCover(fs, parts, split), fmt.Sprintf("%q %v", parts, fs))
			}
		}
	}
	tl.log(t, "split mnemonics")
	for key, c := range tl.counts {
		if c[0] < c[1]*95/100 {
			t.Errorf("%s: %d / %d caught", key, c[0], c[1])
		}
	}
	if c, n := tl.total(); c < n*98/100 {
		t.Errorf("split recall %d / %d", c, n)
	}
}

// TestScanPartsOrdinary: consecutive texts of the ordinary corpora, read as
// if one sender had sent them one after another, hold no split mnemonic;
// nor do twelve messages of one wordlist word each that fail the checksum.
func TestScanPartsOrdinary(t *testing.T) {
	g := testGuard(t)
	if fs := g.ScanParts(strings.Fields("window cube motor thunder ocean rifle armor puppy sibling expire verb toe")); len(fs) > 0 {
		t.Errorf("checksum-invalid words flagged: %v", fs)
	}
	for name, texts := range map[string][]string{"banking77": banking77(t), "afqmc": afqmc(t)} {
		r := rand.New(rand.NewPCG(3, 9))
		groups, flagged := 0, 0
		for i := 0; i < len(texts); groups++ {
			n := 2 + r.IntN(11)
			if i+n > len(texts) {
				break
			}
			if fs := g.ScanParts(texts[i : i+n]); len(fs) > 0 {
				flagged++
				if flagged <= 5 {
					t.Logf("%s: flagged %q %v", name, texts[i:i+n], fs)
				}
			}
			i += n
		}
		t.Logf("SPLIT FALSE POSITIVES %s: %d / %d groups of 2-12 texts", name, flagged, groups)
		if flagged*1000 > groups {
			t.Errorf("%s: %d of %d groups flagged", name, flagged, groups)
		}
		// Each text as the message right after a removed mnemonic.
		after := 0
		for _, s := range texts {
			if fs := g.ScanParts([]string{"my seed " + MarkerMnemonic, s}); len(fs) > 0 {
				after++
				if after <= 5 {
					t.Logf("%s: flagged after a removed mnemonic: %q %v", name, s, fs)
				}
			}
		}
		t.Logf("FALSE POSITIVES right after a removed mnemonic %s: %d / %d texts", name, after, len(texts))
		if after*1000 > len(texts) {
			t.Errorf("%s: %d of %d texts flagged after a removed mnemonic", name, after, len(texts))
		}
	}
}

func BenchmarkScanParts(b *testing.B) {
	g := testGuard(b)
	parts := []string{"我的钱包打不开了，怎么办", "I sent 0.5 ETH to my friend and it is still pending",
		"还有手续费是多少", "can you check the transaction please"}
	for b.Loop() {
		g.ScanParts(parts)
	}
}

// TestContinuationAfterRemovedMnemonic: the words of a 24-word mnemonic
// that come after 12 of them were removed (they passed the checksum by
// chance) go too; what a user says after a removed mnemonic stays.
func TestContinuationAfterRemovedMnemonic(t *testing.T) {
	g := testGuard(t)
	r := rand.New(rand.NewPCG(5, 5))
	prev := "here: " + MarkerMnemonic
	for range 20 {
		en := randomMnemonic(g.w, r, english, 24)
		zh := randomMnemonic(g.w, r, chineseSimplified, 24)
		for _, rest := range []string{strings.Join(en[12:18], " "), strings.Join(zh[12:18], ""), strings.Join(zh[12:18], " ")} {
			fs := g.ScanParts([]string{prev, rest})
			if len(fs) != 1 || fs[0].Part != 1 || fs[0].Start != 0 || fs[0].End != len(rest) {
				t.Errorf("rest %q after a removed mnemonic: %v", rest, fs)
			}
		}
	}
	for _, s := range []string{"thank you", "ok what now?", "I am scared, can you help me recover my funds",
		"about", "我该怎么办", "谢谢", "好的，然后呢", "钱包里的币还在吗", "can you check my balance please"} {
		if fs := g.ScanParts([]string{prev, s}); len(fs) > 0 {
			t.Errorf("%q after a removed mnemonic flagged: %v", s, fs)
		}
	}
}
