package guard

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRedact: Scan and Redact never panic, findings are sorted, inside the
// text and apart, and the redacted text never contains a found secret.
//
//	go test ./internal/guard -run '^$' -fuzz FuzzRedact -fuzztime 1m
func FuzzRedact(f *testing.F) {
	for _, s := range []string{
		"",
		"hello, my card was declined",
		"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
		"1. legal 2. winner 3. thank 4. year 5. wave 6. sausage 7. worth 8. useful 9. legal 10. winner 11. thank 12. yellow",
		"seed: zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong; key 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
		"txid 5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
		"我的钱包助记词是 妈吐脚途幕长品惩灵申检始危豪驱逼努搬 为什么转账失败",
		"我的助记词：的 一 是 在 不 了 有 和 人 这 中 大",
		"シード：あいこくしん\u3000あいこくしん\u3000あいこくしん\u3000あいこくしん\u3000あいこくしん\u3000あいこくしん\u3000あいこくしん\u3000あいこくしん\u3000あいこくしん\u3000あいこくしん\u3000あいこくしん\u3000あおぞら",
		"5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ",
		"KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWn",
		"[" + strings.Repeat("7,", 63) + "7]",
		`{"address":"0","crypto":{"cipher":"aes-128-ctr","ciphertext":"aa","kdf":"scrypt"},"version":3}`,
		"{{{{ ciphertext kdf crypto",
		"\xff\xfe\x00abandon\u0301",
	} {
		f.Add(s)
	}
	g := testGuard(f)
	f.Fuzz(func(t *testing.T, text string) {
		fs := g.Scan(text)
		prev := 0
		for _, x := range fs {
			if x.Start < prev || x.End <= x.Start || x.End > len(text) {
				t.Fatalf("bad findings %v for %q", fs, text)
			}
			prev = x.End
		}
		out, kinds := g.Redact(text)
		if (len(fs) > 0) != (len(kinds) > 0) {
			t.Fatalf("findings %v but kinds %v", fs, kinds)
		}
		for _, x := range fs {
			if secret := text[x.Start:x.End]; strings.Contains(out, secret) {
				t.Fatalf("secret %q (%s) survives in %q", secret, x.Kind, out)
			}
		}
		if len(fs) == 0 && out != text {
			t.Fatalf("nothing found but text changed: %q → %q", text, out)
		}
		if utf8.ValidString(text) && !utf8.ValidString(out) {
			t.Fatalf("redaction broke UTF-8: %q", out)
		}
	})
}
