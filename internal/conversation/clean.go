package conversation

import (
	"slices"
	"strings"
	"unicode"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/guard"
)

// MaxClientMessageIDBytes is the longest client_message_id accepted.
const MaxClientMessageIDBytes = 128

// isBidiControl reports the invisible direction controls that let a name
// read differently from what it is ("invoice\u202egnp.exe" shows as
// "invoiceexe.png").
func isBidiControl(r rune) bool {
	return r == '\u061c' || r == '\u200e' || r == '\u200f' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}

// hasControl reports whether s holds a control character (NUL, other C0
// and C1 codes, DEL) or a direction control.
func hasControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || isBidiControl(r) }) >= 0
}

// CleanName returns a display name (a contact, team, inbox or file name)
// without control characters: line breaks and tabs become spaces, NUL,
// other control codes and direction controls are dropped, and the ends are
// trimmed. Names are shown in lists, logs and file-save dialogs, where such
// characters hide or reorder text; an invalid UTF-8 byte becomes U+FFFD.
func CleanName(s string) string {
	s = strings.ToValidUTF8(s, "\ufffd")
	if hasControl(s) {
		s = strings.Map(func(r rune) rune {
			switch {
			case r == '\t' || r == '\n' || r == '\r':
				return ' '
			case unicode.IsControl(r) || isBidiControl(r):
				return -1
			}
			return r
		}, s)
	}
	return strings.TrimSpace(s)
}

// separators are the characters a name or id puts between words where a
// message would have spaces ("legal_winner_thank…"). Each is one byte, as
// is the space that replaces it, so offsets found in the spaced copy hold
// in the original.
var separators = strings.NewReplacer("-", " ", "_", " ", ".", " ", ",", " ", "+", " ", "/", " ")

// RedactName cleans a visitor-supplied name (a contact or file name) with
// CleanName and replaces any mnemonic or private key in it with the
// guard's marker, also when its words are joined by "_", "-" or ".", so a
// secret typed into the wrong field is not stored either.
func RedactName(s string) string {
	s, _ = guard.Redact(CleanName(s))
	fs := guard.Scan(separators.Replace(s))
	if len(fs) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, f := range fs {
		b.WriteString(s[last:f.Start])
		b.WriteString(guard.Marker(f.Kind))
		last = f.End
	}
	b.WriteString(s[last:])
	return b.String()
}

// spacedScanLimit bounds the second, separator-spaced scan of SecretKinds
// to short texts (names, ids, emails), where words joined by "_" are
// plausible; a text file gets one scan, which costs 0.4–0.8 s per MiB.
const spacedScanLimit = 4 << 10

// SecretKinds returns the kinds of secret (guard.Kind…) in text, and in a
// short text also where its words are joined by "_", "-" or "."; nil when
// there are none.
func SecretKinds(text string) []string {
	fs := guard.Scan(text)
	if len(fs) == 0 && len(text) <= spacedScanLimit {
		fs = guard.Scan(separators.Replace(text))
	}
	var kinds []string
	for _, f := range fs {
		if !slices.Contains(kinds, f.Kind) {
			kinds = append(kinds, f.Kind)
		}
	}
	return kinds
}

// ValidateClientMessageID checks a client_message_id: at most 128 bytes of
// printable ASCII without spaces (a UUID, a ULID, a counter), and no
// mnemonic or private key. It is an idempotency key, stored and returned
// as sent, so it is refused rather than rewritten.
func ValidateClientMessageID(id string) error {
	if len(id) > MaxClientMessageIDBytes {
		return apperr.New(apperr.Invalid, "client_message_id is %d bytes long; the limit is %d (client_message_id 超过 %d 字节)",
			len(id), MaxClientMessageIDBytes, MaxClientMessageIDBytes)
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x21 || id[i] > 0x7e {
			return apperr.New(apperr.Invalid, "client_message_id may hold only printable ASCII letters, digits and punctuation, "+
				"without spaces; use a UUID (client_message_id 只能包含可打印的 ASCII 字符且不含空格，建议使用 UUID)")
		}
	}
	if len(SecretKinds(id)) > 0 {
		return apperr.New(apperr.Invalid, "client_message_id looks like it holds a seed phrase or private key; it was not stored. "+
			"Use a random id such as a UUID (client_message_id 疑似包含助记词或私钥，未被保存；请使用随机 id，例如 UUID)")
	}
	return nil
}

// ValidateTag checks one tag: agents type tags, and a tag with control
// characters is refused rather than silently changed, so the agent sees
// what is stored.
func ValidateTag(t string) error {
	if hasControl(t) {
		return apperr.New(apperr.Invalid, "tag %q contains control characters (such as NUL or a line break); remove them (标签包含控制字符，请删除)", t)
	}
	return nil
}
