package httpx

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// normalizeLang maps a language tag ("zh", "zh-Hans-CN", "en-GB") to one
// of the product's locales, "zh-CN" or "en", or "" when there is none for
// it.
func normalizeLang(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	switch {
	case tag == "zh" || strings.HasPrefix(tag, "zh-") || strings.HasPrefix(tag, "zh_"):
		return "zh-CN"
	case tag == "en" || strings.HasPrefix(tag, "en-") || strings.HasPrefix(tag, "en_"):
		return "en"
	}
	return ""
}

// Lang picks the language of a page or message for r: ?lang= when it
// names a known one, else the best match of Accept-Language, else English.
func Lang(r *http.Request) string {
	if l := normalizeLang(r.URL.Query().Get("lang")); l != "" {
		return l
	}
	type pref struct {
		lang string
		q    float64
	}
	var prefs []pref
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(part, ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if l := normalizeLang(tag); l != "" && q > 0 {
			prefs = append(prefs, pref{l, q})
		}
	}
	sort.SliceStable(prefs, func(i, j int) bool { return prefs[i].q > prefs[j].q })
	if len(prefs) > 0 {
		return prefs[0].lang
	}
	return "en"
}
