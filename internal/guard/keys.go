package guard

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode/utf8"
)

// keys finds raw private keys and keystores.
func (s *scanner) keys() {
	text := s.text
	if strings.Contains(text, "[") {
		s.jsonArrays()
	}
	if indexFold(text, "ciphertext") >= 0 {
		s.keystores()
	}
	// Runs of ASCII letters and digits: hex keys and base58 strings.
	for i := 0; i < len(text); {
		if !isAlnum(text[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(text) && isAlnum(text[j]) {
			j++
		}
		if j-i >= 50 {
			s.alnumRun(i, j)
		}
		i = j
	}
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// alnumRun looks at text[i:j], a maximal run of ASCII letters and digits.
func (s *scanner) alnumRun(i, j int) {
	word := s.text[i:j]
	start := i
	if len(word) > 2 && word[0] == '0' && (word[1] == 'x' || word[1] == 'X') {
		word = word[2:]
		i += 2
	}
	switch {
	case len(word) == 64 && isHex(word):
		if strings.Trim(word, "0") == "" {
			return // zero is no key (and a common placeholder)
		}
		if !s.labelledPublic(start) {
			s.add(KindPrivateKey, start, j)
		}
		return
	case len(word) == 128 && isHex(word):
		// A Solana (ed25519) secret key written in hex: seed, then public key.
		b, _ := hex.DecodeString(word)
		if ed25519Pair(b) {
			s.add(KindSolana, start, j)
		}
		return
	}
	word, i = s.text[start:j], start
	switch n := len(word); {
	case n >= 50 && n <= 53:
		if b, ok := base58Decode(word); ok && wif(b) {
			s.add(KindWIF, i, j)
		}
	case n >= 80 && n <= 90:
		if b, ok := base58Decode(word); ok && len(b) == 64 {
			if ed25519Pair(b) || !s.labelledPublic(i) {
				s.add(KindSolana, i, j)
			}
		}
	}
}

// wif reports whether b is a base58check-decoded private key in wallet
// import format: version 0x80 (mainnet) or 0xef (testnet), 32 bytes of key,
// 0x01 for a compressed public key, and a 4-byte double SHA-256 checksum.
func wif(b []byte) bool {
	if len(b) != 37 && len(b) != 38 {
		return false
	}
	if b[0] != 0x80 && b[0] != 0xef {
		return false
	}
	if len(b) == 38 && b[33] != 0x01 {
		return false
	}
	h := sha256.Sum256(b[:len(b)-4])
	h = sha256.Sum256(h[:])
	return bytes.Equal(h[:4], b[len(b)-4:])
}

// ed25519Pair reports whether b (64 bytes) is an ed25519 seed followed by
// its public key: the form of every Solana secret key.
func ed25519Pair(b []byte) bool {
	if len(b) != 64 {
		return false
	}
	pub := ed25519.NewKeyFromSeed(b[:32]).Public().(ed25519.PublicKey)
	return bytes.Equal(pub, b[32:])
}

// labels returns the labels that may precede a 64-hex value (or a 64-byte
// base58 value that is not a key pair). A secret label in the labelWindow
// bytes before the value makes it a private key, whatever else is there; else
// a public label makes it a transaction hash, a signature, a public key, a
// block hash or a file checksum, shown as wallet context; with no label at
// all it is a private key.
func labels() (secret, public []string) {
	secret = []string{
		"private key", "private-key", "private_key", "privatekey", "priv key",
		"privkey", "priv", "secret", "pk", "key", "seed", "私钥", "密钥",
		"秘钥", "私匙", "密匙", "秘密",
	}
	public = []string{
		"tx", "txid", "txn", "txs", "txhash", "tx_hash", "hash", "blockhash",
		"transaction", "trans", "signature", "sig", "block",
		"public key", "public-key", "public_key", "publickey", "pubkey",
		"address", "sha256", "sha-256", "checksum", "digest", "receipt",
		"交易", "哈希", "区块", "签名", "公钥", "地址", "订单", "校验",
	}
	return secret, public
}

const labelWindow = 48 // bytes before a value where its label is looked for

// labelledPublic reports whether the value at start is labelled as public
// (transaction hash, signature, public key...) and not as secret in the
// labelWindow bytes before it. See labels.
func (s *scanner) labelledPublic(start int) bool {
	from := max(0, start-labelWindow)
	for from < start && !utf8.RuneStart(s.text[from]) {
		from++
	}
	win := strings.ToLower(s.text[from:start])
	secret, public := labels()
	return !hasLabel(win, secret, true) && hasLabel(win, public, false)
}

// hasLabel reports whether one of labels stands as a word in win. For
// secret labels, the "key" of "public key" does not count.
func hasLabel(win string, labels []string, secret bool) bool {
	for _, l := range labels {
		for end := len(win); ; {
			k := strings.LastIndex(win[:end], l)
			if k < 0 {
				break
			}
			if labelBounded(win, k, k+len(l), l) && !(secret && l == "key" && publicKeyBefore(win[:k])) {
				return true
			}
			end = k
		}
	}
	return false
}

// publicKeyBefore reports whether s ends with "public " (or "pub"...), the
// start of a public-key label.
func publicKeyBefore(s string) bool {
	for _, p := range []string{"public ", "public-", "public_", "public", "pub ", "pub"} {
		if strings.HasSuffix(s, p) {
			return true
		}
	}
	return false
}

// labelBounded reports whether an ASCII label found at win[k:e] stands as a
// word: no ASCII letter just before or after it ("pk" not in "pkg" or "upk").
func labelBounded(win string, k, e int, l string) bool {
	if l[0] >= utf8.RuneSelf {
		return true
	}
	if k > 0 && isLetter(win[k-1]) {
		return false
	}
	return e == len(win) || !isLetter(win[e])
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// jsonArrays finds JSON arrays of exactly 64 numbers from 0 to 255: a Solana
// keypair file (id.json) pasted as text.
func (s *scanner) jsonArrays() {
	text := s.text
	for i := 0; i < len(text); i++ {
		if text[i] != '[' {
			continue
		}
		if end, ok := byteArray64(text[i:]); ok {
			s.add(KindSolana, i, i+end)
			i += end - 1
		}
	}
}

// byteArray64 parses "[n, n, ...]" with 64 numbers 0-255 at the start of t
// and returns its length.
func byteArray64(t string) (int, bool) {
	i, n := 1, 0
	skip := func() {
		for i < len(t) && (t[i] == ' ' || t[i] == '\n' || t[i] == '\r' || t[i] == '\t') {
			i++
		}
	}
	for {
		skip()
		v, d := 0, 0
		for i < len(t) && '0' <= t[i] && t[i] <= '9' && d < 4 {
			v = v*10 + int(t[i]-'0')
			i++
			d++
		}
		if d == 0 || d > 3 || v > 255 {
			return 0, false
		}
		n++
		skip()
		if i >= len(t) {
			return 0, false
		}
		switch t[i] {
		case ',':
			i++
			if n >= 64 {
				return 0, false
			}
		case ']':
			return i + 1, n == 64
		default:
			return 0, false
		}
	}
}

// keystores finds encrypted Ethereum keystores: JSON objects with a "crypto"
// (or "Crypto") member holding "ciphertext" and "kdf". The whole outermost
// object goes; one cut off by the end of the message goes to the end.
func (s *scanner) keystores() {
	text := s.text
	depth, open := 0, -1
	check := func(start, end int) {
		obj := text[start:end]
		if indexFold(obj, "ciphertext") >= 0 && indexFold(obj, `"kdf"`) >= 0 && indexFold(obj, "crypto") >= 0 {
			s.add(KindKeystore, start, end)
		}
	}
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '{':
			if depth == 0 {
				open = i
			}
			depth++
		case '}':
			if depth == 0 {
				continue
			}
			depth--
			if depth == 0 {
				check(open, i+1)
			}
		}
	}
	if depth > 0 {
		check(open, len(text))
	}
}

// indexFold is strings.Index for an ASCII lower-case pattern, ignoring the
// case of ASCII letters in s.
func indexFold(s, pattern string) int {
	n := len(pattern)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for j < n {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != pattern[j] {
				break
			}
			j++
		}
		if j == n {
			return i
		}
	}
	return -1
}
