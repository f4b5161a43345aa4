package bot

import (
	"context"

	"github.com/huiying/huiying/internal/kb"
	"github.com/huiying/huiying/internal/llm"
)

// LLM phrases answers with an OpenAI-compatible chat model (--llm-url). It
// sends the question and the top articles only, never the conversation or
// the contact.
type LLM struct{ Client *llm.Client }

// Phrase implements Phraser.
func (l LLM) Phrase(ctx context.Context, question, locale string, articles []kb.Article, urls []string) (string, []string, error) {
	src := make([]llm.Source, len(articles))
	for i, a := range articles {
		src[i] = llm.Source{ID: a.ID, Title: a.Title, Body: a.Body, URL: urls[i]}
	}
	ans, err := l.Client.Answer(ctx, llm.Request{Question: question, Locale: locale, Sources: src})
	if err != nil {
		return "", nil, err
	}
	return ans.Text, ans.Cited, nil
}
