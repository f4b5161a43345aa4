package kb

import (
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

// Segmenter turns text into search terms. Chinese is cut into words with
// gse and its embedded simplified-Chinese dictionary; other scripts are
// split on anything that is not a letter or digit, lower-cased and lightly
// stemmed. Stop words are dropped in both.
//
// Loading the dictionary takes seconds and about 130 MB, so it happens
// once per process, on the first text that contains Chinese, and every
// Segmenter shares it (it is only read after loading); English-only use
// never loads it. A Segmenter is safe for concurrent use.
type Segmenter struct{}

// NewSegmenter returns a Segmenter; the dictionary loads on first use.
func NewSegmenter() *Segmenter { return &Segmenter{} }

// chineseDict is the process's one loaded dictionary: read-only data, like
// an embedded table, loaded lazily because it is large.
var chineseDict = sync.OnceValues(func() (*gse.Segmenter, error) {
	var zh gse.Segmenter
	zh.SkipLog = true
	if err := zh.LoadDictEmbed("zh_s"); err != nil {
		return nil, fmt.Errorf("load the Chinese dictionary: %w", err)
	}
	for _, w := range domainWords {
		if err := zh.AddToken(w, 2000); err != nil {
			return nil, fmt.Errorf("add %q to the Chinese dictionary: %w", w, err)
		}
	}
	return &zh, nil
})

// domainWords are wallet terms the general dictionary lacks or splits
// ("助记词" came out as "助记 / 词", "到账" as "没到 / 账"). They are added
// after the dictionary loads; gse then prefers them over any split.
var domainWords = []string{
	"助记词", "到账", "私钥", "公钥", "矿工费", "燃料费", "跨链", "跨链桥", "闪兑", "滑点",
	"空投", "貔貅盘", "硬件钱包", "冷钱包", "热钱包", "多签", "区块浏览器", "白名单", "投毒", "工单",
	"主币", "代币", "盗币", "打包中", "转错", "充币", "提币", "钓鱼", "哈希", "主网", "测试网",
	"波场", "能量", "带宽", "授权", "撤销授权", "链上", "转账", "收款地址", "假客服", "正版",
}

// Terms returns the search terms of a query in order, with repeats.
func (s *Segmenter) Terms(text string) ([]string, error) { return s.terms(text, false) }

// indexTerms are the terms an article is indexed under: those of Terms
// plus, for Chinese, each character of a longer word, so that a query of
// one character ("钱", "币") also meets the words holding it ("钱包",
// "盗币") and counts for as little as such a common character deserves.
func (s *Segmenter) indexTerms(text string) ([]string, error) { return s.terms(text, true) }

func (s *Segmenter) terms(text string, chars bool) ([]string, error) {
	var out []string
	var run []rune
	han := false
	flush := func() error {
		if len(run) == 0 {
			return nil
		}
		defer func() { run = run[:0] }()
		if han {
			zh, err := chineseDict()
			if err != nil {
				return err
			}
			for _, w := range zh.CutSearch(string(run), true) {
				if w = strings.TrimSpace(w); w != "" && !zhStop[w] {
					out = append(out, w)
				}
				if chars && utf8.RuneCountInString(w) > 1 {
					for _, r := range w {
						if c := string(r); !zhStop[c] {
							out = append(out, c)
						}
					}
				}
			}
			return nil
		}
		w := strings.ToLower(string(run))
		if !enStop[w] {
			out = append(out, stem(w))
		}
		return nil
	}
	for _, r := range text {
		isHan := unicode.Is(unicode.Han, r)
		isWord := isHan || unicode.IsLetter(r) || unicode.IsDigit(r)
		if !isWord || isHan != han {
			if err := flush(); err != nil {
				return nil, err
			}
		}
		if isWord {
			han = isHan
			run = append(run, r)
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}

// HasHan reports whether text contains a Chinese character.
func HasHan(text string) bool {
	for _, r := range text {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
