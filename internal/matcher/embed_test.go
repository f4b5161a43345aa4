package matcher

import (
	"slices"
	"strings"
	"testing"
)

// TestEmbedderFeatures checks that English and Chinese questions get the
// sentence vector appended to their features, text with neither none.
func TestEmbedderFeatures(t *testing.T) {
	emb, err := DefaultEmbedder()
	if err != nil {
		t.Fatal(err)
	}
	arts := []Article{
		{ID: "card", Examples: []string{"my card has not arrived", "when will my card arrive", "卡还没到"}},
		{ID: "pin", Examples: []string{"how do I change my pin", "reset my pin", "怎么改密码"}},
	}
	m := Train(arts, Options{Embedder: emb, Uncalibrated: true})
	if m.dim() != m.vec.dim()+emb.Dim() {
		t.Fatalf("dim %d, want %d + %d", m.dim(), m.vec.dim(), emb.Dim())
	}
	dense := func(q string) int {
		n := 0
		for _, f := range m.features(q) {
			if int(f.idx) >= m.vec.dim() {
				n++
			}
		}
		return n
	}
	if n := dense("where is my new card"); n < emb.Dim()/2 {
		t.Errorf("English question has %d dense features, want about %d", n, emb.Dim())
	}
	if n := dense("我的卡在哪里"); n < emb.Dim()/2 {
		t.Errorf("Chinese question has %d dense features, want about %d", n, emb.Dim())
	}
	if n := dense("12345 ???"); n != 0 {
		t.Errorf("a question without letters has %d dense features, want 0", n)
	}
	// The sentence vector has the configured norm.
	var s float64
	for _, f := range m.features("where is my new card") {
		if int(f.idx) >= m.vec.dim() {
			s += float64(f.val) * float64(f.val)
		}
	}
	if s < defaultEmbedWeight*defaultEmbedWeight*0.99 || s > defaultEmbedWeight*defaultEmbedWeight*1.01 {
		t.Errorf("sentence vector norm² %.3f, want %.1f", s, defaultEmbedWeight*defaultEmbedWeight)
	}
}

// TestEmbedderParaphrase: a question that shares no word with any
// example is matched by meaning only with the sentence encoder.
func TestEmbedderParaphrase(t *testing.T) {
	arts := []Article{
		{ID: "card-arrival", Examples: []string{"my card has not arrived yet", "when will my card be delivered", "still waiting for my card", "how long does card delivery take"}},
		{ID: "lost-card", Examples: []string{"I lost my card", "my card was stolen", "I can't find my card anywhere", "someone took my card"}},
		{ID: "exchange-rate", Examples: []string{"what exchange rate do you use", "how are currencies converted", "is the conversion rate fair", "why was the rate so bad"}},
		{ID: "top-up-failed", Examples: []string{"my top up failed", "adding money did not work", "the top-up was declined", "why did my top up fail"}},
	}
	with, without := Train(arts, Options{}), Train(arts, Options{NoEncoder: true})
	lexicalMisses := 0
	for q, want := range map[string]string{
		"a thief grabbed my wallet":               "lost-card",
		"somebody pickpocketed me":                "lost-card",
		"depositing funds keeps getting rejected": "top-up-failed",
	} {
		c, l := with.Match(q, 1)[0], without.Match(q, 1)[0]
		t.Logf("%q: with the encoder %s (%.2f), without %s (%.2f)", q, c.ArticleID, c.Confidence, l.ArticleID, l.Confidence)
		if c.ArticleID != want {
			t.Errorf("with the encoder, Match(%q) = %s, want %s", q, c.ArticleID, want)
		}
		if l.ArticleID != want {
			lexicalMisses++
		}
	}
	if lexicalMisses == 0 {
		t.Error("words and characters alone found every paraphrase; the test no longer shows what the encoder adds")
	}
}

// TestEmbedderRemembersTrainingQuestions: a second training reuses the
// first one's vectors, and they are what Encode gives.
func TestEmbedderRemembersTrainingQuestions(t *testing.T) {
	emb, err := DefaultEmbedder()
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"how do I reset my pin", "我的卡丢了", "card arrival time"}
	a, b := encodeAll(emb, texts), encodeAll(emb, texts)
	for i := range texts {
		if len(a[i]) != emb.Dim() || &a[i][0] != &b[i][0] {
			t.Errorf("%q was encoded again instead of remembered", texts[i])
		}
		if !slices.Equal(a[i], emb.Encode(texts[i])) {
			t.Errorf("the remembered vector of %q differs from Encode's", texts[i])
		}
	}
}

// TestEmbedderChineseParaphrase: Chinese questions that share no
// character with an article's examples are matched by meaning through the
// dictionary: its reading through the encoder, and, without the encoder,
// the senses of the words (the English words of their definitions). The
// characters alone (the character nearest neighbour) miss them.
func TestEmbedderChineseParaphrase(t *testing.T) {
	arts := []Article{
		{ID: "repay", Examples: []string{"花呗怎么还款", "还款日是哪天", "可以提前还款吗", "还款失败怎么办"}},
		{ID: "stolen", Examples: []string{"钱包被盗了怎么办", "币被偷走了", "资产被人转走了", "账户被黑了"}},
		{ID: "fee", Examples: []string{"手续费是多少", "转账要收费吗", "矿工费太高了", "为什么扣了费用"}},
		{ID: "download", Examples: []string{"在哪里下载App", "苹果手机怎么安装", "安卓版下载地址", "应用商店搜不到"}},
	}
	with, without := Train(arts, Options{}), Train(arts, Options{NoEncoder: true})
	var rows []Labeled
	for _, a := range arts {
		for _, e := range a.Examples {
			rows = append(rows, Labeled{Text: e, Label: a.ID})
		}
	}
	chars := newCharNeighbour(rows)
	misses := 0
	for q, want := range map[string]string{
		"遭窃":   "stolen", // suffer theft
		"扒窃":   "stolen", // pickpocket
		"交易成本": "fee",    // transaction cost
		"佣金比例": "fee",    // commission rate
	} {
		if strings.ContainsFunc(q, func(r rune) bool {
			return slices.ContainsFunc(arts, func(a Article) bool {
				return slices.ContainsFunc(a.Examples, func(e string) bool { return strings.ContainsRune(e, r) })
			})
		}) {
			t.Fatalf("%q shares a character with an example", q)
		}
		c, l, ch := with.Match(q, 1)[0], without.Match(q, 1)[0], chars.nearest(q)
		t.Logf("%q: with the encoder %s (%.2f), senses alone %s (%.2f), characters alone %s", q, c.ArticleID, c.Confidence, l.ArticleID, l.Confidence, ch)
		if c.ArticleID != want {
			t.Errorf("with the encoder, Match(%q) = %s, want %s", q, c.ArticleID, want)
		}
		if l.ArticleID != want {
			t.Errorf("without the encoder, Match(%q) = %s, want %s through the senses", q, l.ArticleID, want)
		}
		if ch != want {
			misses++
		}
	}
	if misses == 0 {
		t.Error("characters alone found every paraphrase; the test no longer shows what the dictionary adds")
	}
}
