package guard

import (
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestWordlists(t *testing.T) {
	g := testGuard(t)
	for l := range numLangs {
		words := g.w.words[l]
		if len(words) != 2048 {
			t.Errorf("%s: %d words", l, len(words))
		}
		seen := map[string]bool{}
		stripped := map[string]bool{}
		for i, w := range words {
			if seen[w] {
				t.Errorf("%s: %q twice", l, w)
			}
			seen[w] = true
			if !norm.NFKD.IsNormalString(w) {
				t.Errorf("%s: %q not NFKD", l, w)
			}
			s := g.w.stripped[l][i]
			if stripped[s] {
				t.Errorf("%s: accent-stripped %q is ambiguous", l, s)
			}
			stripped[s] = true
			if l.latin() && !isASCII(s) {
				t.Errorf("%s: stripped %q not ASCII", l, s)
			}
			if e := g.w.lookup[w]; !e.in(l) || int(e.idx[l]) != i {
				t.Errorf("%s: lookup %q", l, w)
			}
		}
	}
	if g.w.words[english][0] != "abandon" || g.w.words[english][2047] != "zoo" {
		t.Error("english list out of order")
	}
	if g.w.words[chineseSimplified][0] != "的" {
		t.Error("chinese list out of order")
	}
}

// The BIP39 reference test vectors (entropy 00…, 7f…, 80…, ff…).
func TestChecksumVectors(t *testing.T) {
	g := testGuard(t)
	valid := []string{
		"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
		"legal winner thank year wave sausage worth useful legal winner thank yellow",
		"letter advice cage absurd amount doctor acoustic avoid letter advice cage above",
		"zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong",
		"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon agent",
		"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art",
		"zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo vote",
		"hamster diagram private dutch cause delay private meat slide toddler razor book happy fancy gospel tennis maple dilemma loan word shrug inflict delay length",
	}
	for _, m := range valid {
		var idx []int
		for _, w := range strings.Fields(m) {
			idx = append(idx, int(g.w.lookup[w].idx[english]))
		}
		if !checksumOK(idx) {
			t.Errorf("checksum of %q: invalid", m)
		}
		idx[len(idx)-1] ^= 1
		if checksumOK(idx) {
			t.Errorf("checksum of %q with last word changed: valid", m)
		}
		if fs := g.Scan(m); len(fs) != 1 || fs[0].Kind != KindMnemonic || fs[0].Start != 0 || fs[0].End != len(m) {
			t.Errorf("Scan(%q) = %v", m, fs)
		}
	}
	// Known Japanese vector (entropy 00…): あいこくしん ×11 あおぞら, with U+3000.
	ja := strings.Repeat("あいこくしん\u3000", 11) + "あおぞら"
	if fs := g.Scan("シード：" + ja + "です"); len(fs) != 1 || fs[0].Kind != KindMnemonic {
		t.Errorf("japanese vector: %v", fs)
	}
	// Without separators.
	if fs := g.Scan("シードは" + strings.ReplaceAll(ja, "\u3000", "") + "です"); len(fs) != 1 || fs[0].Kind != KindMnemonic {
		t.Errorf("japanese vector without spaces: %v", fs)
	}
}

func TestMnemonicForms(t *testing.T) {
	g := testGuard(t)
	r := rand.New(rand.NewPCG(3, 4))
	var accented []string // a Spanish mnemonic with accented words
	for !slices.ContainsFunc(accented, func(w string) bool { return !isASCII(w) }) {
		accented = randomMnemonic(g.w, r, spanish, 12)
	}
	en := "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
	cases := []struct{ name, text, kind string }{
		{"numbered", "1. abandon 2. abandon 3. abandon 4. abandon 5. abandon 6. abandon 7. abandon 8. abandon 9. abandon 10. abandon 11. abandon 12. about", KindMnemonic},
		{"paren lines", "1) abandon\n2) abandon\n3) abandon\n4) abandon\n5) abandon\n6) abandon\n7) abandon\n8) abandon\n9) abandon\n10) abandon\n11) abandon\n12) about", KindMnemonic},
		{"hash", "#1 abandon #2 abandon #3 abandon #4 abandon #5 abandon #6 abandon #7 abandon #8 abandon #9 abandon #10 abandon #11 abandon #12 about", KindMnemonic},
		{"upper, commas", strings.ToUpper(strings.ReplaceAll(en, " ", ", ")), KindMnemonic},
		{"quoted", `"` + strings.ReplaceAll(en, " ", `" "`) + `"`, KindMnemonic},
		{"spanish accented", strings.Join(accented, " "), KindMnemonic},
		{"spanish stripped", stripMarks(norm.NFKD.String(strings.Join(accented, " "))), KindMnemonic},
		{"full-width latin", strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' {
				return r - 'a' + 'ａ'
			}
			return r
		}, en), KindMnemonic},
	}
	for _, c := range cases {
		fs := g.Scan(c.text)
		if len(fs) == 0 || fs[0].Kind != c.kind {
			t.Errorf("%s: Scan(%q) = %v, want %s", c.name, c.text, fs, c.kind)
		}
	}
}

func TestNearMnemonic(t *testing.T) {
	g := testGuard(t)
	r := rand.New(rand.NewPCG(5, 6))
	for l := range numLangs {
		words := randomMnemonic(g.w, r, l, 12)
		i := r.IntN(12)
		for {
			words[i] = norm.NFC.String(g.w.words[l][r.IntN(2048)])
			if fs := g.Scan(strings.Join(words, " ")); len(fs) == 0 || fs[0].Kind != KindMnemonic {
				break // the checksum fails now (it passes 1 time in 16)
			}
		}
		text := "my seed " + strings.Join(words, " ") + " please"
		fs := g.Scan(text)
		if len(fs) != 1 || fs[0].Kind != KindMnemonicLike {
			t.Errorf("%s: one word replaced: %v in %q", l, fs, text)
		}
	}
}

// Ordinary sentences with many wordlist words stay untouched.
func TestOrdinaryText(t *testing.T) {
	g := testGuard(t)
	for _, s := range []string{
		"I want to move my money but the app says my card is blocked, can you help me please?",
		"Hello, I have a question about this fee that you charge when I top up with my card. Can you explain why?",
		"what have you done with all that cash, I need it back today because my rent is due next week",
		"我想问一下为什么我的钱包转账一直显示失败，是不是系统出了问题，我已经等了三天了",
		"你好，请问这个交易为什么还没有到账？我的余额显示是零，麻烦帮我看一下是什么原因",
		"交易哈希 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060 一直显示 pending",
		"tx: 5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
		"https://etherscan.io/tx/0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
		"my transaction 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060 is stuck",
		"sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		"send to 0x742d35Cc6634C0532925a3b844Bc454e4438f44e please",
		"0x0000000000000000000000000000000000000000000000000000000000000000",
		"bitcoin address 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa and bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
	} {
		if fs := g.Scan(s); len(fs) != 0 {
			t.Errorf("Scan(%q) = %v, want none", s, fs)
		}
	}
}

func TestPrivateKeyRules(t *testing.T) {
	g := testGuard(t)
	k := "5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"
	r := rand.New(rand.NewPCG(8, 9))
	sol := randomSolana(r)
	sig := randBytes(r, 64) // not a key pair: like a transaction signature
	cases := []struct {
		text string
		kind string // "" for none
	}{
		{k, KindPrivateKey},
		{"0x" + k, KindPrivateKey},
		{"my private key is 0x" + k, KindPrivateKey},
		{"私钥" + k, KindPrivateKey},
		{"pk: " + k, KindPrivateKey},
		{"txid: " + k, ""},
		{"tx hash " + k, ""},
		{"交易哈希：" + k, ""},
		{"my transaction failed, here is my private key " + k, KindPrivateKey},
		{"I imported my private key and then transaction " + k + " failed", KindPrivateKey}, // secret label wins
		{"transaction hash: " + k + " (not my private key)", ""},
		{"my pubkey " + k, ""},
		{"public key " + k, ""},
		{"context " + k + "abc", ""}, // longer than 64
		{randomWIF(r, false, true), KindWIF},
		{"wif " + randomWIF(r, false, false) + ".", KindWIF},
		{base58Encode(sol), KindSolana},
		{"tx signature " + base58Encode(sol), KindSolana}, // a key pair is a key whatever the label
		{"signature " + base58Encode(sig), ""},
		{"what is " + base58Encode(sig), KindSolana},
		{solanaJSON(sol, true), KindSolana},
		{"keypair [" + strings.Repeat("1,", 63) + "1]", KindSolana},
		{"[" + strings.Repeat("1,", 62) + "1]", ""},
		{"[" + strings.Repeat("1,", 63) + "256]", ""},
		{hex.EncodeToString(sol), KindSolana},
		{randomKeystore(r, false, false), KindKeystore},
		{"here " + randomKeystore(r, true, true) + " thanks", KindKeystore},
		{`{"crypto":{"ciphertext":"ab", "kdf":"scrypt"`, KindKeystore}, // cut off
		{`{"ciphertext": "a"}`, ""},
	}
	for _, c := range cases {
		fs := g.Scan(c.text)
		switch {
		case c.kind == "" && len(fs) != 0:
			t.Errorf("Scan(%q) = %v, want none", c.text, fs)
		case c.kind != "" && (len(fs) != 1 || fs[0].Kind != c.kind):
			t.Errorf("Scan(%q) = %v, want one %s", c.text, fs, c.kind)
		}
	}
}

// The same key seen twice: once labelled, once after "tx". Both go.
func TestRepeatedSecret(t *testing.T) {
	k := "5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"
	text := "private key " + k + ", or is it the tx " + k + "?"
	out, kinds := Redact(text)
	if strings.Contains(out, k) || !slices.Equal(kinds, []string{KindPrivateKey}) {
		t.Errorf("Redact = %q %v", out, kinds)
	}
}

func TestRedact(t *testing.T) {
	out, kinds := Redact("hi")
	if out != "hi" || kinds != nil {
		t.Errorf("Redact(hi) = %q %v", out, kinds)
	}
	text := "seed: abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about; key 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"
	out, kinds = Redact(text)
	want := "seed: " + MarkerMnemonic + "; key " + MarkerPrivateKey
	if out != want || !slices.Equal(kinds, []string{KindMnemonic, KindPrivateKey}) {
		t.Errorf("Redact = %q %v, want %q", out, kinds, want)
	}
}

// No three consecutive words of a mnemonic survive redaction, and the
// marker is there.
func TestRedactRemovesMnemonic(t *testing.T) {
	g := testGuard(t)
	r := rand.New(rand.NewPCG(10, 12))
	for _, s := range mnemonicSamples(g.w, r, 2) {
		out, kinds := g.Redact(s.f.text)
		if !strings.Contains(out, MarkerMnemonic) || !slices.Contains(kinds, KindMnemonic) {
			t.Errorf("no marker in %q → %q", s.f.text, out)
			continue
		}
		ws := s.f.words
		for i := 0; i+3 <= len(ws); i++ {
			three := ws[i : i+3]
			if s.f.dense {
				if strings.Contains(out, strings.Join(three, "")) {
					t.Errorf("%q survives in %q", strings.Join(three, ""), out)
				}
				continue
			}
			if containsSeq(g, out, three) {
				t.Errorf("%q survives in %q", three, out)
			}
		}
	}
}

// containsSeq reports whether the words of out contain seq in a row
// (compared as the guard compares words).
func containsSeq(g *Guard, out string, seq []string) bool {
	s := scanner{w: g.w, text: out}
	s.tokenize()
	var key = func(w string) string { return stripMarks(norm.NFKD.String(strings.ToLower(w))) }
	for i := 0; i+len(seq) <= len(s.toks); i++ {
		ok := true
		for j, w := range seq {
			t := s.toks[i+j]
			if key(out[t.start:t.end]) != key(w) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func TestBase58(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for n := range 70 {
		b := randBytes(r, n)
		if n > 2 {
			b[0] = 0
		}
		got, ok := base58Decode(base58Encode(b))
		if !ok || !slices.Equal(got, b) {
			t.Fatalf("round trip %x: %x %v", b, got, ok)
		}
	}
	if _, ok := base58Decode("0OIl"); ok {
		t.Error("decoded characters outside the alphabet")
	}
}

func TestOffsetsOnOddInput(t *testing.T) {
	g := testGuard(t)
	for _, s := range []string{"", "\xff\xfe", strings.Repeat("的", 5000), strings.Repeat("abandon ", 3000), "[" + strings.Repeat("1,", 100000), strings.Repeat("{", 1000)} {
		for _, f := range g.Scan(s) {
			if f.Start < 0 || f.End > len(s) || f.Start >= f.End {
				t.Fatalf("bad finding %v", f)
			}
		}
	}
}

// BenchmarkScan measures a typical 200-character support message, with no
// secret, and one with a mnemonic.
func BenchmarkScan(b *testing.B) {
	g, err := New()
	if err != nil {
		b.Fatal(err)
	}
	msgs := map[string]string{
		"en":          "Hello, I sent 0.5 ETH from my wallet to an exchange two hours ago and it still has not arrived. The app shows the transfer as complete. Can you please check what happened and help me?",
		"zh":          "你好，我昨天从钱包转了一笔钱到交易所，已经过了好几个小时还没有到账，页面显示转账成功，请问是什么原因？能不能帮我查一下这笔交易的状态，谢谢！我很着急。",
		"en-mnemonic": "here is my seed: legal winner thank year wave sausage worth useful legal winner thank yellow please help, my balance is zero since yesterday",
		"en-keys":     "my private key 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060 and wif KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWn do not work",
		"zh-mnemonic": "我的钱包助记词是 妈吐脚途幕长品惩灵申检始危豪驱逼努搬 为什么转账失败，余额显示是零，麻烦帮我看一下",
	}
	for name, m := range msgs {
		b.Run(fmt.Sprintf("%s-%dB", name, len(m)), func(b *testing.B) {
			b.SetBytes(int64(len(m)))
			for b.Loop() {
				g.Scan(m)
			}
		})
	}
}

func TestMarkersStartWithMarkerPrefix(t *testing.T) {
	for _, m := range []string{MarkerMnemonic, MarkerPrivateKey, MarkerKeystore} {
		if !strings.HasPrefix(m, MarkerPrefix) {
			t.Errorf("%q does not start with %q", m, MarkerPrefix)
		}
	}
}
