package kb

import (
	"reflect"
	"testing"
)

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
