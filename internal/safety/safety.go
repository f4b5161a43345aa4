// Package safety checks what agents send to wallet users. Real support never
// asks for a mnemonic (seed / recovery phrase), a private key or a keystore
// file and its password: whoever holds them owns the funds. AsksForSecret
// spots outbound text that asks for one of them, in English and Chinese,
// while letting through the warnings support sends every day ("we will never
// ask for your seed phrase", "不要把助记词告诉任何人").
//
// The check works clause by clause: a clause is flagged when it names a
// secret, carries a request cue ("send me", "what is your", "提供一下",
// "发给我"…) and no negation or warning cue ("never", "do not", "不要",
// "不会", "谨防"…). It is a heuristic tuned on the phrasings in the tests;
// it errs towards letting warnings through, since the console shows agents
// why a reply was refused and what to ask instead.
package safety

import (
	"regexp"
	"strings"
)

// secretTerms name what must never be asked for; the reported term is the
// first of the pair.
var secretTerms = []struct {
	name string
	re   *regexp.Regexp
}{
	{"secret recovery phrase", regexp.MustCompile(`secret\s+recovery\s+phrase`)},
	{"seed phrase", regexp.MustCompile(`seed\s*(phrase|words?|key)|\bseeds?\b`)},
	{"recovery phrase", regexp.MustCompile(`(recovery|backup|secret|wallet)\s+(phrase|words?|key\s*phrase)`)},
	{"mnemonic", regexp.MustCompile(`mnemonic`)},
	{"private key", regexp.MustCompile(`priv(ate)?\s*-?\s*keys?|\bpk\b`)},
	{"keystore", regexp.MustCompile(`key\s*store|\bjson\s+(key\s*)?file\b|\butc--`)},
	{"12 or 24 words", regexp.MustCompile(`\b(12|24|twelve|twenty[\s-]*four)[\s-]*(english\s+)?words?\b`)},
	{"助记词", regexp.MustCompile(`助记|記憶詞|助記`)},
	{"私钥", regexp.MustCompile(`私钥|私鑰|密钥|密鑰|秘钥|秘鑰`)},
	{"恢复短语", regexp.MustCompile(`(恢复|恢復|备份|備份|种子|種子|秘密)\s*(短语|短語|词|詞|单词|單詞|密语)`)},
	{"12 或 24 个单词", regexp.MustCompile(`(12|24|十二|二十四)\s*个?\s*(英文)?\s*(单词|單詞|词|詞)`)},
}

// requestCues mark a clause that asks the reader to hand something over.
var requestCues = regexp.MustCompile(strings.Join([]string{
	`\bsend\b`, `\bshare\b`, `\btell\b`, `\bgive\b`, `\bprovide\b`, `\bwhat(\s+is|'s|\s+are|'re)\b`, `\btype\b`,
	`\benter\b`, `\bpaste\b`, `\binput\b`, `\bneed\b`, `\brequire`, `\bcan\s+you\b`, `\bcould\s+you\b`, `\bwould\s+you\b`,
	`\bplease\b`, `\bpls\b`, `\bplz\b`, `\bread\b`, `\bdm\b`, `\bupload\b`, `\bforward\b`, `\bsubmit\b`, `\bconfirm\b`,
	`\bverify\b`, `\blet\s+(me|us)\s+know\b`, `\bshow\b`, `\bwrite\b`, `\bspell\b`, `\bfill\b`, `\bdrop\b`,
	`\bscreenshot\b`, `\bphoto\b`, `\bpicture\b`, `\bexport\b`, `\bmessage\s+(me|us)\b`, `\bemail\b`, `\bi\s+need\b`,
	`\bwhich\b`, `\bcopy\b`, `\breply\b`, `\brespond\b`, `\battach\b`, `\brecite\b`, `\bcheck\b`, `\?$`,
	`发给`, `发我`, `发一下`, `发过来`, `发送`, `發給`, `發送`, `提供`, `告诉`, `告訴`, `告知`, `输入`, `輸入`, `填写`, `填寫`,
	`填一下`, `给我`, `給我`, `给一下`, `报一下`, `報一下`, `截图`, `截圖`, `拍照`, `拍一下`, `上传`, `上傳`, `念一下`, `读一下`,
	`说一下`, `說一下`, `是什么`, `是什麼`, `是多少`, `需要`, `请把`, `請把`, `麻烦`, `麻煩`, `确认`, `確認`, `核对`, `核對`,
	`验证`, `驗證`, `导出`, `導出`, `复制`, `複製`, `粘贴`, `貼上`, `私信`, `私聊`, `贴出来`, `贴一下`, `打出来`, `写下来发`,
	`吗$`, `嗎$`, `？$`,
}, "|"))

// negationCues mark a warning: the clause tells the reader not to hand the
// secret over, or that support never asks for it.
var negationCues = regexp.MustCompile(strings.Join([]string{
	`\bnever\b`, `\bdon'?t\b`, `\bdo\s+not\b`, `\bwon'?t\b`, `\bwill\s+not\b`, `\bnot\b`, `\bno\s+one\b`, `\bnobody\b`,
	`\banyone\b`, `\banybody\b`, `\bbeware\b`, `\bscam`, `\bphishing\b`, `\bfraud`, `\bshouldn'?t\b`, `\bmust\s*n[o']t\b`,
	`\bcannot\b`, `\bcan'?t\b`, `\bno\s+need\b`, `\bavoid\b`, `\bwarn`, `\bimpersonat`, `\bfake\b`, `\bsafe\s+place\b`,
	`\boffline\b`, `\bkeep\b`, `\bprotect\b`, `\bsecure\s+it\b`, `\bonly\s+you\b`, `\bnor\b`, `somewhere\s+safe`, `on\s+paper`, `\bif\s+(someone|somebody|anyone)\b`, `\bwithout\b`, `\bisn'?t\b`,
	`不要`, `不會`, `不会`, `切勿`, `勿`, `别`, `別`, `绝不`, `絕不`, `决不`, `決不`, `永远不`, `永遠不`, `从不`, `從不`,
	`从来不`, `不得`, `不能`, `不可`, `禁止`, `谨防`, `謹防`, `小心`, `骗`, `騙`, `任何人`, `不索要`, `无需`, `無需`, `不需要`,
	`不必`, `如果有人`, `若有人`, `妥善`, `保管`, `保存好`, `离线`, `離線`, `冒充`, `假冒`, `警惕`, `泄露`, `洩露`, `并非`, `不是`, `不用`, `自己保`,
}, "|"))

// reassurance phrases contain negation words but are no warning.
var reassurance = regexp.MustCompile(`don'?t\s+worry|do\s+not\s+worry|no\s+worries|not\s+to\s+worry|don'?t\s+hesitate|` +
	`不用担心|不用擔心|别担心|別擔心|不要担心|不要擔心|放心|不会泄露|不會洩露|不会外泄|不會外洩|won'?t\s+be\s+(shared|stored|leaked)|` +
	`not\s+be\s+(shared|stored|leaked)|not\s+(going\s+to\s+)?(share|store|leak)\s+it`)

// clauseSplit separates sentences and clauses in both scripts.
var clauseSplit = regexp.MustCompile(`[.!;\n。！；，,、：:]+|\?\s+|？`)

// AsksForSecret reports whether text asks its reader for a wallet secret,
// and which secret it named.
func AsksForSecret(text string) (bool, string) {
	norm := strings.ToLower(strings.Join(strings.Fields(text), " "))
	norm = strings.NewReplacer("’", "'", "‘", "'", "`", "'").Replace(norm)
	for _, clause := range splitClauses(norm) {
		term := secretIn(clause)
		if term == "" {
			continue
		}
		cleaned := reassurance.ReplaceAllString(clause, " ")
		if negationCues.MatchString(cleaned) {
			continue
		}
		if requestCues.MatchString(cleaned) {
			return true, term
		}
	}
	return false, ""
}

func splitClauses(s string) []string {
	// Keep a question mark at the end of its clause: it is itself a cue.
	var out []string
	last := 0
	for _, m := range clauseSplit.FindAllStringIndex(s, -1) {
		part := s[last:m[0]]
		sep := s[m[0]:m[1]]
		if strings.Contains(sep, "?") || strings.Contains(sep, "？") {
			part += "?"
		}
		if strings.TrimSpace(part) != "" {
			out = append(out, strings.TrimSpace(part))
		}
		last = m[1]
	}
	if rest := strings.TrimSpace(s[last:]); rest != "" {
		out = append(out, rest)
	}
	return out
}

func secretIn(clause string) string {
	for _, t := range secretTerms {
		if t.re.MatchString(clause) {
			return t.name
		}
	}
	return ""
}

// Message is the bilingual explanation the API gives when it refuses a
// reply that asks for a secret.
func Message(term string) string {
	return "This reply asks the user for their " + term + ". Support must never ask for a mnemonic (seed / recovery " +
		"phrase), a private key or a keystore file or its password: anyone who has them can take the funds. Ask for " +
		"the transaction hash (TxID), the wallet address, the network or a screenshot of the error instead. " +
		"此回复向用户索要" + zhTerm(term) + "。客服绝不能索要助记词（恢复短语）、私钥或 keystore 文件及其密码：" +
		"拿到它们的人就能转走资产。请改为询问交易哈希（TxID）、钱包地址、所用网络或报错截图。"
}

func zhTerm(term string) string {
	switch term {
	case "secret recovery phrase", "recovery phrase", "seed phrase", "mnemonic", "12 or 24 words":
		return "助记词"
	case "private key":
		return "私钥"
	case "keystore":
		return " keystore 文件或密码"
	}
	return term
}
