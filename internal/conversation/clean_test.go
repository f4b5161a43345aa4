package conversation_test

import (
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/guard"
)

// BIP39 test vector (valid checksum), and the same entropy in the Chinese
// (simplified) wordlist.
const (
	mnemonicEN = "legal winner thank year wave sausage worth useful legal winner thank yellow"
	mnemonicZH = "枪 疫 霉 尝 俩 闹 饿 贤 枪 疫 霉 卿"
	keyHex     = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
)

func TestCleanName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Alice", "Alice"},
		{"  Ali\x00ce \x07", "Alice"},
		{"Ops\nteam\tA", "Ops team A"},
		{"invoice\u202egnp.exe", "invoicegnp.exe"},
		{"a\u2066b\u2069c\u200f", "abc"},
		{"\u0085x\u009b", "x"},
		{"bad \xff byte", "bad \ufffd byte"},
		{"王小明", "王小明"},
		{"👨‍👩‍👧 family", "👨‍👩‍👧 family"}, // the zero-width joiners stay
	} {
		if got := conversation.CleanName(tc.in); got != tc.want {
			t.Errorf("CleanName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRedactName(t *testing.T) {
	for _, in := range []string{
		mnemonicEN,
		"my " + mnemonicZH,
		strings.ReplaceAll(mnemonicEN, " ", "_") + ".txt",
		strings.ReplaceAll(mnemonicEN, " ", "-"),
		strings.ReplaceAll(mnemonicEN, " ", "."),
		"0x" + keyHex + ".png",
	} {
		got := conversation.RedactName(in)
		if !strings.Contains(got, guard.MarkerMnemonic) && !strings.Contains(got, guard.MarkerPrivateKey) {
			t.Errorf("RedactName(%q) = %q: no marker", in, got)
		}
		for _, w := range []string{"winner", "sausage", "霉", keyHex[:16]} {
			if strings.Contains(got, w) {
				t.Errorf("RedactName(%q) = %q still holds %q", in, got, w)
			}
		}
	}
	for _, in := range []string{"screenshot 2024-05-01.png", "Alice Wang", "转账失败截图.jpg"} {
		if got := conversation.RedactName(in); got != in {
			t.Errorf("RedactName(%q) = %q, want it unchanged", in, got)
		}
	}
}

func TestValidateClientMessageID(t *testing.T) {
	for _, id := range []string{"", "m1", "550e8400-e29b-41d4-a716-446655440000", "01HZX3K9Q2W8E7R6T5Y4U3I2O1",
		strings.Repeat("c", 128), "up-1", "a.b_c:d/e"} {
		if err := conversation.ValidateClientMessageID(id); err != nil {
			t.Errorf("%q refused: %v", id, err)
		}
	}
	for _, id := range []string{
		strings.Repeat("c", 129),
		"a\x00b", "a\nb", "a\x7fb", "with space", "ключ", "消息1",
		strings.ReplaceAll(mnemonicEN, " ", "-"),
		strings.ReplaceAll(mnemonicEN, " ", "_"),
		strings.ReplaceAll(mnemonicEN, " ", "."),
		keyHex,
		"0x" + keyHex,
	} {
		err := conversation.ValidateClientMessageID(id)
		if !apperr.Is(err, apperr.Invalid) {
			t.Errorf("%q: err %v, want invalid", id, err)
			continue
		}
		var ae *apperr.Error
		if e, ok := err.(*apperr.Error); ok {
			ae = e
		}
		if ae == nil || !strings.Contains(ae.Message, "client_message_id") || strings.Contains(ae.Message, "winner") {
			t.Errorf("%q: message %v", id, err)
		}
	}
}

func TestValidateTag(t *testing.T) {
	for _, tag := range []string{"vip", "提现", "kyc-2"} {
		if err := conversation.ValidateTag(tag); err != nil {
			t.Errorf("%q: %v", tag, err)
		}
	}
	for _, tag := range []string{"v\x00ip", "a\nb", "x\u202ey", "\x1b[31mred"} {
		if err := conversation.ValidateTag(tag); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("%q: err %v, want invalid", tag, err)
		}
	}
}

func TestForContactHidesRowID(t *testing.T) {
	m := conversation.Message{ID: "123456", ConversationID: "cv_X", Seq: 7, Body: "hi", AuthorID: "ag_1"}
	c := m.ForContact()
	if c.ID == m.ID || c.ID != "cv_X-7" || c.Seq != 7 || c.Attachments == nil {
		t.Fatalf("contact view %+v", c)
	}
}

// BenchmarkSecretKindsText is the guard's cost on a text upload: 1 MiB of
// ordinary support text in both languages, with no secret (the slow path,
// which also scans the separator-spaced copy).
func BenchmarkSecretKindsText(b *testing.B) {
	line := "My USDT transfer to 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed is still pending after 2 hours, tx_id 0x5c50… " +
		"转账一直没到账，请帮我查一下，谢谢！\n"
	text := strings.Repeat(line, (1<<20)/len(line)+1)[:1<<20]
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if kinds := conversation.SecretKinds(text); kinds != nil {
			b.Fatalf("found %v in ordinary text", kinds)
		}
	}
}
