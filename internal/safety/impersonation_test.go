package safety

import (
	"encoding/csv"
	"flag"
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

// full runs the data evaluations on the whole shared data set
// (go test ./internal/safety -run Banking77 -args -full) instead of the
// sample in testdata.
var full = flag.Bool("full", false, "evaluate on ../shared/data instead of the testdata sample")

// Ordinary banking questions rarely look like an impersonation report. By
// default the test reads testdata/banking77_sample.csv (every row of the
// data with a digit or a 15-character token, and every 50th row); -full
// reads the whole file.
func TestImpersonationFalsePositivesOnBanking77(t *testing.T) {
	path := "testdata/banking77_sample.csv"
	if *full {
		path = "../../../shared/data/banking77/train.csv"
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 400 {
		t.Fatalf("%s: %d rows, want at least the 400 of the sample", path, len(rows))
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
	t.Logf("impersonation warnings on %s: %d of %d (%.3f%%)", path, hits, len(rows)-1, rate*100)
	if rate > 0.005 {
		t.Fatalf("false-positive rate %.3f%% is over 0.5%%", rate*100)
	}
}
