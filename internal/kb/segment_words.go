package kb

import "strings"

// stem strips the common English endings so that "transfers",
// "transferred" and "transferring" meet at "transfer". It is deliberately
// light (plurals, -ing, -ed, a final e): the knowledge base is small and a
// wrong merge costs more than a missed one.
func stem(w string) string {
	if len(w) <= 3 || !isASCIILetters(w) {
		return w
	}
	switch {
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "ied") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "ing") && len(w) > 5:
		w = undouble(w[:len(w)-3])
	case strings.HasSuffix(w, "ed") && len(w) > 4:
		w = undouble(w[:len(w)-2])
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		w = w[:len(w)-1]
	}
	if len(w) > 4 && strings.HasSuffix(w, "e") {
		w = w[:len(w)-1]
	}
	return w
}

// undouble turns "stopp" (from "stopped") into "stop"; "ll", "ss" and "zz"
// stay ("fill", "miss").
func undouble(w string) string {
	n := len(w)
	if n >= 3 && w[n-1] == w[n-2] && !strings.ContainsRune("aeioulsz", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}

func isASCIILetters(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// set builds a lookup table from space-separated words.
func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// enStop are English words too common to tell articles apart; question
// words are among them, since every query is a question.
var enStop = set(`a an the and or but if of to in on at by for with from as into onto about over under
	is are was were be been being am do does did doing done have has had having
	i me my mine we us our you your he him his she her it its they them their
	this that these those there here what which who whom whose why how when where
	can could would should will shall may might must need not no yes so than too very just
	all any both each few more most other some such only own same also still even again
	get got getting s t don didn doesn isn aren wasn won can't cannot
	up down out off then once now please help hi hello thanks thank ok okay`)

// zhStop are Chinese function words and question words, plus the
// punctuation gse returns as tokens.
var zhStop = set(`的 了 吗 呢 吧 啊 呀 嘛 哦 么 着 过 得 地 和 与 或 及 就 都 也 还 又 而 但 却 再
	我 你 您 他 她 它 我们 你们 他们 我的 你的 自己 是 在 有 没 不 没有 被 把 给 对 让 从 向 到 用
	怎么 怎么办 怎样 怎么样 如何 什么 为什么 为何 哪里 哪儿 哪 多久 多少 能否 能不能 可不可以
	可以 能 会 要 想 请 请问 一下 一直 一个 这个 那个 这 那 这样 那样 个 些 现在 已经 还是 就是`)
