package gloss

import (
	"slices"
	"strings"
	"sync"
	"testing"
)

var loaded = sync.OnceValues(Load)

func dict(t *testing.T) *Dictionary {
	t.Helper()
	d, err := loaded()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestLoad(t *testing.T) {
	d := dict(t)
	if d.Len() < 100_000 {
		t.Fatalf("%d headwords, want the whole dictionary (>100,000)", d.Len())
	}
	for word, want := range map[string]string{
		"还款": "repayment",
		"钱包": "wallet",
		"转账": "transfer",
		"如何": "how",
		"额度": "limit",
	} {
		if got := d.Define(word); !strings.Contains(got, want) {
			t.Errorf("Define(%q) = %q, want it to contain %q", word, got, want)
		}
	}
	if got := d.Define("不是一个词语吧"); got != "" {
		t.Errorf("Define of a non-word = %q, want empty", got)
	}
	// The converter drops pointers to other entries.
	for _, w := range []string{"怎么", "还"} {
		if g := d.Define(w); strings.Contains(g, "variant of") || strings.Contains(g, "[") {
			t.Errorf("Define(%q) = %q keeps a reference", w, g)
		}
	}
}

func TestWords(t *testing.T) {
	d := dict(t)
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
		if got := d.Words(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Words(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// Every character of the input is kept in some word.
	in := "蚂蚁借呗等额还款可以换成先息后本吗"
	if got := strings.Join(d.Words(in), ""); got != in {
		t.Errorf("Words(%q) joined = %q", in, got)
	}
}

func TestGloss(t *testing.T) {
	d := dict(t)
	if got := d.Gloss("还款"); got != d.Define("还款") {
		t.Errorf("Gloss of a headword = %q, want its definitions %q", got, d.Define("还款"))
	}
	// A word the dictionary lacks reads as its known parts.
	g := d.Gloss("提币地址")
	if d.Define("提币地址") != "" || !strings.Contains(g, "address") {
		t.Errorf("Gloss(提币地址) = %q, want the parts' definitions with \"address\"", g)
	}
	if got := d.Gloss("USDT"); got != "usdt" {
		t.Errorf("Gloss(USDT) = %q, want it lower-cased", got)
	}
	if got := d.Gloss(""); got != "" {
		t.Errorf("Gloss(\"\") = %q", got)
	}
}

func TestRead(t *testing.T) {
	d := dict(t)
	for in, want := range map[string]string{
		"转账多久到账":     "transfer how long? " + strings.TrimSpace(strings.Split(d.Gloss("到账"), ";")[0]),
		"":           "",
		"USDT转账":     "usdt transfer",
		"？！":         "",
		"how to 还款？": "how to repayment",
	} {
		if got := d.Read(in); got != want {
			t.Errorf("Read(%q) = %q, want %q", in, got, want)
		}
	}
}
