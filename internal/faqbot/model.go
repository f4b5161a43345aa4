package faqbot

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/huiying/huiying/internal/bot"
	"github.com/huiying/huiying/internal/kb"
)

// model is the matcher trained on the published articles, with the
// articles by id and locale, for one version of the knowledge base.
type model struct {
	version  string
	matcher  *bot.Matcher
	articles map[string]map[string]kb.Article // id → locale → article
	// df counts, for every term of the example questions and titles, the
	// examples it appears in (n of them), to tell questions about something
	// the knowledge base never mentions.
	df map[string]int
	n  int
}

// idf is the weight of a term: rarer in the examples weighs more, unseen
// weighs most.
func (m *model) idf(t string) float64 {
	return 1 + math.Log(float64(m.n+1)/float64(m.df[t]+1))
}

// weighted is the question's term vector weighted by idf, L2-normalised:
// "怎么" or "how" count for little when grouping questions.
func (m *model) weighted(q string) map[string]float64 {
	v := termVector(q, true)
	for t, x := range v {
		v[t] = x * m.idf(t)
	}
	norm(v)
	return v
}

// known is the share of the question's terms (English words, Chinese
// character pairs) that appear in the examples, each term weighted by its
// rarity there (unseen terms weigh most), so "how do I get a loan" is not
// familiar just because "get" is.
func (m *model) known(q string) float64 {
	v := termVector(q, false)
	var seen, all float64
	for t := range v {
		w := m.idf(t)
		all += w
		if m.df[t] > 0 {
			seen += w
		}
	}
	if all == 0 {
		return 0
	}
	return seen / all
}

// article returns the article in the locale, or in another locale when it
// has no translation.
func (m *model) article(id, locale string) (kb.Article, bool) {
	byLocale := m.articles[id]
	if a, ok := byLocale[locale]; ok {
		return a, true
	}
	for _, l := range []string{LocaleEN, LocaleZH} {
		if a, ok := byLocale[l]; ok {
			return a, true
		}
	}
	return kb.Article{}, false
}

// models trains a matcher when the knowledge base changes and hands out
// the current one.
type models struct {
	kb  *kb.Store
	mu  sync.Mutex // one training at a time
	cur *model
	// trained is told how long each training took (for the log).
	trained func(version string, articles, examples int, took time.Duration)
}

// get returns the model for the current knowledge base, training a new one
// when articles changed since the last.
func (ms *models) get(ctx context.Context) (*model, error) {
	v, err := ms.kb.Version(ctx)
	if err != nil {
		return nil, err
	}
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if ms.cur != nil && ms.cur.version == v {
		return ms.cur, nil
	}
	as, err := ms.kb.List(ctx, "", "", kb.StatusPublished)
	if err != nil {
		return nil, fmt.Errorf("load articles for the bot: %w", err)
	}
	m := &model{version: v, articles: map[string]map[string]kb.Article{}, df: map[string]int{}}
	examples := map[string][]string{}
	var order []string
	for _, a := range as {
		if m.articles[a.ID] == nil {
			m.articles[a.ID] = map[string]kb.Article{}
			order = append(order, a.ID)
		}
		m.articles[a.ID][a.Locale] = a
		examples[a.ID] = append(examples[a.ID], a.Title)
		examples[a.ID] = append(examples[a.ID], a.Questions...)
	}
	n := 0
	train := make([]bot.Article, 0, len(order))
	for _, id := range order {
		train = append(train, bot.Article{ID: id, Examples: examples[id]})
		n += len(examples[id])
		for _, e := range examples[id] {
			for t := range termVector(e, true) {
				m.df[t]++
			}
			m.n++
		}
	}
	start := time.Now()
	if len(train) > 0 {
		m.matcher = bot.Train(train)
	}
	if ms.trained != nil {
		ms.trained(v, len(train), n, time.Since(start))
	}
	ms.cur = m
	return m, nil
}
