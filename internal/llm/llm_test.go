package llm_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/guard"
	"github.com/huiying/huiying/internal/llm"
	"github.com/huiying/huiying/internal/llm/llmtest"
)

var sourcesEN = []llm.Source{
	{ID: "backup", Title: "Back up your wallet", Body: "Open Settings > Security > Back up. Write the words on paper.", URL: "https://help.example.com/backup"},
	{ID: "fees", Title: "Network fees", Body: "The fee is shown before you confirm a transfer."},
	{ID: "scam", Title: "Fake support", Body: "Support never asks for your recovery phrase."},
}

var sourcesZH = []llm.Source{
	{ID: "backup", Title: "备份钱包", Body: "打开 设置 > 安全 > 备份，把助记词抄在纸上。"},
	{ID: "fees", Title: "网络手续费", Body: "确认转账前会显示手续费。"},
}

func reply(content string) func(llmtest.Call) llmtest.Reply {
	return func(llmtest.Call) llmtest.Reply { return llmtest.Reply{Content: content} }
}

func TestAnswerEnglish(t *testing.T) {
	srv := llmtest.New(t, reply("Go to Settings > Security > Back up [1]. Support never asks for your phrase [3][1]."))
	c := llm.New(llm.Config{URL: srv.URL, Model: "gpt-4o-mini", APIKey: "sk-test-123"})
	a, err := c.Answer(context.Background(), llm.Request{Question: "How do I back up my wallet?", Locale: "en", Sources: sourcesEN})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(a.Text, "Go to Settings") || fmt.Sprint(a.Cited) != "[backup scam]" {
		t.Fatalf("answer %+v", a)
	}
	calls := srv.Calls()
	if len(calls) != 1 {
		t.Fatalf("%d requests, want 1", len(calls))
	}
	req := calls[0].Request
	if got := calls[0].Header.Get("Authorization"); got != "Bearer sk-test-123" {
		t.Errorf("Authorization %q", got)
	}
	if req.Model != "gpt-4o-mini" || req.Temperature == nil || *req.Temperature != 0.2 || req.MaxTokens == nil || *req.MaxTokens != 600 {
		t.Errorf("request %+v", req)
	}
	if len(req.Messages) != 2 || req.Messages[0].Role != "system" || req.Messages[1].Role != "user" {
		t.Fatalf("messages %+v", req.Messages)
	}
	sys, user := req.Messages[0].Content, req.Messages[1].Content
	for _, want := range []string{"ONLY", "[1]", "Reply in English", "say so", "mnemonic", "private key", "keystore password", "short"} {
		if !strings.Contains(sys, want) {
			t.Errorf("system prompt lacks %q:\n%s", want, sys)
		}
	}
	for _, want := range []string{
		"[1] Back up your wallet\nOpen Settings > Security > Back up.",
		"[2] Network fees\nThe fee is shown",
		"[3] Fake support\n",
	} {
		if !strings.Contains(user, want) {
			t.Errorf("user message lacks %q:\n%s", want, user)
		}
	}
	if !strings.HasSuffix(user, "Question: How do I back up my wallet?") {
		t.Errorf("user message does not end with the question:\n%s", user)
	}
}

func TestAnswerChinese(t *testing.T) {
	srv := llmtest.New(t, reply("在 设置 > 安全 中备份【1】；手续费会在确认前显示［2］。"))
	c := llm.New(llm.Config{URL: srv.URL, Model: "qwen2.5"})
	a, err := c.Answer(context.Background(), llm.Request{Question: "怎么备份钱包？", Locale: "zh-CN", Sources: sourcesZH})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(a.Cited) != "[backup fees]" || !strings.Contains(a.Text, "备份") {
		t.Fatalf("answer %+v", a)
	}
	call := srv.Calls()[0]
	if h := call.Header.Get("Authorization"); h != "" {
		t.Errorf("Authorization %q sent without an API key", h)
	}
	sys, user := call.Request.Messages[0].Content, call.Request.Messages[1].Content
	for _, want := range []string{"只能根据", "[1]", "简体中文", "助记词", "私钥", "keystore 密码", "简短"} {
		if !strings.Contains(sys, want) {
			t.Errorf("system prompt lacks %q:\n%s", want, sys)
		}
	}
	if !strings.Contains(user, "[1] 备份钱包\n打开") || !strings.HasSuffix(user, "问题：怎么备份钱包？") {
		t.Errorf("user message:\n%s", user)
	}
}

func TestBaseURLVariants(t *testing.T) {
	srv := llmtest.New(t, reply("Yes [1]."))
	for i, base := range []string{srv.URL, srv.URL + "/", srv.URL + "/v1", srv.URL + "/v1/"} {
		c := llm.New(llm.Config{URL: base, Model: "m"})
		if _, err := c.Answer(context.Background(), llm.Request{Question: "q", Locale: "en", Sources: sourcesEN}); err != nil {
			t.Errorf("%s: %v", base, err)
		}
		if n := len(srv.Calls()); n != i+1 {
			t.Errorf("%s: server saw %d requests, want %d", base, n, i+1)
		}
	}
	if got := llm.Endpoint("https://api.example.com/v1/"); got != "https://api.example.com/v1/chat/completions" {
		t.Errorf("Endpoint = %q", got)
	}
}

func TestServerErrors(t *testing.T) {
	cases := []struct {
		status int
		msg    string
	}{
		{500, "The server had an error while processing your request."},
		{401, "Incorrect API key provided."},
		{429, "Rate limit reached for requests"},
	}
	for _, tc := range cases {
		srv := llmtest.New(t, func(llmtest.Call) llmtest.Reply { return llmtest.Reply{Status: tc.status, Content: tc.msg} })
		c := llm.New(llm.Config{URL: srv.URL, Model: "m", APIKey: "sk-secret-key"})
		_, err := c.Answer(context.Background(), llm.Request{Question: "q", Locale: "en", Sources: sourcesEN})
		var se *llm.StatusError
		if !errors.As(err, &se) || se.Status != tc.status || se.Message != tc.msg {
			t.Fatalf("HTTP %d: err %v", tc.status, err)
		}
		if s := err.Error(); !strings.Contains(s, fmt.Sprintf("HTTP %d", tc.status)) || !strings.Contains(s, tc.msg) || strings.Contains(s, "sk-secret-key") {
			t.Errorf("HTTP %d: error text %q", tc.status, s)
		}
	}
}

func TestNonJSONErrorBody(t *testing.T) {
	srv := llmtest.New(t, func(llmtest.Call) llmtest.Reply {
		return llmtest.Reply{Status: 502, Raw: []byte("<html>Bad gateway</html>")}
	})
	_, err := llm.New(llm.Config{URL: srv.URL, Model: "m"}).Answer(context.Background(), llm.Request{Question: "q", Sources: sourcesEN})
	if err == nil || !strings.Contains(err.Error(), "HTTP 502: <html>Bad gateway</html>") {
		t.Fatalf("err %v", err)
	}
}

func TestTimeout(t *testing.T) {
	srv := llmtest.New(t, func(llmtest.Call) llmtest.Reply { return llmtest.Reply{Content: "late [1]", Delay: 10 * time.Second} })
	c := llm.New(llm.Config{URL: srv.URL, Model: "m", Timeout: 150 * time.Millisecond})
	start := time.Now()
	_, err := c.Answer(context.Background(), llm.Request{Question: "q", Sources: sourcesEN})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "within 150ms") {
		t.Fatalf("err %v, want a timeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("gave up after %s", d)
	}

	// The caller's own cancellation is reported as such.
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	if _, err := llm.New(llm.Config{URL: srv.URL, Model: "m"}).Answer(ctx, llm.Request{Question: "q", Sources: sourcesEN}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err %v", err)
	}
}

func TestBadReplies(t *testing.T) {
	cases := []struct {
		name  string
		reply llmtest.Reply
		want  error
	}{
		{"truncated JSON", llmtest.Reply{Raw: []byte(`{"id":"x","choices":[`)}, llm.ErrMalformed},
		{"HTML", llmtest.Reply{Raw: []byte(`<html>ok</html>`)}, llm.ErrMalformed},
		{"no choices", llmtest.Reply{Raw: []byte(`{"id":"x","object":"chat.completion","choices":[]}`)}, llm.ErrEmpty},
		{"null content", llmtest.Reply{Raw: []byte(`{"choices":[{"index":0,"message":{"role":"assistant","content":null},"finish_reason":"length"}]}`)}, llm.ErrEmpty},
		{"blank content", llmtest.Reply{Content: "  \n"}, llm.ErrEmpty},
		{"no citation", llmtest.Reply{Content: "Just back it up somewhere safe."}, llm.ErrNoCitation},
		{"citation out of range", llmtest.Reply{Content: "See [7] and [0]."}, llm.ErrNoCitation},
		{"huge body", llmtest.Reply{Content: strings.Repeat("a", llm.MaxResponseBytes) + " [1]"}, llm.ErrTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := llmtest.New(t, func(llmtest.Call) llmtest.Reply { return tc.reply })
			a, err := llm.New(llm.Config{URL: srv.URL, Model: "m"}).Answer(context.Background(), llm.Request{Question: "q", Sources: sourcesEN})
			if !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			if a.Text != "" || a.Cited != nil {
				t.Errorf("answer %+v returned with an error", a)
			}
		})
	}
}

func TestCitationForms(t *testing.T) {
	srv := llmtest.New(t, reply("a [2, 1] b [2] c 【3】 d [3，1] e [12]"))
	a, err := llm.New(llm.Config{URL: srv.URL, Model: "m"}).Answer(context.Background(), llm.Request{Question: "q", Sources: sourcesEN})
	if err != nil || fmt.Sprint(a.Cited) != "[fees backup scam]" {
		t.Fatalf("cited %v, err %v", a.Cited, err)
	}
}

// A secret pasted into the question never leaves the server.
func TestSecretsAreNotSent(t *testing.T) {
	srv := llmtest.New(t, reply("Never share it [3]."))
	mnemonic := "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
	_, err := llm.New(llm.Config{URL: srv.URL, Model: "m"}).Answer(context.Background(),
		llm.Request{Question: "is my wallet ok? " + mnemonic, Locale: "en", Sources: sourcesEN})
	if err != nil {
		t.Fatal(err)
	}
	user := srv.Calls()[0].Request.Messages[1].Content
	if strings.Contains(user, "abandon abandon") || !strings.Contains(user, guard.MarkerMnemonic) {
		t.Fatalf("user message:\n%s", user)
	}
}

func TestLongSourceIsShortened(t *testing.T) {
	srv := llmtest.New(t, reply("ok [1]"))
	long := []llm.Source{{ID: "long", Title: "Long", Body: strings.Repeat("字", 20000)}}
	if _, err := llm.New(llm.Config{URL: srv.URL, Model: "m"}).Answer(context.Background(), llm.Request{Question: "q", Sources: long}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(srv.Calls()[0].Request.Messages[1].Content, "字"); n != 4000 {
		t.Errorf("source sent with %d characters, want 4000", n)
	}
}

func TestNothingToAsk(t *testing.T) {
	srv := llmtest.New(t, reply("x [1]"))
	c := llm.New(llm.Config{URL: srv.URL, Model: "m"})
	if _, err := c.Answer(context.Background(), llm.Request{Question: " ", Sources: sourcesEN}); !errors.Is(err, llm.ErrNoQuestion) {
		t.Errorf("empty question: %v", err)
	}
	if _, err := c.Answer(context.Background(), llm.Request{Question: "q"}); !errors.Is(err, llm.ErrNoSources) {
		t.Errorf("no sources: %v", err)
	}
	if n := len(srv.Calls()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestConfigLogsNoKey(t *testing.T) {
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("llm", "config", llm.Config{URL: "http://x", Model: "m", APIKey: "sk-secret-key"})
	if strings.Contains(b.String(), "sk-secret-key") || !strings.Contains(b.String(), "api_key_set=true") {
		t.Fatalf("log line %q", b.String())
	}
}
