package safety

import (
	"regexp"
	"strings"
)

// Scammers reach wallet users on other channels posing as support. A user
// who tells us so gets a warning at once: the message names someone claiming
// to be support (or the team) together with another channel or a private
// contact.
var (
	claimsSupport = regexp.MustCompile(`(?i)\b(support|customer service|helpdesk|help desk|admin|moderator|agent|official|team)\b|客服|官方|工作人员|管理员|技术支持`)
	otherChannel  = regexp.MustCompile(`(?i)\b(telegram|tg|whatsapp|wechat|discord|twitter|x\.com|facebook|instagram|signal|line|qq|dm|dms|direct message|private message|pm|called me|phoned me|messaged me|texted me|contacted me|reached out|added me)\b|电报|飞机|微信|私信|私聊|加我|联系了我|联系我|打电话|来电|找到我`)
)

// MentionsImpersonation reports whether the text says someone claiming to be
// support contacted the user elsewhere.
func MentionsImpersonation(text string) bool {
	if len(text) > 4000 {
		text = text[:4000]
	}
	lower := strings.ToLower(text)
	// Most messages name neither; only then is it worth splitting clauses.
	if !claimsSupport.MatchString(lower) || !otherChannel.MatchString(lower) {
		return false
	}
	for _, clause := range splitClauses(lower) {
		if claimsSupport.MatchString(clause) && otherChannel.MatchString(clause) {
			return true
		}
	}
	return false
}

// ImpersonationWarning is the system message sent to such a user, in both
// languages.
const ImpersonationWarning = "⚠️ 官方客服只在这里和您联系，绝不会通过 Telegram、微信等私信主动找您，也绝不会索要助记词、私钥或要求您转账“验证”。" +
	"请不要回复对方，如何辨别真假客服请看 /verify。\n" +
	"⚠️ Our real support only talks to you here. We never contact you first on Telegram, WhatsApp or other apps, " +
	"never ask for your seed phrase or private key, and never ask you to send funds to \"verify\" anything. " +
	"Do not reply to them; see /verify for how to recognise real support."
