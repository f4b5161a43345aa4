package lex

import (
	"slices"
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"花呗怎么还款？", []string{"花呗", "怎么", "还款"}},
		{"我的USDT转账没到, 等了30分钟", []string{"我", "的", "USDT", "转账", "没", "到", "等", "了", "30", "分钟"}},
		{"", nil},
		{"？！…", nil},
		{"wallet", []string{"wallet"}},
	} {
		if got := Words(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Words(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// Every character of the input is kept in some word.
	in := "蚂蚁借呗等额还款可以换成先息后本吗"
	if got := strings.Join(Words(in), ""); got != in {
		t.Errorf("Words(%q) joined = %q", in, got)
	}
}

// TestWalletWords: the wallet terms the dictionary lacks come out whole,
// wherever they stand in a sentence.
func TestWalletWords(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"助记词怎么备份", []string{"助记词", "怎么", "备份"}},
		{"转账一直没到账", []string{"转账", "一直", "没", "到账"}},
		{"冷钱包和热钱包", []string{"冷钱包", "和", "热钱包"}},
		{"跨链桥的矿工费", []string{"跨链桥", "的", "矿工费"}},
		{"在区块浏览器查哈希", []string{"在", "区块浏览器", "查", "哈希"}},
		{"接到假客服电话要撤销授权", []string{"接到", "假客服", "电话", "要", "撤销授权"}},
	} {
		if got := Words(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Words(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, w := range domainWords {
		if got := Words(w); len(got) != 1 || got[0] != w {
			t.Errorf("Words(%q) = %q, want the word whole", w, got)
		}
	}
}

func TestStem(t *testing.T) {
	for in, want := range map[string]string{
		"transfers": "transfer", "transferred": "transfer", "transferring": "transfer", "transfer": "transfer",
		"fees": "fee", "fee": "fee", "pending": "pend", "pended": "pend", "stopped": "stop", "replies": "reply",
		"copied": "copy", "address": "address", "addresses": "address", "status": "status", "gas": "gas",
		"bridge": "bridg", "bridging": "bridg", "bridges": "bridg", "tokens": "token", "missing": "miss",
		"usdt": "usdt", "trc20": "trc20", "was": "was", "loans": "loan", "filled": "fill",
	} {
		if got := Stem(in); got != want {
			t.Errorf("Stem(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStopWords(t *testing.T) {
	for _, w := range []string{"the", "how", "why", "please", "this", "was", "的", "怎么", "为什么", "请问", "一下", "我们"} {
		if !IsStop(w) {
			t.Errorf("IsStop(%q) = false, want a stop word", w)
		}
	}
	// Words that tell questions apart are not stop words, nor are the
	// stems of stop words ("thi", "wa").
	for _, w := range []string{"transfer", "loan", "seed", "thi", "wa", "转账", "助记词", "钱包", "被盗", ""} {
		if IsStop(w) {
			t.Errorf("IsStop(%q) = true, want a word that counts", w)
		}
	}
}

func TestTerms(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"Why are my Transfers PENDING?", []string{"transfer", "pend"}},
		{"The USDT-TRC20 fees, again!", []string{"usdt", "trc20", "fee"}},
		{"助记词怎么备份", []string{"助记词", "备份"}},
		{"转账一直没到账", []string{"转账", "到账"}},
		{"我的USDT转账显示pending怎么办", []string{"usdt", "转账", "显示", "pend"}},
		// A compound brings the dictionary words inside it first.
		{"区块浏览器", []string{"区块", "浏览", "浏览器", "区块浏览器"}},
		{"！？。，", nil},
	} {
		if got := Terms(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Terms(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// An index also holds the characters of Chinese words.
	if got := IndexTerms("盗币"); !slices.Equal(got, []string{"盗币", "盗", "币"}) {
		t.Errorf("IndexTerms(盗币) = %q", got)
	}
	// A stop word brings nothing of its own, however long.
	for _, w := range []string{"为什么", "怎么样", "怎么办"} {
		if got := IndexTerms(w); len(got) != 0 {
			t.Errorf("IndexTerms(%s) = %q, want nothing", w, got)
		}
	}
	if got := IndexTerms("My Transfers"); !slices.Equal(got, []string{"transfer"}) {
		t.Errorf("IndexTerms(My Transfers) = %q", got)
	}
}

func TestHasHan(t *testing.T) {
	if !HasHan("USDT 转账") || HasHan("USDT transfer") || HasHan("") {
		t.Error("HasHan does not tell Chinese text from other text")
	}
}
