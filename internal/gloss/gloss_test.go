package gloss

import (
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
	for _, c := range []struct {
		in   []string
		want string
	}{
		{[]string{"转账", "多久", "到账"}, "transfer how long? " + strings.TrimSpace(strings.Split(d.Gloss("到账"), ";")[0])},
		{nil, ""},
		{[]string{"USDT", "转账"}, "usdt transfer"},
		{[]string{"how", "to", "还款"}, "how to repayment"},
		// A word the dictionary lacks (a wallet term package lex adds)
		// reads as the first definitions of its parts.
		{[]string{"提币地址"}, strings.Join([]string{first(d.Define("提")), first(d.Define("币")), first(d.Define("地址"))}, " ")},
	} {
		if got := d.Read(c.in); got != c.want {
			t.Errorf("Read(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if !d.Has("钱包") || d.Has("提币地址") || d.MaxLen() < 4 {
		t.Errorf("Has(钱包) = %v, Has(提币地址) = %v, MaxLen = %d", d.Has("钱包"), d.Has("提币地址"), d.MaxLen())
	}
}

func first(def string) string {
	g, _, _ := strings.Cut(def, ";")
	return strings.TrimSpace(g)
}
