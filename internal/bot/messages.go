package bot

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/huiying/huiying/internal/kb"
	"github.com/huiying/huiying/internal/routing"
)

// ArticleRef is an article as a bot message shows it.
type ArticleRef struct {
	ID     string `json:"id"`
	Locale string `json:"locale"`
	Title  string `json:"title"`
	URL    string `json:"url"`
}

// Meta is the structured part of a bot message (messages.meta), which the
// chat widget renders as an article card with buttons.
type Meta struct {
	Kind     string       `json:"kind"` // answer, suggestions, no_answer, handoff, solved, quiet
	Articles []ArticleRef `json:"articles,omitempty"`
	// Reason, QueuePosition, ExpectedWaitSeconds (routing's estimate;
	// absent when it has nothing to base one on) and OpensAt (when the
	// team is closed: when it opens) describe a hand-off.
	Reason              string     `json:"reason,omitempty"`
	QueuePosition       int        `json:"queue_position,omitempty"`
	ExpectedWaitSeconds int        `json:"expected_wait_seconds,omitempty"`
	OpensAt             *time.Time `json:"opens_at,omitempty"`
	// LLM marks an answer phrased by the language model from Articles.
	LLM bool `json:"llm,omitempty"`
}

func (m Meta) raw() json.RawMessage {
	b, _ := json.Marshal(m) // plain strings and ints always marshal
	return b
}

// ArticleURL is where the help center shows an article.
func ArticleURL(base string, a kb.Article) string {
	return strings.TrimRight(base, "/") + "/help/" + a.Locale + "/" + a.ID
}

func ref(base string, a kb.Article) ArticleRef {
	return ArticleRef{ID: a.ID, Locale: a.Locale, Title: a.Title, URL: ArticleURL(base, a)}
}

// maxAnswerRunes bounds the part of an article an answer quotes: a chat
// bubble holds a few hundred characters comfortably; the link leads to the
// whole article.
const maxAnswerRunes = 400

// answerBody is the Markdown of an article answer to a visitor writing in
// locale: the title, the article's first useful part (leadPart), a link to
// the whole article and the question the buttons answer. An article that
// exists only in the other language is still sent, after a line in the
// visitor's language that says so; the bot's own words stay in the
// visitor's language.
func answerBody(locale string, a kb.Article, url string) string {
	var b strings.Builder
	if a.Locale != locale {
		b.WriteString(pick(locale, "这篇文章目前只有"+languageName(locale, a.Locale)+"版：",
			"This article is only available in "+languageName(locale, a.Locale)+" for now:") + "\n\n")
	}
	b.WriteString("**" + a.Title + "**\n\n" + leadPart(a.Body, maxAnswerRunes) + "\n\n" +
		"[" + pick(locale, "查看完整文章", "Read the full article") + "](" + url + ")\n\n" +
		pick(locale, "这解决了您的问题吗？", "Did this solve your problem?"))
	return b.String()
}

// languageName names an article locale in the visitor's language.
func languageName(visitor, locale string) string {
	if locale == LocaleZH {
		return pick(visitor, "中文", "Chinese")
	}
	return pick(visitor, "英文", "English")
}

// refLabel is an article's title in a list shown to a visitor writing in
// locale, marked with its language when that is not the visitor's.
func refLabel(locale string, r ArticleRef) string {
	if r.Locale == locale {
		return r.Title
	}
	return r.Title + pick(locale, "（"+languageName(locale, r.Locale)+"）", " (in "+languageName(locale, r.Locale)+")")
}

func pick(locale, zh, en string) string {
	if locale == LocaleZH {
		return zh
	}
	return en
}

func suggestionsBody(locale string, refs []ArticleRef) string {
	var b strings.Builder
	b.WriteString(pick(locale, "我不太确定您问的是哪个问题，是下面这些吗？", "I'm not sure which of these you mean. Is it one of them?"))
	writeRefList(&b, locale, refs)
	b.WriteString("\n\n" + pick(locale, "如果都不是，请换个说法，或回复“人工”联系客服。",
		"If none fits, please rephrase, or type \"agent\" to reach a person."))
	return b.String()
}

// writeRefList writes refs as a numbered list, one per line, titles marked
// when in the other language.
func writeRefList(b *strings.Builder, locale string, refs []ArticleRef) {
	for i, r := range refs {
		fmt.Fprintf(b, "\n%d. %s", i+1, refLabel(locale, r))
	}
}

func noAnswerBody(locale string) string {
	return pick(locale, "抱歉，我没能找到答案。请换个说法描述您的问题，或回复“人工”联系客服。",
		"Sorry, I couldn't find an answer to that. Please describe it in other words, or type \"agent\" to reach a person.")
}

func handoffBody(locale, reason string, p routing.Place, now time.Time, urgent *ArticleRef) string {
	var b strings.Builder
	switch reason {
	case ReasonSensitive:
		b.WriteString(pick(locale, "这可能涉及资产或账户安全，我们已将您的会话优先转给人工客服。",
			"This may concern the safety of your funds or account, so we have passed your conversation to a person with high priority."))
	case ReasonUnhelpful:
		b.WriteString(pick(locale, "抱歉没能帮到您，正在为您转接人工客服。", "Sorry I couldn't help. I'm passing you to a person."))
	default:
		b.WriteString(pick(locale, "好的，正在为您转接人工客服。", "OK, I'm passing you to a person."))
	}
	b.WriteString(" " + placeText(locale, p, now))
	if urgent != nil {
		b.WriteString("\n\n" + pick(locale, "在等待时，请先按这篇文章保护剩余资产：", "While you wait, protect your remaining funds with these steps: ") +
			refLabel(locale, *urgent) + " " + urgent.URL)
	}
	b.WriteString("\n\n" + pick(locale, "提醒：官方客服绝不会索要您的助记词、私钥或密码。",
		"Remember: real support never asks for your seed phrase, private key or password."))
	return b.String()
}

func solvedBody(locale string) string {
	return pick(locale, "太好了，很高兴能帮到您！如果还有其他问题，随时发消息给我们。",
		"Great, glad that helped! Send us a message any time if you have another question.")
}

func notSolvedBody(locale string) string {
	return pick(locale, "抱歉没能解决。您可以换个说法再问一次，或者转人工客服。",
		"Sorry that didn't solve it. You can ask in other words, or talk to a person.")
}

// notSolvedSuggestionsBody offers the other candidates after "not solved",
// beside the buttons to ask another way or talk to a person.
func notSolvedSuggestionsBody(locale string, refs []ArticleRef) string {
	var b strings.Builder
	b.WriteString(pick(locale, "抱歉没能解决。是下面这些问题吗？", "Sorry that didn't solve it. Is it one of these?"))
	writeRefList(&b, locale, refs)
	b.WriteString("\n\n" + pick(locale, "都不是的话，您可以换个说法再问一次，或者转人工客服。",
		"If none fits, you can ask in other words, or talk to a person."))
	return b.String()
}

func rephraseBody(locale string) string {
	return pick(locale, "好的，请换个说法描述您的问题，例如 App 上显示的提示、所用的网络和币种。",
		"OK, tell me in other words, for example what the app shows, and which network and token.")
}

func greetingBody(locale string) string {
	return pick(locale, "您好！我是智能助手，请直接描述您遇到的问题，例如“转账一直没到账”。需要人工客服请回复“人工”。",
		"Hi! I'm the support assistant. Tell me what's wrong, for example \"my transfer is pending\". Type \"agent\" to reach a person.")
}
