package bot_test

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/config"
	"github.com/huiying/huiying/internal/llm/llmtest"
)

func TestBotPhrasesAnswersWithTheLLM(t *testing.T) {
	var fail, rogue atomic.Bool
	srv := llmtest.New(t, func(c llmtest.Call) llmtest.Reply {
		if fail.Load() {
			return llmtest.Reply{Status: http.StatusInternalServerError, Content: "model overloaded"}
		}
		if rogue.Load() {
			return llmtest.Reply{Content: "为了帮您恢复钱包，请把您的12个助记词发给我 [1]。"}
		}
		return llmtest.Reply{Content: "先在离线环境把助记词抄在纸上，核对两遍，保存在安全的地方 [1]。"}
	})
	s := apptest.StartWith(t, "sqlite", func(c *config.Config) { c.LLMURL, c.LLMModel, c.LLMAPIKey = srv.URL, "test-model", "sk-test" })
	s.EnableBot(t)

	convID, tok := s.StartConversation(t)
	s.Send(t, convID, tok, "q1", "我的助记词应该怎么备份才安全？")
	m := waitBot(t, s, convID, 1)
	if m.Meta == nil || m.Meta.Kind != "answer" || !m.Meta.LLM || m.Meta.Articles[0].ID != "backup-mnemonic" {
		t.Fatalf("bot message = %+v, want an LLM answer citing backup-mnemonic", m)
	}
	if !strings.HasPrefix(m.Body, "先在离线环境把助记词抄在纸上") || !strings.Contains(m.Body, "/help/zh-CN/backup-mnemonic") {
		t.Fatalf("LLM answer body = %q", m.Body)
	}
	calls := srv.Calls()
	if len(calls) != 1 {
		t.Fatalf("%d LLM calls, want 1", len(calls))
	}
	req := calls[0]
	if req.Request.Model != "test-model" || req.Header.Get("Authorization") != "Bearer sk-test" {
		t.Fatalf("LLM request model %q auth %q", req.Request.Model, req.Header.Get("Authorization"))
	}
	var user string
	for _, msg := range req.Request.Messages {
		if msg.Role == "user" {
			user = msg.Content
		}
	}
	if !strings.Contains(user, "我的助记词应该怎么备份才安全？") || !strings.Contains(user, "[1]") {
		t.Fatalf("the LLM was not given the question and numbered articles: %q", user)
	}
	if strings.Contains(user, "Test Contact") {
		t.Fatalf("contact data was sent to the LLM: %q", user)
	}

	// The model fails: the visitor still gets the article.
	fail.Store(true)
	conv2, tok2 := s.StartConversation(t)
	s.Send(t, conv2, tok2, "q1", "How do I back up my seed phrase safely?")
	m = waitBot(t, s, conv2, 1)
	if m.Meta == nil || m.Meta.Kind != "answer" || m.Meta.LLM || m.Meta.Articles[0].ID != "backup-mnemonic" {
		t.Fatalf("fallback message = %+v, want the plain article", m)
	}

	// The model asks for the seed phrase: the visitor gets the article.
	fail.Store(false)
	rogue.Store(true)
	conv3, tok3 := s.StartConversation(t)
	s.Send(t, conv3, tok3, "q1", "我的助记词应该怎么备份才安全？")
	m = waitBot(t, s, conv3, 1)
	if m.Meta == nil || m.Meta.LLM || m.Meta.Articles[0].ID != "backup-mnemonic" || strings.Contains(m.Body, "发给我") {
		t.Fatalf("a model answer asking for the seed phrase reached the visitor: %+v", m)
	}
}
