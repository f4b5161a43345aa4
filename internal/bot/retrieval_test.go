package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/kb"
)

// demoModel trains the bot's model on the demo knowledge base, as a fresh
// install does.
func demoModel(t *testing.T) *model {
	t.Helper()
	m, _ := demoModels(t)
	return m
}

func demoModels(t *testing.T) (*model, *models) {
	t.Helper()
	_, ks := demoStores(t)
	bg := newBackground()
	t.Cleanup(bg.close)
	ms := &models{kb: ks, spawn: bg.start}
	m, err := ms.get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return m, ms
}

// A knowledge-base change is learnt in the background; meanwhile the bot
// answers with the model it has.
func TestModelRetrainsInTheBackground(t *testing.T) {
	ctx := context.Background()
	m, ms := demoModels(t)
	a := kb.Article{ID: "staking-rewards", Locale: "en", Category: "tokens", Title: "When are staking rewards paid?",
		Body: "Rewards arrive every epoch.", Questions: []string{"when do I get my staking rewards", "staking payout schedule"}}
	if _, err := ms.kb.Upsert(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got, err := ms.get(ctx); err != nil || got != m {
		t.Fatalf("right after a change get returned a new model (%v); it should answer with the old one while training", err)
	}
	ms.wait()
	got, err := ms.get(ctx)
	if err != nil || got == m {
		t.Fatalf("after training get returned the old model (%v)", err)
	}
	if c := got.matcher.Match("when will my staking rewards be paid", 1); c[0].ArticleID != "staking-rewards" {
		t.Fatalf("the new article is not matched: %+v", c)
	}
}

// Questions worded differently from every example question in the demo
// knowledge base, in both languages, with the article that answers them.
var retrievalCases = []struct{ q, want string }{
	{"转账一直没到账怎么办", "pending-transfer"},
	{"助记词怎么备份", "backup-mnemonic"},
	{"怎么下载官方App", "download-official-app"},
	{"波场能量不够怎么办", "tron-energy-bandwidth"},
	{"兑换失败了", "swap-failed"},
	{"之前给DApp的授权怎么撤销", "revoke-approvals"},
	{"usdt转账手续费为什么这么高", "usdt-trc20-fee"},
	{"提币到交易所没到账", "exchange-deposit-not-credited"},
	{"钱包里的代币不显示", "token-not-showing"},
	{"在哪里可以联系到你们客服", "contact-support"},
	{"how do I back up my recovery phrase", "backup-mnemonic"},
	{"my transfer is stuck pending", "pending-transfer"},
	{"how to add a custom token", "add-custom-token"},
	{"swap failed why", "swap-failed"},
	{"how do i revoke approvals", "revoke-approvals"},
	{"I sent ETH on the wrong network", "wrong-network"},
	{"where can I download the real app", "download-official-app"},
	{"my usdt transfer failed, what happened", "failed-transfer"},
}

func TestDemoRetrievalZhAndEn(t *testing.T) {
	m := demoModel(t)
	examples := map[string]bool{}
	for _, byLocale := range m.articles {
		for _, a := range byLocale {
			examples[strings.ToLower(a.Title)] = true
			for _, q := range a.Questions {
				examples[strings.ToLower(q)] = true
			}
		}
	}
	answered := 0
	for _, c := range retrievalCases {
		if examples[strings.ToLower(c.q)] {
			t.Errorf("%q is an example question; the test must use new wording", c.q)
		}
		got := m.matcher.Match(c.q, 3)
		if got[0].ArticleID != c.want {
			t.Errorf("%q → %s (%.2f), want %s", c.q, got[0].ArticleID, got[0].Confidence, c.want)
			continue
		}
		if _, ok := m.article(c.want, DetectLocale(c.q)); !ok {
			t.Errorf("%q: no %s article in %s", c.q, c.want, DetectLocale(c.q))
		}
		if got[0].Confidence >= DefaultThresholds.Answer && m.known(c.q) >= minKnown {
			answered++
		}
	}
	// Most are answered outright at the default threshold; the rest get
	// the right article as the first suggestion.
	if answered < len(retrievalCases)*3/4 {
		t.Errorf("only %d of %d answered outright at the default threshold", answered, len(retrievalCases))
	}
}

func TestOffTopicQuestionsAreNotAnswered(t *testing.T) {
	m := demoModel(t)
	for _, q := range []string{"what is the weather today", "今天天气怎么样", "我想开一张信用卡", "how do I get a loan"} {
		if m.known(q) >= minKnown {
			t.Errorf("%q counts as familiar (%.2f)", q, m.known(q))
		}
	}
}

func TestRules(t *testing.T) {
	for _, q := range []string{"转人工", "人工客服", "人工", "agent", "human", "Agent please", "can I talk to a HUMAN?", "我要转人工！"} {
		if !wantsHuman(q) {
			t.Errorf("wantsHuman(%q) = false", q)
		}
	}
	for _, q := range []string{"how do I back up my seed phrase", "user agents and browsers", "转账失败", "humanity"} {
		if wantsHuman(q) {
			t.Errorf("wantsHuman(%q) = true", q)
		}
	}
	for _, q := range []string{"我的币被盗了", "钱包被黑了怎么办", "my wallet was drained", "I think my account is compromised", "Someone STOLE my USDT"} {
		if !isSensitive(q) {
			t.Errorf("isSensitive(%q) = false", q)
		}
	}
	for _, q := range []string{"转账一直没到账", "how do I add a token", "gas fee too high"} {
		if isSensitive(q) {
			t.Errorf("isSensitive(%q) = true", q)
		}
	}
	for _, q := range []string{"你好", "您好，在吗？", "Hi!", "hello there", " 在吗 "} {
		if !isGreeting(q) {
			t.Errorf("isGreeting(%q) = false", q)
		}
	}
	if isGreeting("你好，转账没到账") || isGreeting("hi my swap failed") {
		t.Error("a question that starts with a greeting is not only a greeting")
	}
	if DetectLocale("USDT转账") != LocaleZH || DetectLocale("my USDT") != LocaleEN {
		t.Error("DetectLocale")
	}
}
