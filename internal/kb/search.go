package kb

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/lex"
)

// Search limits.
const (
	// MaxQueryRunes is the longest query accepted, in characters.
	MaxQueryRunes = 200
	// DefaultResults and MaxResults bound how many results one search returns.
	DefaultResults = 10
	MaxResults     = 50
)

// Field weights: a word in the title says more about an article than one
// in an example question, which says more than one in the body.
const (
	weightTitle    = 3.0
	weightQuestion = 2.0
	weightBody     = 1.0
	bm25K1         = 1.2
	bm25B          = 0.75
	// minRelativeScore drops results scoring under this share of the best.
	minRelativeScore = 0.25
)

// Result is one article found by Search.
type Result struct {
	ID       string  `json:"id"`
	Locale   string  `json:"locale"`
	Title    string  `json:"title"`
	Category string  `json:"category"`
	Snippet  string  `json:"snippet"`
	Score    float64 `json:"score"`
}

// Search ranks the published articles of one locale against a query with
// BM25 over the title, the example questions and the body, with terms cut
// by package lex. It keeps one in-memory index per locale and rebuilds it
// when the articles change.
type Search struct {
	store   *Store
	locales map[string]*localeIndex
}

// localeIndex is the current index of one locale. Each locale has its own
// lock, so an English search never waits for the Chinese dictionary.
type localeIndex struct {
	mu sync.Mutex
	ix *index
}

// NewSearch returns a Search over the articles in store.
func NewSearch(store *Store) *Search {
	x := &Search{store: store, locales: map[string]*localeIndex{}}
	for _, l := range Locales {
		x.locales[l] = &localeIndex{}
	}
	return x
}

// Query runs query against the published articles of locale and returns
// at most limit results (DefaultResults when limit <= 0), best first. An
// empty or over-long query or an unknown locale is an Invalid error; a
// query made only of stop words finds nothing.
func (x *Search) Query(ctx context.Context, locale, query string, limit int) ([]Result, error) {
	query = strings.TrimSpace(query)
	switch {
	case !KnownLocale(locale):
		return nil, apperr.New(apperr.Invalid, "unknown locale %q (use one of %s)", locale, strings.Join(Locales, ", "))
	case query == "":
		return nil, apperr.New(apperr.Invalid, "the search query is empty: type a few words")
	case utf8.RuneCountInString(query) > MaxQueryRunes:
		return nil, apperr.New(apperr.Invalid, "the search query is longer than %d characters", MaxQueryRunes)
	case limit > MaxResults:
		return nil, apperr.New(apperr.Invalid, "limit %d is over the maximum of %d", limit, MaxResults)
	}
	if limit <= 0 {
		limit = DefaultResults
	}
	ix, err := x.index(ctx, locale)
	if err != nil {
		return nil, err
	}
	return ix.search(lex.Terms(query), limit), nil
}

// index returns the index of locale, rebuilding it when the articles have
// changed since it was built.
func (x *Search) index(ctx context.Context, locale string) (*index, error) {
	key, err := x.store.Version(ctx, locale)
	if err != nil {
		return nil, fmt.Errorf("check the %s search index: %w", locale, err)
	}
	li := x.locales[locale]
	li.mu.Lock()
	defer li.mu.Unlock()
	if li.ix != nil && li.ix.key == key {
		return li.ix, nil
	}
	as, err := x.store.List(ctx, locale, "", StatusPublished)
	if err != nil {
		return nil, fmt.Errorf("build the %s search index: %w", locale, err)
	}
	ix := buildIndex(as)
	ix.key = key
	li.ix = ix
	return ix, nil
}

// index is an immutable BM25F index over one locale's published articles.
type index struct {
	key    Version
	docs   []doc
	df     map[string]int
	avgLen float64
}

// The fields of an article. BM25F adds a term's counts in each field, times
// the field's weight, before saturating them, so a title match counts
// three times a body match but repeating a word does not win on its own.
const (
	fieldTitle = iota
	fieldQuestions
	fieldBody
	numFields
)

var fieldWeight = [numFields]float64{weightTitle, weightQuestion, weightBody}

type doc struct {
	article   Article
	tf        map[string]float64 // field-weighted term counts
	length    float64            // field-weighted number of terms
	sentences []sentence
}

// sentence is a piece of the body in plain text, a snippet candidate.
type sentence struct {
	text  string
	terms map[string]bool
}

func buildIndex(as []Article) *index {
	ix := &index{df: map[string]int{}}
	total := 0.0
	for _, a := range as {
		d := doc{article: a, tf: map[string]float64{}}
		add := func(f int, s string) []string {
			terms := lex.IndexTerms(s)
			for _, t := range terms {
				d.tf[t] += fieldWeight[f]
			}
			d.length += fieldWeight[f] * float64(len(terms))
			return terms
		}
		add(fieldTitle, a.Title)
		for _, q := range a.Questions {
			add(fieldQuestions, q)
		}
		for _, body := range sentences(PlainText(a.Body)) {
			terms := add(fieldBody, body)
			s := sentence{text: body, terms: map[string]bool{}}
			for _, t := range terms {
				s.terms[t] = true
			}
			d.sentences = append(d.sentences, s)
		}
		for t := range d.tf {
			ix.df[t]++
		}
		total += d.length
		ix.docs = append(ix.docs, d)
	}
	if len(ix.docs) > 0 {
		ix.avgLen = total / float64(len(ix.docs))
	}
	return ix
}

func (ix *index) idf(term string) float64 {
	n, df := float64(len(ix.docs)), float64(ix.df[term])
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}

// score is the BM25F score of d for the weighted query terms.
func (ix *index) score(d *doc, terms map[string]float64) float64 {
	score := 0.0
	norm := 1 - bm25B + bm25B*d.length/ix.avgLen
	for t, w := range terms {
		if tf := d.tf[t]; tf > 0 {
			score += w * ix.idf(t) * tf * (bm25K1 + 1) / (tf + bm25K1*norm)
		}
	}
	return score
}

func (ix *index) search(terms []string, limit int) []Result {
	unique := expand(terms)
	out := []Result{}
	for i := range ix.docs {
		d := &ix.docs[i]
		score := ix.score(d, unique)
		if score <= 0 {
			continue
		}
		a := d.article
		out = append(out, Result{ID: a.ID, Locale: a.Locale, Title: a.Title, Category: a.Category,
			Snippet: ix.snippet(d, unique), Score: math.Round(score*1000) / 1000})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].ID < out[j].ID
	})
	// A long tail of articles that share one common word with the query
	// helps nobody: keep those within reach of the best.
	for i := range out {
		if out[i].Score < minRelativeScore*out[0].Score {
			out = out[:i]
			break
		}
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}
