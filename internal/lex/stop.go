package lex

import "strings"

// IsStop reports whether w, lower-case and not stemmed, is a stop word:
// a word of either language too common to tell one text from another.
func IsStop(w string) bool {
	_, ok := stopWords[w]
	return ok
}

// stopWords is the one stop-word list. English: function words, pronouns,
// question words (every query is a question) and the courtesies of a
// support chat. Chinese: function words, pronouns, question words and the
// fillers of a question ("请问", "一下").
var stopWords = set(`a an the and or but if of to in on at by for with from as into onto about over under
	is are was were be been being am do does did doing done have has had having
	i me my mine we us our you your he him his she her it its they them their
	this that these those there here what which who whom whose why how when where
	can could would should will shall may might must need not no yes so than too very just
	all any both each few more most other some such only own same also still even again
	get got getting s t don didn doesn isn aren wasn won can't cannot
	up down out off then once now please help hi hello thanks thank ok okay

	的 了 吗 呢 吧 啊 呀 嘛 哦 么 着 过 得 地 和 与 或 及 就 都 也 还 又 而 但 却 再
	我 你 您 他 她 它 我们 你们 他们 我的 你的 自己 是 在 有 没 不 没有 被 把 给 对 让 从 向 到 用
	怎么 怎么办 怎样 怎么样 如何 什么 为什么 为何 哪里 哪儿 哪 多久 多少 能否 能不能 可不可以
	可以 能 会 要 想 请 请问 一下 一直 一个 这个 那个 这 那 这样 那样 个 些 现在 已经 还是 就是`)

func set(words string) map[string]struct{} {
	m := map[string]struct{}{}
	for _, w := range strings.Fields(words) {
		m[w] = struct{}{}
	}
	return m
}
