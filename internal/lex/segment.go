package lex

import (
	"fmt"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/huiying/huiying/internal/gloss"
)

// Segmenter cuts Chinese into words: the headwords of the embedded
// CC-CEDICT dictionary (package gloss) and the wallet terms it lacks
// (domainWords). Runs of Chinese characters are cut into the fewest such
// words; a character no word holds stands alone.
//
// The process has one (shared): the dictionary is read-only after
// loading, and loading it takes a fifth of a second, so it happens on the
// first Chinese text and English-only use never pays for it.
type Segmenter struct {
	dict   *gloss.Dictionary
	domain map[string]bool
	maxLen int // longest word tried, in runes
}

// domainWords are wallet terms the dictionary lacks or would cut apart
// ("助记词" as "助 / 记 / 词", "到账" after "没" as "没到 / 账"), so that
// every reader of text meets them whole.
var domainWords = []string{
	"助记词", "到账", "私钥", "公钥", "矿工费", "燃料费", "跨链", "跨链桥", "闪兑", "滑点",
	"空投", "貔貅盘", "硬件钱包", "冷钱包", "热钱包", "多签", "区块浏览器", "白名单", "投毒", "工单",
	"主币", "代币", "盗币", "打包中", "转错", "充币", "提币", "钓鱼", "哈希", "主网", "测试网",
	"波场", "能量", "带宽", "授权", "撤销授权", "链上", "转账", "收款地址", "假客服", "正版",
}

// shared is the process's one Segmenter. The dictionary is embedded in the
// binary and its tests load it, so a failure here is a broken build, not
// a condition to handle: like an embedded template that does not parse,
// it panics.
var shared = sync.OnceValue(func() *Segmenter {
	d, err := gloss.Load()
	if err != nil {
		panic(fmt.Sprintf("lex: the embedded Chinese dictionary does not load: %v", err))
	}
	s := &Segmenter{dict: d, domain: map[string]bool{}, maxLen: d.MaxLen()}
	for _, w := range domainWords {
		s.domain[w] = true
		s.maxLen = max(s.maxLen, utf8.RuneCountInString(w))
	}
	return s
})

// Dictionary returns the Chinese-English dictionary the segmenter cuts
// by, for readers of meaning (the matcher's English reading of Chinese).
func Dictionary() *gloss.Dictionary { return shared().dict }

// isWord reports whether w is a word of the segmenter.
func (s *Segmenter) isWord(w string) bool { return s.domain[w] || s.dict.Has(w) }

// Words cuts s into words: runs of Chinese characters into the fewest
// words of the dictionary, runs of letters and digits whole, as written;
// everything else separates words and is dropped.
func Words(s string) []string {
	var out []string
	var run []rune
	han := false
	flush := func() {
		if len(run) == 0 {
			return
		}
		if han {
			out = shared().segment(run, out)
		} else {
			out = append(out, string(run))
		}
		run = run[:0]
	}
	for _, r := range s {
		isHan := IsHan(r)
		if !isHan && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		if isHan != han {
			flush()
			han = isHan
		}
		run = append(run, r)
	}
	flush()
	return out
}

// segment appends r cut into the fewest words; among cuts with as many
// words it keeps the one found first from the left with the longest last
// word (dynamic programming over end positions).
func (s *Segmenter) segment(r []rune, out []string) []string {
	n := len(r)
	cost := make([]int, n+1)
	back := make([]int, n+1)
	for i := 1; i <= n; i++ {
		cost[i] = n + 1
		for l := min(i, s.maxLen); l >= 1; l-- {
			if l > 1 && !s.isWord(string(r[i-l:i])) {
				continue
			}
			if c := cost[i-l] + 1; c < cost[i] {
				cost[i], back[i] = c, l
			}
		}
	}
	start := len(out)
	for i := n; i > 0; i -= back[i] {
		out = append(out, string(r[i-back[i]:i]))
	}
	for i, j := start, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// inner appends the words of two and three characters inside the Chinese
// word w (three only inside words of four or more), left to right, stop
// words left out: what a search engine's "search mode" adds so that
// "区块浏览器" is also found as "浏览器".
func (s *Segmenter) inner(w string, out []string) []string {
	r := []rune(w)
	if len(r) < 3 {
		return out
	}
	for l := 2; l <= 3 && l < len(r); l++ {
		for i := 0; i+l <= len(r); i++ {
			if sub := string(r[i : i+l]); s.isWord(sub) && !IsStop(sub) {
				out = append(out, sub)
			}
		}
	}
	return out
}
