package guard

import "strings"

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// base58Decode decodes a Bitcoin-alphabet base58 string (leading '1's are
// leading zero bytes). It reports false for a character outside the alphabet.
func base58Decode(s string) ([]byte, bool) {
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	// log(58)/log(256) < 0.733: enough room for the big-endian number.
	out := make([]byte, len(s)*733/1000+1)
	high := len(out) // out[high:] holds the number so far
	for i := zeros; i < len(s); i++ {
		carry := strings.IndexByte(base58Alphabet, s[i])
		if carry < 0 {
			return nil, false
		}
		j := len(out) - 1
		for ; j >= high || carry != 0; j-- {
			carry += 58 * int(out[j])
			out[j] = byte(carry)
			carry >>= 8
		}
		high = j + 1
	}
	res := make([]byte, zeros+len(out)-high)
	copy(res[zeros:], out[high:])
	return res, true
}
