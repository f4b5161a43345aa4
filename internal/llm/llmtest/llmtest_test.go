package llmtest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// The server refuses what a strict OpenAI-compatible server refuses, with an
// OpenAI-style error body, and records only valid requests.
func TestStrictDecoding(t *testing.T) {
	srv := New(t, func(Call) Reply { return Reply{Content: "hi"} })
	cases := map[string]string{
		`{"model":"m","messages":[{"role":"user","content":"q"}],"temprature":0.2}`: "unknown field",
		`{"messages":[{"role":"user","content":"q"}]}`:                              "model",
		`{"model":"m","messages":[]}`:                                               "at least one message",
		`{"model":"m","messages":[{"role":"bot","content":"q"}]}`:                   "not a valid role",
		`{"model":"m","messages":[{"role":"user","content":"q"}],"stream":true}`:    "streaming",
	}
	for body, want := range cases {
		resp, err := http.Post(srv.URL+"/v1/chat/completions", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var e struct {
			Error struct{ Message, Type string } `json:"error"`
		}
		err = json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 400 || !strings.Contains(e.Error.Message, want) || e.Error.Type != "invalid_request_error" {
			t.Errorf("%s: HTTP %d %+v %v, want 400 naming %q", body, resp.StatusCode, e, err, want)
		}
	}
	if n := len(srv.Calls()); n != 0 {
		t.Errorf("%d invalid requests recorded", n)
	}

	resp, err := http.Post(srv.URL+"/v1/chat/completions", "application/json",
		strings.NewReader(`{"model":"m","messages":[{"role":"user","content":"q"}],"max_tokens":5}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var c struct {
		Object  string `json:"object"`
		Model   string `json:"model"`
		Choices []struct {
			Index        int
			Message      Message
			FinishReason string `json:"finish_reason"`
		}
		Usage struct {
			TotalTokens int `json:"total_tokens"`
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil {
		t.Fatal(err)
	}
	if c.Object != "chat.completion" || c.Model != "m" || len(c.Choices) != 1 || c.Choices[0].Message.Role != "assistant" ||
		c.Choices[0].Message.Content != "hi" || c.Choices[0].FinishReason != "stop" || c.Usage.TotalTokens == 0 {
		t.Fatalf("completion %+v", c)
	}
	if n := len(srv.Calls()); n != 1 {
		t.Errorf("%d requests recorded, want 1", n)
	}
}
