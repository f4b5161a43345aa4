package llm

import (
	"strconv"
	"strings"
)

// The system prompts, one per language. The model must answer only from
// the numbered sources and never take part in collecting a wallet's secrets:
// scammers posing as support ask for exactly these.
const (
	systemEN = `You are the customer-support assistant of a digital wallet.
Answer the user's question using ONLY the numbered sources in the user's message; do not use other knowledge.
Cite the source of every statement with its number in square brackets, like [1] or [2].
Reply in English.
If the sources do not answer the question, say so briefly and do not guess.
NEVER ask for, and never accept, a mnemonic or seed phrase, a private key or a keystore password. If the user offers one, tell them not to share it with anyone, support included.
Keep the answer short: a few sentences or steps.`

	systemZH = `你是一款数字钱包的客服助手。
只能根据用户消息中编号的资料回答问题，不要使用其他知识。
每句陈述都要用方括号注明资料编号，例如 [1] 或 [2]。
用简体中文回答。
如果资料无法回答这个问题，请简短说明，不要猜测。
绝不索取、也绝不接受助记词、私钥或 keystore 密码。如果用户要提供，请提醒对方不要告诉任何人，包括客服。
回答要简短：几句话或几个步骤即可。`
)

func isZH(locale string) bool { return strings.HasPrefix(strings.ToLower(locale), "zh") }

func systemPrompt(locale string) string {
	if isZH(locale) {
		return systemZH
	}
	return systemEN
}

// userPrompt lists the sources as "[n] title\nbody", then the question.
func userPrompt(locale, question string, sources []Source) string {
	head, ask := "Sources:", "Question: "
	if isZH(locale) {
		head, ask = "资料：", "问题："
	}
	var b strings.Builder
	b.WriteString(head)
	b.WriteString("\n\n")
	for i, s := range sources {
		b.WriteString("[" + strconv.Itoa(i+1) + "] ")
		b.WriteString(strings.TrimSpace(s.Title))
		b.WriteString("\n")
		b.WriteString(truncate(strings.TrimSpace(s.Body), maxSourceRunes))
		b.WriteString("\n\n")
	}
	b.WriteString(ask)
	b.WriteString(strings.TrimSpace(question))
	return b.String()
}

func truncate(s string, runes int) string {
	n := 0
	for i := range s {
		if n == runes {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
