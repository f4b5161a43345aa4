package httpx

import (
	"net/http/httptest"
	"testing"
)

func TestLang(t *testing.T) {
	for _, c := range []struct{ query, accept, want string }{
		{"", "", "en"},
		{"lang=zh-CN", "en", "zh-CN"},
		{"lang=zh", "", "zh-CN"},
		{"lang=en", "zh-CN", "en"},
		{"lang=fr", "zh-TW,zh;q=0.9", "zh-CN"},
		{"", "fr-CH, fr;q=0.9, en;q=0.8, zh;q=0.7", "en"},
		{"", "en;q=0.5, zh-Hans-CN", "zh-CN"},
		{"", "zh;q=0, en", "en"},
	} {
		r := httptest.NewRequest("GET", "/help?"+c.query, nil)
		r.Header.Set("Accept-Language", c.accept)
		if got := Lang(r); got != c.want {
			t.Errorf("Lang(?%s, %q) = %q, want %q", c.query, c.accept, got, c.want)
		}
	}
}
