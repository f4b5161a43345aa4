package encoder

import "unicode"

// Reads reports whether the encoder understands text: it has Latin
// letters and no Chinese, Japanese or Korean script, whose characters the
// English vocabulary only knows as unknown pieces.
func (e *Encoder) Reads(text string) bool {
	latin := false
	for _, r := range text {
		switch {
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
			return false
		case r < 0x250 && unicode.IsLetter(r):
			latin = true
		}
	}
	return latin
}
