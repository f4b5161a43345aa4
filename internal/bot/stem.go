package bot

import "strings"

// stem strips the commonest English inflections (plural -s/-es/-ies,
// -ing, -ed, -ly) so that "transfers", "transferred" and "transferring"
// share their word features. It is deliberately light: it only removes a
// suffix when a stem of at least three letters remains, and undoes a
// doubled final consonant ("transferr" -> "transfer").
func stem(w string) string {
	n := len(w)
	if n <= 3 || !isASCIILetters(w) {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies") && n > 4:
		return w[:n-3] + "y"
	case strings.HasSuffix(w, "sses"):
		return w[:n-2]
	case strings.HasSuffix(w, "ss") || strings.HasSuffix(w, "us") || strings.HasSuffix(w, "is"):
		return w
	case strings.HasSuffix(w, "ing") && n >= 6:
		return undouble(w[:n-3])
	case strings.HasSuffix(w, "ed") && n >= 5:
		if strings.HasSuffix(w, "ied") {
			return w[:n-3] + "y"
		}
		return undouble(w[:n-2])
	case strings.HasSuffix(w, "ly") && n >= 6:
		return w[:n-2]
	case strings.HasSuffix(w, "s"):
		return w[:n-1]
	}
	return w
}

// undouble turns a stem ending in a doubled consonant into a single one
// ("stopp" -> "stop"), keeping ll, ss and zz ("fill", "pass").
func undouble(s string) string {
	n := len(s)
	if n >= 2 && s[n-1] == s[n-2] && !strings.ContainsRune("aeiouylsz", rune(s[n-1])) {
		return s[:n-1]
	}
	return s
}

func isASCIILetters(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}
