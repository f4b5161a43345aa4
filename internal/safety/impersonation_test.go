package safety

import (
	"encoding/csv"
	"os"
	"testing"
)

func TestMentionsImpersonation(t *testing.T) {
	yes := []string{
		"A support agent contacted me on Telegram and asked for my wallet",
		"someone from your official team messaged me on WhatsApp",
		"Your admin DM'd me on Discord saying my account is frozen",
		"有个客服在电报上私信我，让我验证钱包",
		"官方客服加我微信说要帮我解冻",
		"一个自称工作人员的人给我打电话",
		"your customer service called me yesterday",
		"Is this your support on Telegram? @wallet_help_desk",
	}
	no := []string{
		"My transfer has been pending for an hour",
		"How do I contact support?",
		"转账一直 pending，怎么办？",
		"I want to talk to an agent",
		"转人工客服",
		"Thanks, the team fixed it",
		"How do I add a custom token?",
		"Can I use the app on my phone?",
	}
	for _, s := range yes {
		if !MentionsImpersonation(s) {
			t.Errorf("missed: %q", s)
		}
	}
	for _, s := range no {
		if MentionsImpersonation(s) {
			t.Errorf("false alarm: %q", s)
		}
	}
}

// Ordinary banking questions rarely look like an impersonation report.
func TestImpersonationFalsePositivesOnBanking77(t *testing.T) {
	f, err := os.Open("../../../shared/data/banking77/train.csv")
	if err != nil {
		t.Skip("Banking77 data not found next to the checkout: ", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	hits := 0
	for _, r := range rows[1:] {
		if MentionsImpersonation(r[0]) {
			hits++
			if hits <= 10 {
				t.Logf("flagged: %q", r[0])
			}
		}
	}
	rate := float64(hits) / float64(len(rows)-1)
	t.Logf("impersonation warnings on Banking77 train: %d of %d (%.3f%%)", hits, len(rows)-1, rate*100)
	if rate > 0.005 {
		t.Fatalf("false-positive rate %.3f%% is over 0.5%%", rate*100)
	}
}
