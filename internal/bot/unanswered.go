package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/huiying/huiying/internal/lex"
)

// Group is a set of similar questions the bot could not answer.
type Group struct {
	ID     string `json:"id"`
	Label  string `json:"label"` // the most typical question
	Count  int    `json:"count"`
	Locale string `json:"locale"`
	// Kind is GroupNoArticle or GroupNotHelpful; the two are never mixed.
	Kind string `json:"kind"`
	// Articles are, for GroupNotHelpful, the articles the bot answered
	// with and the visitor marked not solved (most often first).
	Articles  []ArticleRef `json:"articles,omitempty"`
	Questions []string     `json:"questions"` // distinct, newest first, at most 10
	LastSeen  time.Time    `json:"last_seen"`
}

// Kinds of unanswered groups: no article was close enough (write one), or
// the bot answered with an article the visitor marked not solved (improve
// it, or the matching).
const (
	GroupNoArticle  = "no_article"
	GroupNotHelpful = "not_helpful"
)

// maxUnanswered bounds how many recent questions are grouped.
const maxUnanswered = 5000

// groupSimilarity is the cosine similarity a question needs to join a group.
const groupSimilarity = 0.35

// Unanswered groups the questions of the last days the bot could not
// answer: no answer, only suggestions, or a hand-off after unhelpful answers
// (GroupNoArticle), and answers marked not solved (GroupNotHelpful, with the
// articles). Biggest groups first.
func (s *Service) Unanswered(ctx context.Context, days int) ([]Group, error) {
	ds, err := s.decisions.unanswered(ctx, s.convs.Now().Add(-time.Duration(days)*24*time.Hour), maxUnanswered)
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		// Nothing to group: do not wait for a model being trained.
		return []Group{}, nil
	}
	mdl, err := s.models.get(ctx)
	if err != nil {
		return nil, err
	}
	type cluster struct {
		g       Group
		sum     map[string]float64 // sum of the members' vectors
		members []map[string]float64
		texts   []string
		seen    map[string]bool
		arts    map[string]int // for GroupNotHelpful: times each article did not help
	}
	var cs []*cluster
	for _, d := range ds {
		v := mdl.weighted(d.Question)
		if len(v) == 0 {
			continue
		}
		kind := GroupNoArticle
		if d.Feedback == FeedbackNotSolved && d.ArticleID != "" {
			kind = GroupNotHelpful
		}
		var best *cluster
		bestSim := groupSimilarity
		for _, c := range cs {
			if c.g.Locale != d.Locale || c.g.Kind != kind {
				continue
			}
			if sim := cosine(v, c.sum) / vecNorm(c.sum); sim >= bestSim {
				best, bestSim = c, sim
			}
		}
		if best == nil {
			best = &cluster{g: Group{Locale: d.Locale, Kind: kind, LastSeen: d.CreatedAt}, sum: map[string]float64{},
				seen: map[string]bool{}, arts: map[string]int{}}
			cs = append(cs, best)
		}
		best.g.Count++
		if kind == GroupNotHelpful {
			best.arts[d.ArticleID]++
		}
		best.members = append(best.members, v)
		best.texts = append(best.texts, d.Question)
		for k, x := range v {
			best.sum[k] += x
		}
		if key := strings.ToLower(d.Question); !best.seen[key] && len(best.g.Questions) < 10 {
			best.seen[key] = true
			best.g.Questions = append(best.g.Questions, d.Question)
		}
	}
	out := make([]Group, 0, len(cs))
	for _, c := range cs {
		c.g.Label = c.texts[centreMember(c.members, c.texts, c.sum)]
		c.g.Articles = s.notHelpful(mdl, c.arts, c.g.Locale)
		key := c.g.Locale + "\x00" + strings.ToLower(c.g.Label)
		if c.g.Kind == GroupNotHelpful {
			key += "\x00" + c.g.Kind
		}
		sum := sha256.Sum256([]byte(key))
		c.g.ID = "g_" + hex.EncodeToString(sum[:6])
		out = append(out, c.g)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].LastSeen.After(out[j].LastSeen)
	})
	return out, nil
}

// centreMember is the index of the member closest to the group's centre
// (sum). Members as close as each other (two questions are always equally
// close to their sum) are told apart by the shorter text, then the first in
// byte order: cosine adds in map order, so an exact tie comes out either
// way by a rounding error, and the label must not change between two reads.
func centreMember(members []map[string]float64, texts []string, sum map[string]float64) int {
	const tie = 1e-9
	bi, bs := 0, math.Inf(-1)
	for i, m := range members {
		sim := cosine(m, sum)
		switch {
		case sim > bs+tie:
		case sim < bs-tie:
			continue
		case len(texts[i]) < len(texts[bi]) || (len(texts[i]) == len(texts[bi]) && texts[i] < texts[bi]):
		default:
			continue
		}
		bi, bs = i, max(sim, bs)
	}
	return bi
}

// notHelpful lists the articles that did not help, most often first.
func (s *Service) notHelpful(mdl *model, arts map[string]int, locale string) []ArticleRef {
	ids := make([]string, 0, len(arts))
	for id := range arts {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if arts[ids[i]] != arts[ids[j]] {
			return arts[ids[i]] > arts[ids[j]]
		}
		return ids[i] < ids[j]
	})
	var out []ArticleRef
	for _, id := range ids {
		if a, ok := mdl.article(id, locale); ok {
			out = append(out, ref(s.opts.BaseURL, a))
		} else {
			out = append(out, ArticleRef{ID: id, Locale: locale}) // since unpublished or deleted
		}
	}
	return out
}

// termVector is an L2-normalised bag of the question's terms as the
// knowledge-base search cuts them (lex.Terms: stemmed English words and
// Chinese words, stop words dropped), with the characters of Chinese words
// too with chars, which grouping uses: "开通信用卡" and "申请信用卡" share
// more.
func termVector(q string, chars bool) map[string]float64 {
	terms := lex.Terms(q)
	if chars {
		terms = lex.IndexTerms(q)
	}
	v := make(map[string]float64, len(terms))
	for _, t := range terms {
		v[t]++
	}
	norm(v)
	return v
}

func vecNorm(v map[string]float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

func norm(v map[string]float64) {
	s := vecNorm(v)
	if s == 0 {
		return
	}
	for k, x := range v {
		v[k] = x / s
	}
}

func cosine(a, b map[string]float64) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	var s float64
	for k, x := range a {
		s += x * b[k]
	}
	return s
}
