package walletctx

import (
	"crypto/sha256"
	"encoding/hex"
	"math/big"
	"strings"

	"golang.org/x/crypto/sha3"
)

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

var base58Index = func() [256]int8 {
	var t [256]int8
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(base58Alphabet); i++ {
		t[base58Alphabet[i]] = int8(i)
	}
	return t
}()

// base58Decode decodes Bitcoin-alphabet base58; ok is false on a character
// outside the alphabet.
func base58Decode(s string) ([]byte, bool) {
	n := new(big.Int)
	radix := big.NewInt(58)
	for i := 0; i < len(s); i++ {
		v := base58Index[s[i]]
		if v < 0 {
			return nil, false
		}
		n.Mul(n, radix)
		n.Add(n, big.NewInt(int64(v)))
	}
	body := n.Bytes()
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	out := make([]byte, zeros+len(body))
	copy(out[zeros:], body)
	return out, true
}

// base58Check decodes s and verifies its 4-byte double-SHA-256 checksum;
// it returns the payload (version byte included).
func base58Check(s string) ([]byte, bool) {
	b, ok := base58Decode(s)
	if !ok || len(b) < 5 {
		return nil, false
	}
	payload, sum := b[:len(b)-4], b[len(b)-4:]
	h1 := sha256.Sum256(payload)
	h2 := sha256.Sum256(h1[:])
	for i := range 4 {
		if h2[i] != sum[i] {
			return nil, false
		}
	}
	return payload, true
}

// validEIP55 checks the mixed-case checksum of an EVM address (without 0x).
// All-lowercase and all-uppercase addresses carry no checksum and pass.
func validEIP55(hexAddr string) bool {
	lower := strings.ToLower(hexAddr)
	if hexAddr == lower || hexAddr == strings.ToUpper(hexAddr) {
		return true
	}
	h := sha3.NewLegacyKeccak256()
	h.Write([]byte(lower))
	sum := h.Sum(nil)
	for i := 0; i < len(hexAddr); i++ {
		c := hexAddr[i]
		if c >= '0' && c <= '9' {
			continue
		}
		nibble := sum[i/2]
		if i%2 == 0 {
			nibble >>= 4
		} else {
			nibble &= 0x0f
		}
		upper := c >= 'A' && c <= 'F'
		if (nibble >= 8) != upper {
			return false
		}
	}
	return true
}

// ToChecksumAddress returns the EIP-55 form of a 0x address.
func ToChecksumAddress(addr string) string {
	a := strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(addr, "0x"), "0X"))
	if _, err := hex.DecodeString(a); err != nil || len(a) != 40 {
		return addr
	}
	h := sha3.NewLegacyKeccak256()
	h.Write([]byte(a))
	sum := h.Sum(nil)
	out := []byte(a)
	for i := range out {
		nibble := sum[i/2]
		if i%2 == 0 {
			nibble >>= 4
		} else {
			nibble &= 0x0f
		}
		if out[i] >= 'a' && nibble >= 8 {
			out[i] -= 'a' - 'A'
		}
	}
	return "0x" + string(out)
}

// Bech32 (BIP-173) and bech32m (BIP-350).
const bech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

const (
	bech32Const  = 1
	bech32mConst = 0x2bc830a3
)

func bech32Polymod(values []byte) uint32 {
	gen := [5]uint32{0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3}
	chk := uint32(1)
	for _, v := range values {
		top := chk >> 25
		chk = (chk&0x1ffffff)<<5 ^ uint32(v)
		for i := range 5 {
			if (top>>uint(i))&1 == 1 {
				chk ^= gen[i]
			}
		}
	}
	return chk
}

func hrpExpand(hrp string) []byte {
	out := make([]byte, 0, len(hrp)*2+1)
	for i := 0; i < len(hrp); i++ {
		out = append(out, hrp[i]>>5)
	}
	out = append(out, 0)
	for i := 0; i < len(hrp); i++ {
		out = append(out, hrp[i]&31)
	}
	return out
}

// bech32Decode returns the human-readable part, the data (checksum
// removed) and the checksum constant it verified with (bech32Const or
// bech32mConst), or ok = false.
func bech32Decode(s string) (hrp string, data []byte, constant uint32, ok bool) {
	if len(s) > 90 || len(s) < 8 {
		return "", nil, 0, false
	}
	if strings.ToLower(s) != s && strings.ToUpper(s) != s {
		return "", nil, 0, false // mixed case is invalid
	}
	s = strings.ToLower(s)
	pos := strings.LastIndexByte(s, '1')
	if pos < 1 || pos+7 > len(s) {
		return "", nil, 0, false
	}
	hrp = s[:pos]
	for i := 0; i < len(hrp); i++ {
		if hrp[i] < 33 || hrp[i] > 126 {
			return "", nil, 0, false
		}
	}
	for i := pos + 1; i < len(s); i++ {
		d := strings.IndexByte(bech32Charset, s[i])
		if d < 0 {
			return "", nil, 0, false
		}
		data = append(data, byte(d))
	}
	pm := bech32Polymod(append(hrpExpand(hrp), data...))
	if pm != bech32Const && pm != bech32mConst {
		return "", nil, 0, false
	}
	return hrp, data[:len(data)-6], pm, true
}

func convertBits(data []byte, from, to uint, pad bool) ([]byte, bool) {
	acc, bits := uint32(0), uint(0)
	maxv := uint32(1)<<to - 1
	var out []byte
	for _, v := range data {
		if uint32(v)>>from != 0 {
			return nil, false
		}
		acc = acc<<from | uint32(v)
		bits += from
		for bits >= to {
			bits -= to
			out = append(out, byte(acc>>bits&maxv))
		}
	}
	if pad {
		if bits > 0 {
			out = append(out, byte(acc<<(to-bits)&maxv))
		}
	} else if bits >= from || (acc<<(to-bits))&maxv != 0 {
		return nil, false
	}
	return out, true
}

// validSegwit checks a segwit address for hrp: the checksum variant must
// match the witness version (v0 bech32, v1–16 bech32m, BIP-350) and the
// program length its rules.
func validSegwit(hrpWant, addr string) bool {
	hrp, data, constant, ok := bech32Decode(addr)
	if !ok || hrp != hrpWant || len(data) < 1 {
		return false
	}
	ver := data[0]
	if ver > 16 {
		return false
	}
	prog, ok := convertBits(data[1:], 5, 8, false)
	if !ok || len(prog) < 2 || len(prog) > 40 {
		return false
	}
	if ver == 0 {
		return constant == bech32Const && (len(prog) == 20 || len(prog) == 32)
	}
	return constant == bech32mConst
}
