package upload

import (
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/guard"
)

func TestFileName(t *testing.T) {
	for _, c := range []struct{ client, ct, want string }{
		{"receipt.png", "image/png", "receipt.png"},
		{`C:\Users\mei\receipt.png`, "image/png", "receipt.png"},
		{"../../etc/passwd", "text/plain; charset=utf-8", "passwd.txt"},
		{"setup.exe", "image/png", "setup.png"},
		{"", "image/png", "file.png"},
		{strings.Repeat("a", 201), "image/png", "file.png"},
	} {
		if got := fileName(c.client, c.ct); got != c.want {
			t.Errorf("fileName(%q, %q) = %q, want %q", c.client, c.ct, got, c.want)
		}
	}
}

// A refused file says which kind of secret it holds, in both languages.
func TestSecretFileErrorNamesTheSecret(t *testing.T) {
	for _, c := range []struct {
		kinds  []string
		en, zh string
	}{
		{[]string{guard.KindMnemonic}, "seed phrase", "助记词"},
		{[]string{guard.KindKeystore, guard.KindMnemonic}, "keystore", "keystore 密钥文件"},
		{[]string{guard.KindPrivateKey}, "private key", "私钥"},
	} {
		err := secretFileError(c.kinds)
		if !apperr.Is(err, apperr.ContainsSecret) {
			t.Fatalf("%v: %v, want contains_secret", c.kinds, err)
		}
		if msg := err.Error(); !strings.Contains(msg, c.en) || !strings.Contains(msg, c.zh) {
			t.Errorf("%v: %q lacks %q or %q", c.kinds, msg, c.en, c.zh)
		}
	}
}
