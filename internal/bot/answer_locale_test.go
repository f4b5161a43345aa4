package bot

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/kb"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/storetest"
)

// localeKB is a small knowledge base: two topics in both languages, one
// only in English and one only in Chinese. An article in one language
// carries an example question in the other, as an author writes before the
// translation exists, so the bot knows the other language's words for it.
func localeKB() []kb.Article {
	return []kb.Article{
		{ID: "gas-fees", Locale: LocaleEN, Category: "fees", Title: "Why are network fees so high?",
			Body:      "Network fees (gas) go to the validators of the chain, not to us. They rise when the chain is busy.",
			Questions: []string{"why is the gas fee so high", "how much is the network fee for a transfer", "what do I pay gas for"}},
		{ID: "gas-fees", Locale: LocaleZH, Category: "fees", Title: "为什么矿工费这么高？",
			Body:      "矿工费（gas）付给链上的验证者，不归我们所有。链上拥堵时矿工费会上涨。",
			Questions: []string{"矿工费为什么这么贵", "转账手续费是多少", "gas费怎么算的"}},
		{ID: "backup-phrase", Locale: LocaleEN, Category: "security", Title: "How do I back up my recovery phrase?",
			Body:      "Write the 12 words on paper, in order, and keep it offline. Never store them in a screenshot.",
			Questions: []string{"how do I back up my seed phrase", "where should I write down my recovery phrase", "is a screenshot of my seed phrase safe"}},
		{ID: "backup-phrase", Locale: LocaleZH, Category: "security", Title: "如何备份助记词？",
			Body:      "把 12 个单词按顺序抄在纸上，离线保存。不要截图保存助记词。",
			Questions: []string{"助记词怎么备份", "助记词应该写在哪里", "助记词可以截图保存吗"}},
		{ID: "staking-rewards", Locale: LocaleEN, Category: "tokens", Title: "When are staking rewards paid?",
			Body:      "Staking rewards are paid once a day, after the validator's epoch ends.",
			Questions: []string{"when are staking rewards paid", "how often do I get staking rewards", "my staking rewards have not arrived", "质押奖励什么时候发放"}},
		{ID: "red-packet", Locale: LocaleZH, Category: "tokens", Title: "如何发红包？",
			Body:      "在聊天里点**红包**，选择币种和金额，再发给好友。红包 24 小时内未领取会自动退回。",
			Questions: []string{"怎么发红包", "红包怎么领取", "红包过期了怎么退回", "how do I send a red packet"}},
	}
}

// TestAnswerInVisitorsLanguage: the bot answers with the article in the
// language the visitor wrote in when it exists there (whichever language
// the matched examples were in), and otherwise with the other language's
// article, saying so first in the visitor's language.
func TestAnswerInVisitorsLanguage(t *testing.T) {
	cases := []struct {
		name, q                  string
		id, locale               string // the article sent
		title, notice, more, ask string
	}{
		{"a Chinese question, an article in Chinese", "gas费为什么这么贵", "gas-fees", LocaleZH,
			"为什么矿工费这么高？", "", "[查看完整文章]", "这解决了您的问题吗？"},
		{"an English question, an article in English", "why is my gas fee so high", "gas-fees", LocaleEN,
			"Why are network fees so high?", "", "[Read the full article]", "Did this solve your problem?"},
		{"a Chinese question, an article only in English", "质押奖励什么时候发", "staking-rewards", LocaleEN,
			"When are staking rewards paid?", "这篇文章目前只有英文版：", "[查看完整文章]", "这解决了您的问题吗？"},
		{"an English question, an article only in Chinese", "how can I send a red packet", "red-packet", LocaleZH,
			"如何发红包？", "This article is only available in Chinese for now:", "[Read the full article]", "Did this solve your problem?"},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		convs := conversation.NewStore(db, time.Now)
		ks := kb.NewStore(db, time.Now)
		if err := ks.UpsertAll(ctx, localeKB(), nil); err != nil {
			t.Fatal(err)
		}
		in, err := convs.CreateInbox(ctx, "Web chat", conversation.ChannelWebChat)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := convs.SetInboxBot(ctx, in.ID, true); err != nil {
			t.Fatal(err)
		}
		ids := make([]string, len(cases))
		for i, tc := range cases {
			ids[i] = ask(t, convs, in, tc.q)
		}
		evs, err := bus.ReadEvents(ctx, db, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		s := newService(convs, ks, Options{BaseURL: "https://desk.example"})
		defer s.Close()
		if err := s.Handle(ctx, evs); err != nil {
			t.Fatal(err)
		}
		for i, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				ds, err := s.Decisions(ctx, ids[i])
				if err != nil || len(ds) != 1 {
					t.Fatalf("decisions %+v, %v; want one", ds, err)
				}
				d := ds[0]
				if d.Outcome != OutcomeAnswered || d.ArticleID != tc.id || d.Locale != DetectLocale(tc.q) {
					t.Fatalf("%q: decision %s %q in %s (candidates %+v); want answered with %q in %s",
						tc.q, d.Outcome, d.ArticleID, d.Locale, d.Candidates, tc.id, DetectLocale(tc.q))
				}
				t.Logf("%q: %+v", tc.q, d.Candidates)
				msgs, err := convs.Messages(ctx, ids[i], 1, 10, false)
				if err != nil || len(msgs) != 1 {
					t.Fatalf("bot messages %+v, %v; want one", msgs, err)
				}
				var meta Meta
				if err := json.Unmarshal(msgs[0].Meta, &meta); err != nil {
					t.Fatal(err)
				}
				url := "https://desk.example/help/" + tc.locale + "/" + tc.id
				want := ArticleRef{ID: tc.id, Locale: tc.locale, Title: tc.title, URL: url}
				if meta.Kind != "answer" || len(meta.Articles) != 1 || meta.Articles[0] != want {
					t.Fatalf("meta %+v; want an answer with %+v", meta, want)
				}
				body := msgs[0].Body
				head := "**" + tc.title + "**\n\n"
				if tc.notice != "" {
					head = tc.notice + "\n\n" + head
				}
				if !strings.HasPrefix(body, head) || !strings.Contains(body, tc.more+"("+url+")") || !strings.HasSuffix(body, tc.ask) {
					t.Fatalf("answer body %q; want it to start %q, link %q with %q and end %q", body, head, url, tc.more, tc.ask)
				}
				if tc.notice == "" && (strings.Contains(body, "只有") || strings.Contains(body, "only available")) {
					t.Fatalf("answer body %q says the article is in another language; it is not", body)
				}
			})
		}
	})
}

// TestSuggestionsInVisitorsLanguage: suggestions are each article's version
// in the visitor's language when it has one, else the other language's,
// marked as such in the text.
func TestSuggestionsInVisitorsLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ks := kb.NewStore(db, time.Now)
		if err := ks.UpsertAll(ctx, localeKB(), nil); err != nil {
			t.Fatal(err)
		}
		s := newService(conversation.NewStore(db, time.Now), ks, Options{})
		defer s.Close()
		mdl, err := s.models.get(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cands := []Candidate{{ArticleID: "gas-fees", Confidence: 0.4}, {ArticleID: "staking-rewards", Confidence: 0.3},
			{ArticleID: "red-packet", Confidence: 0.2}}
		for _, tc := range []struct {
			locale string
			want   []string // locale of each suggestion
			lines  []string // the list in the text
		}{
			{LocaleZH, []string{LocaleZH, LocaleEN, LocaleZH},
				[]string{"1. 为什么矿工费这么高？\n", "2. When are staking rewards paid?（英文）\n", "3. 如何发红包？\n"}},
			{LocaleEN, []string{LocaleEN, LocaleEN, LocaleZH},
				[]string{"1. Why are network fees so high?\n", "2. When are staking rewards paid?\n", "3. 如何发红包？ (in Chinese)\n"}},
		} {
			refs := s.suggestions(mdl, cands, tc.locale, "")
			if len(refs) != len(tc.want) {
				t.Fatalf("%s: suggestions %+v; want %d", tc.locale, refs, len(tc.want))
			}
			for i, r := range refs {
				if r.ID != cands[i].ArticleID || r.Locale != tc.want[i] || !strings.HasSuffix(r.URL, "/help/"+tc.want[i]+"/"+r.ID) {
					t.Errorf("%s: suggestion %d is %+v; want %s in %s", tc.locale, i+1, r, cands[i].ArticleID, tc.want[i])
				}
			}
			body := suggestionsBody(tc.locale, refs)
			for _, l := range tc.lines {
				if !strings.Contains(body, l) {
					t.Errorf("%s: suggestions text %q lacks %q", tc.locale, body, l)
				}
			}
		}
	})
}
