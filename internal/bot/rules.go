package bot

import (
	"strings"
	"unicode"
)

// Locales the bot answers in.
const (
	LocaleZH = "zh-CN"
	LocaleEN = "en"
)

// DetectLocale picks the reply language from the question: Chinese when it
// has Han characters, else English.
func DetectLocale(q string) string {
	for _, r := range q {
		if unicode.Is(unicode.Han, r) {
			return LocaleZH
		}
	}
	return LocaleEN
}

// handoffPhrases ask for a person. Chinese phrases match anywhere in the
// message; English ones match as whole words or word sequences.
var (
	handoffZH = []string{"转人工", "人工客服", "人工服务", "人工", "真人", "客服人员", "找客服"}
	handoffEN = []string{"agent", "human", "real person", "live person", "a person", "operator", "representative",
		"speak to someone", "talk to someone"}
)

// sensitivePhrases are stolen funds and account security: a person takes
// these at once, with high priority.
var (
	sensitiveZH = []string{"被盗", "盗走", "被偷", "偷走", "被转走", "转走了", "被黑", "黑客", "被骗", "骗走",
		"盗币", "资产丢失", "币没了", "钱没了", "币不见了", "钱不见了", "资产不见了", "泄露", "异常登录", "被盗刷", "陌生地址"}
	sensitiveEN = []string{"stolen", "stole", "hacked", "hacker", "drained", "scammed", "phished", "compromised",
		"unauthorized", "unauthorised", "someone took", "funds are gone", "funds gone", "lost my funds",
		"money is gone", "leaked", "didn't make this transaction", "did not make this transaction"}
)

// Handoff reasons.
const (
	ReasonRequest   = "request"   // the visitor asked for a person
	ReasonSensitive = "sensitive" // stolen funds or account security
	ReasonUnhelpful = "unhelpful" // two unhelpful answers
)

// wantsHuman reports whether the message asks for a person.
func wantsHuman(q string) bool {
	if containsAny(q, handoffZH) {
		return true
	}
	return containsWords(words(q), handoffEN)
}

// isSensitive reports whether the message is about stolen funds or account
// security.
func isSensitive(q string) bool {
	if containsAny(q, sensitiveZH) {
		return true
	}
	return containsWords(words(q), sensitiveEN)
}

func containsAny(s string, subs []string) bool {
	for _, p := range subs {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// words lower-cases s and keeps its letters, digits and apostrophes as
// space-separated words, with a space at both ends for whole-word matching.
func words(s string) string {
	var b strings.Builder
	b.WriteByte(' ')
	space := true
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’' {
			if r == '’' {
				r = '\''
			}
			b.WriteRune(r)
			space = false
		} else if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	if !space {
		b.WriteByte(' ')
	}
	return b.String()
}

func containsWords(w string, phrases []string) bool {
	for _, p := range phrases {
		if strings.Contains(w, " "+p+" ") {
			return true
		}
	}
	return false
}

// greetings are whole messages that only say hello.
var greetings = map[string]bool{"你好": true, "您好": true, "在吗": true, "在不在": true, "有人吗": true, "哈喽": true,
	"嗨": true, "hi": true, "hello": true, "hey": true, "hi there": true, "hello there": true, "good morning": true,
	"good afternoon": true, "good evening": true, "你好在吗": true, "您好在吗": true}

// isGreeting reports whether the whole message is a greeting.
func isGreeting(q string) bool {
	s := strings.TrimSpace(strings.ToLower(q))
	s = strings.TrimRight(s, "!！?？.。~～ ")
	s = strings.TrimSpace(strings.TrimRight(strings.ReplaceAll(strings.ReplaceAll(s, "，", " "), ",", " "), " "))
	return greetings[s] || greetings[strings.ReplaceAll(s, " ", "")]
}
