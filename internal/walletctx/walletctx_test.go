package walletctx

import (
	"encoding/csv"
	"flag"
	"os"
	"strings"
	"testing"
)

func one(t *testing.T, text string) (Entity, bool) {
	t.Helper()
	es := Find(text)
	if len(es) > 1 {
		t.Fatalf("Find(%q) = %+v, want at most one", text, es)
	}
	if len(es) == 0 {
		return Entity{}, false
	}
	return es[0], true
}

func TestValidAddresses(t *testing.T) {
	cases := []struct{ value, kind, chain string }{
		// EIP-55 examples from the EIP.
		{"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", KindAddress, ChainEVM},
		{"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", KindAddress, ChainEVM},
		{"0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", KindAddress, ChainEVM},
		{"0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb", KindAddress, ChainEVM},
		{"0xd8da6bf26964af9d7eed9e03e53415d37aa96045", KindAddress, ChainEVM}, // lowercase: no checksum
		// TRON: the USDT TRC-20 contract.
		{"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", KindAddress, ChainTron},
		// Bitcoin base58check: genesis P2PKH, a P2SH.
		{"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", KindAddress, ChainBitcoin},
		{"3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", KindAddress, ChainBitcoin},
		// BIP-173 (bech32, v0) and BIP-350 (bech32m, v1 and v16).
		{"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", KindAddress, ChainBitcoin},
		{"bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3", KindAddress, ChainBitcoin},
		{"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", KindAddress, ChainBitcoin},
		{"BC1SW50QGDZ25J", KindAddress, ChainBitcoin},
		{"bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", KindAddress, ChainBitcoin},
		// Solana: wrapped SOL mint and the token program.
		{"So11111111111111111111111111111111111111112", KindAddress, ChainSolana},
		{"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA", KindAddress, ChainSolana},
		// Transaction hashes.
		{"0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060", KindTx, ChainEVM},
		{"4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b", KindTx, ChainBitcoin},
	}
	for _, c := range cases {
		for _, text := range []string{c.value, "我的地址是" + c.value + "，请查一下", "addr: " + c.value + "."} {
			e, ok := one(t, text)
			if !ok {
				t.Errorf("%q: nothing found", text)
				continue
			}
			if e.Value != c.value || e.Kind != c.kind || e.Chain != c.chain || text[e.Start:e.End] != c.value {
				t.Errorf("%q: got %+v, want %s %s %s", text, e, c.kind, c.chain, c.value)
			}
		}
	}
}

func TestInvalidChecksums(t *testing.T) {
	for _, v := range []string{
		"0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed", // EIP-55: one letter's case changed
		"0xFb6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
		"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u",                             // TRON: last character changed
		"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",                             // P2PKH: last character changed
		"3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz",                             // P2SH
		"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",                     // bech32 checksum broken
		"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",                     // BIP-350: v0 with a bech32m checksum
		"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", // BIP-350: v1 with a bech32 checksum
		"BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL", // BIP-350: v16 with a bech32 checksum
		"BC1ZW508D6QEJXTDG4Y5R3ZARVARYVG6KDAJ",                           // BIP-173 v2 vector: bech32, invalid since BIP-350
		"BC1QW508d6QEJxTDG4y5R3ZARVARY0C5XW7KV8F3T4",                     // mixed case
	} {
		if es := Find("see " + v + " please"); len(es) != 0 {
			t.Errorf("%s: found %+v, want nothing", v, es)
		}
	}
}

func TestTronTxHint(t *testing.T) {
	h := "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"
	es := Find("USDT TRC20 转账 " + h)
	if len(es) != 1 || es[0].Chain != ChainTron || es[0].Kind != KindTx {
		t.Fatalf("got %+v", es)
	}
	es = Find("from TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t tx " + h)
	if len(es) != 2 || es[1].Chain != ChainTron {
		t.Fatalf("got %+v", es)
	}
}

func TestAttributesLastWins(t *testing.T) {
	es := Find("old 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed new 0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359 tron TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")
	a := Attributes(es)
	if a["wallet.evm.address"] != "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359" || a["wallet.tron.address"] != "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t" || len(a) != 2 {
		t.Fatalf("attributes %v", a)
	}
}

func TestNoFalsePositivesInPlainText(t *testing.T) {
	for _, s := range []string{
		"Hello, I sent 100 USDT yesterday and it has not arrived",
		"ThisIsAVeryLongCamelCaseIdentifierWithoutDigits",
		"abcdefghijkmnopqrstuvwxyzabcdefghijk",
		"order 12345678901234567890123456789012345",
		"0x123", "deadbeef", "bc1 is a prefix",
		"请帮我看看为什么提现一直没有到账，谢谢",
	} {
		if es := Find(s); len(es) != 0 {
			t.Errorf("%q: %+v", s, es)
		}
	}
}

// full runs the data evaluations on the whole shared data set
// (go test ./internal/walletctx -run Banking77 -args -full) instead of the
// sample in testdata.
var full = flag.Bool("full", false, "evaluate on ../shared/data instead of the testdata sample")

// TestBanking77 runs Find over banking77 training texts (ordinary
// customer-support questions): none should contain an address or hash. By
// default it reads testdata/banking77_sample.csv (every row of the data
// with a digit or a 15-character token, and every 50th row); -full reads
// the whole file.
func TestBanking77(t *testing.T) {
	path := "testdata/banking77_sample.csv"
	if *full {
		path = "../../../shared/data/banking77/train.csv"
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	n, hits := 0, 0
	for i, r := range rows {
		if i == 0 || len(r) == 0 {
			continue
		}
		n++
		if es := Find(r[0]); len(es) > 0 {
			hits++
			t.Errorf("false positive in %q: %+v", r[0], es)
		}
	}
	if n < 400 {
		t.Fatalf("%s: %d texts, want at least the 400 of the sample", path, n)
	}
	t.Logf("%s: %d texts, %d with a false positive", path, n, hits)
}

func TestExplorers(t *testing.T) {
	x, err := ParseExplorers(`{"evm":{"address":"https://bscscan.com/address/{value}"}}`)
	if err != nil {
		t.Fatal(err)
	}
	if x["evm"].Address != "https://bscscan.com/address/{value}" || x["evm"].Tx != "https://etherscan.io/tx/{value}" {
		t.Fatalf("merge: %+v", x["evm"])
	}
	if got := x.URL(Entity{Kind: KindAddress, Chain: ChainTron, Value: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"}); got != "https://tronscan.org/#/address/TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t" {
		t.Fatalf("url %s", got)
	}
	for _, bad := range []string{`[]`, `{"doge":{"tx":"https://x/{value}"}}`, `{"evm":{"tx":"https://x/"}}`, `{"evm":{"tx":"javascript:{value}"}}`} {
		if _, err := ParseExplorers(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestChecksumAddress(t *testing.T) {
	want := "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
	if got := ToChecksumAddress(strings.ToLower(want)); got != want {
		t.Fatalf("%s, want %s", got, want)
	}
}
