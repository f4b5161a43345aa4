package kb

import (
	"reflect"
	"testing"
)

func TestStem(t *testing.T) {
	for in, want := range map[string]string{
		"transfers": "transfer", "transferred": "transfer", "transferring": "transfer", "transfer": "transfer",
		"fees": "fee", "fee": "fee", "pending": "pend", "pended": "pend", "stopped": "stop", "replies": "reply",
		"copied": "copy", "address": "address", "addresses": "address", "status": "status", "gas": "gas",
		"bridge": "bridg", "bridging": "bridg", "bridges": "bridg", "tokens": "token", "missing": "miss",
		"usdt": "usdt", "trc20": "trc20", "was": "was",
	} {
		if got := stem(in); got != want {
			t.Errorf("stem(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTerms(t *testing.T) {
	seg := testSegmenter
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"Why are my Transfers PENDING?", []string{"transfer", "pend"}},
		{"The USDT-TRC20 fees, again!", []string{"usdt", "trc20", "fee"}},
		{"助记词怎么备份", []string{"助记", "助记词", "备份"}},
		{"转账一直没到账", []string{"转账", "到账"}},
		{"我的USDT转账显示pending怎么办", []string{"usdt", "转账", "显示", "pend"}},
		{"！？。，", nil},
	} {
		got, err := seg.Terms(c.in)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Terms(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// The index also holds the characters of Chinese words.
	got, err := seg.indexTerms("盗币")
	if err != nil || !reflect.DeepEqual(got, []string{"盗币", "盗", "币"}) {
		t.Errorf("indexTerms(盗币) = %q, %v", got, err)
	}
}

func TestEnglishTerms(t *testing.T) {
	// English takes the plain path: split, lower-case, stem, drop stop words.
	got, err := NewSegmenter().Terms("My Transfers are PENDING")
	if err != nil || !reflect.DeepEqual(got, []string{"transfer", "pend"}) {
		t.Errorf("Terms = %q, %v; want [transfer pend]", got, err)
	}
}

func TestPlainTextAndSnippets(t *testing.T) {
	got := PlainText("## Steps\n\n1. Open **Settings** and tap `Backup`.\n- See [the guide](https://example.com/x). Then stop!")
	want := "Steps\n\nOpen Settings and tap Backup.\nSee the guide. Then stop!"
	if got != want {
		t.Errorf("PlainText = %q, want %q", got, want)
	}
	if s := sentences("一。二！three. four\nfive"); !reflect.DeepEqual(s, []string{"一。", "二！", "three.", "four", "five"}) {
		t.Errorf("sentences = %q", s)
	}
	if s := shorten("一二三四五", 3); s != "一二…" {
		t.Errorf("shorten = %q", s)
	}
}
