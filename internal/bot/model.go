package bot

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/huiying/huiying/internal/kb"
	"github.com/huiying/huiying/internal/matcher"
)

// model is the matcher trained on the published articles, with the
// articles by id and locale, for one version of the knowledge base.
type model struct {
	version  kb.Version
	matcher  Matcher
	articles map[string]map[string]kb.Article // id → locale → article
	// df counts, for every term of the example questions and titles, the
	// examples it appears in (n of them), to tell questions about something
	// the knowledge base never mentions.
	df map[string]int
	n  int
	// matches remembers the rankings of recent questions.
	matches *matchCache
}

// match ranks the articles for q, best first, at most k of them.
func (m *model) match(q string, k int) []matcher.Candidate {
	if m.matcher == nil {
		return nil
	}
	if c, ok := m.matches.get(q, k); ok {
		return c
	}
	c := m.matcher.Match(q, k)
	m.matches.put(q, k, c)
	return c
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
// the current one. Once there is a model, a change is learnt in the
// background while questions are answered with the previous model, so a
// large knowledge base (tens of seconds of training) never stalls the bot.
type models struct {
	kb *kb.Store
	// matcher is the matcher's settings (the zero value: the defaults).
	matcher matcher.Options
	// trained is told how long each training took (for the log); failed
	// of a background training that failed.
	trained func(version kb.Version, articles, examples int, took time.Duration)
	failed  func(err error)
	// spawn runs a background training on a goroutine the Service owns
	// (and joins at Close); false when the Service is closing.
	spawn func(f func(ctx context.Context)) bool

	train    sync.Mutex // one training at a time
	mu       sync.Mutex // guards cur and busy
	cur      *model
	busy     bool // a background training is running
	finished chan struct{}
}

// get returns the model for the current knowledge base: trained now when
// there is none yet, else the current one while a newer one trains.
func (ms *models) get(ctx context.Context) (*model, error) {
	v, err := ms.kb.Version(ctx, "")
	if err != nil {
		return nil, err
	}
	ms.mu.Lock()
	cur := ms.cur
	if cur != nil && cur.version != v && !ms.busy {
		ms.busy = true
		ms.finished = make(chan struct{})
		if ms.spawn == nil || !ms.spawn(ms.background) {
			ms.busy = false
			close(ms.finished)
		}
	}
	ms.mu.Unlock()
	if cur != nil {
		return cur, nil
	}
	return ms.build(ctx)
}

// background trains a model for the knowledge base as it is now.
func (ms *models) background(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	_, err := ms.build(ctx)
	if err != nil && ms.failed != nil && ctx.Err() == nil {
		ms.failed(err)
	}
	ms.mu.Lock()
	ms.busy = false
	close(ms.finished)
	ms.mu.Unlock()
}

// wait blocks until a background training, if any, has finished (tests).
func (ms *models) wait() {
	ms.mu.Lock()
	ch := ms.finished
	ms.mu.Unlock()
	if ch != nil {
		<-ch
	}
}

// build trains a model on the published articles and makes it current.
func (ms *models) build(ctx context.Context) (*model, error) {
	ms.train.Lock()
	defer ms.train.Unlock()
	v, err := ms.kb.Version(ctx, "")
	if err != nil {
		return nil, err
	}
	ms.mu.Lock()
	cur := ms.cur
	ms.mu.Unlock()
	if cur != nil && cur.version == v {
		return cur, nil
	}
	as, err := ms.kb.List(ctx, "", "", kb.StatusPublished)
	if err != nil {
		return nil, fmt.Errorf("load articles for the bot: %w", err)
	}
	m := &model{version: v, articles: map[string]map[string]kb.Article{}, df: map[string]int{}, matches: newMatchCache(matchCacheSize)}
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
	train := make([]matcher.Article, 0, len(order))
	for _, id := range order {
		train = append(train, matcher.Article{ID: id, Examples: examples[id]})
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
		m.matcher = matcher.Train(train, ms.matcher)
	}
	if ms.trained != nil {
		ms.trained(v, len(train), n, time.Since(start))
	}
	ms.mu.Lock()
	ms.cur = m
	ms.mu.Unlock()
	return m, nil
}
