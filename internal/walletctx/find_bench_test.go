package walletctx

import "testing"

// BenchmarkFind is the guard stage's cost of finding wallet context in a
// typical message with an address and a transaction hash.
func BenchmarkFind(b *testing.B) {
	text := "my transfer to 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed is pending, tx 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"
	plain := "my transfer has been pending for an hour"
	b.Run("wallet", func(b *testing.B) {
		for b.Loop() {
			Find(text)
		}
	})
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			Find(plain)
		}
	})
}
