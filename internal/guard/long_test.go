package guard

import (
	"strings"
	"testing"
	"time"
)

// TestLongInputs: 64 KiB of adversarial text (long runs of wordlist words,
// of kana, of Chinese characters, many keys) is scanned in bounded time: no
// quadratic blow-up.
func TestLongInputs(t *testing.T) {
	g := testGuard(t)
	n := 64 << 10
	cases := map[string]string{
		"kana":          strings.Repeat("あいこくしん", n/18),
		"kana-mixed":    strings.Repeat("あいあいさつあいだあおぞら", n/40),
		"abandon":       strings.Repeat("abandon ", n/8),
		"typo-chains":   strings.Repeat("abandon ability able about above absent absorb abstract absurd abuse access abandn ", n/90),
		"han":           strings.Repeat("的一是在不了有和人这中大为上个国我以要他", n/60),
		"han-random":    strings.Repeat("妈吐脚途幕长品惩灵申检始危豪驱逼努搬让员豆奴滚酸研脱篇碧鸣少酸思歇", n/100),
		"brackets":      strings.Repeat("[1,2,3,", n/7),
		"braces":        strings.Repeat("{ciphertext kdf crypto ", n/24),
		"hex":           strings.Repeat("5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060 ", n/65),
		"base58":        strings.Repeat("5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ ", n/52),
		"fillers":       strings.Repeat("pending transfer log line and then more\n", n/40),
		"han-fillers":   strings.Repeat("我的 还有 转账 然后 没到\n", n/30),
		"repeat-secret": strings.Repeat("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about. ", n/93),
	}
	for name, s := range cases {
		t0 := time.Now()
		fs := g.Scan(s)
		_, _ = g.Redact(s)
		d := time.Since(t0)
		t.Logf("%-14s %6d bytes: %v, %d findings", name, len(s), d, len(fs))
		if d > 5*time.Second {
			t.Errorf("%s: %v", name, d)
		}
	}
}

// BenchmarkRedactFillerText is a 1 MiB text upload full of filler words
// ("line", "and then"): the filler readings must stay linear in the text.
func BenchmarkRedactFillerText(b *testing.B) {
	text := strings.Repeat("pending transfer log line and then more\n", (1<<20)/40)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Redact(text)
	}
}
