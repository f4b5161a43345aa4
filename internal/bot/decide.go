package bot

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/kb"
	"github.com/huiying/huiying/internal/matcher"
	"github.com/huiying/huiying/internal/safety"
	"github.com/huiying/huiying/internal/store"
)

// maxCandidates is how many articles a decision keeps and may suggest.
const maxCandidates = 3

// minKnown is the share of a question's terms that must appear in the
// knowledge base's examples for the bot to answer it outright.
const minKnown = 0.5

// plan is what the bot will do about one message, worked out before the
// write transaction (so a slow LLM never holds the writer).
type plan struct {
	d      Decision
	body   string
	meta   Meta
	reason string      // hand-off reason, when handing off
	urgent *ArticleRef // the article sent with a sensitive hand-off
}

// decideAll works out what the bot does about a conversation's new contact
// messages (in order) in an inbox with the bot on, with the model of the
// current batch, and records the decisions in one transaction (record).
// The conversation is read once: each decision is checked against the
// state its predecessors left when it is written (commitTx), so a second
// unhelpful answer still hands off and nothing follows a hand-off.
func (s *Service) decideAll(ctx context.Context, msgs []conversation.MessageEvent, mdl *model) error {
	if len(msgs) == 0 {
		return nil
	}
	c, err := s.convs.Conversation(ctx, msgs[0].Message.ConversationID)
	if apperr.Is(err, apperr.NotFound) {
		return nil // deleted since (privacy request)
	}
	if err != nil {
		return err
	}
	human, err := s.humanHas(ctx, c)
	if err != nil {
		return err
	}
	plans := make([]plan, 0, len(msgs))
	for _, me := range msgs {
		p, ok, err := s.decide(ctx, c, human, me.Message, mdl)
		if err != nil {
			return err
		}
		if ok {
			plans = append(plans, p)
		}
	}
	return s.record(ctx, plans)
}

// decide works out what the bot does about one contact message m of
// conversation c (as read before the batch; human: a person has it). It
// reports false when there is nothing to record (an empty message).
func (s *Service) decide(ctx context.Context, c conversation.Conversation, human bool, m conversation.Message, mdl *model) (plan, bool, error) {
	q := strings.TrimSpace(m.Body)
	if q == "" {
		return plan{}, false, nil
	}
	locale := DetectLocale(q)
	p := plan{d: Decision{ConversationID: c.ID, InboxID: c.InboxID, MessageSeq: m.Seq, Question: q, Locale: locale,
		Candidates: []Candidate{}, CreatedAt: s.convs.Now().UTC()}}
	if human {
		p.d.Outcome = OutcomeQuiet
		return p, true, nil
	}
	cands, err := s.match(ctx, mdl, q)
	if err != nil {
		return plan{}, false, err
	}
	var top kb.Article
	for _, cand := range cands {
		p.d.Candidates = append(p.d.Candidates, Candidate{ArticleID: cand.ArticleID, Confidence: cand.Confidence})
	}
	if len(p.d.Candidates) > 0 {
		p.d.Confidence = p.d.Candidates[0].Confidence
		top, _ = mdl.article(p.d.Candidates[0].ArticleID, locale)
	}
	th := s.opts.Thresholds
	// A question mostly about words the knowledge base never uses is not
	// answered outright, however the model scores it.
	known := mdl.known(q)
	familiar := known >= minKnown
	// A stolen-funds article escalates too when the bot would answer with
	// it; below that it is only suggested: an off-topic question ("can I
	// get a loan from you") may still score one highest, at 0.14.
	sensitive := isSensitive(q) || (top.Category == stolenFunds && p.d.Confidence >= th.Answer && familiar) ||
		c.Attributes[conversation.SecretAttribute] != ""
	switch {
	case !wantsHuman(q) && !sensitive && !s.mayAnswer(c.ID):
		p.d.Outcome = OutcomeRateLimited
	case isGreeting(q):
		p.d.Outcome = OutcomeGreeted
		p.meta = Meta{Kind: "greeting"}
		p.body = greetingBody(locale)
	case wantsHuman(q):
		p.reason = ReasonRequest
	case sensitive:
		p.reason = ReasonSensitive
		p.urgent = s.firstSteps(mdl, p.d.Candidates, locale)
	case p.d.Confidence >= th.Answer && familiar:
		s.planAnswer(ctx, &p, mdl, top)
	case p.d.Confidence >= th.Suggest && known >= minKnown/2:
		p.d.Outcome = OutcomeSuggested
		p.meta = Meta{Kind: "suggestions", Articles: s.suggestions(mdl, p.d.Candidates, locale, "")}
		p.body = suggestionsBody(locale, p.meta.Articles)
	default:
		if unhelpful(c)+1 >= 2 {
			p.reason = ReasonUnhelpful
		} else {
			p.d.Outcome = OutcomeNoAnswer
			p.meta = Meta{Kind: "no_answer"}
			p.body = noAnswerBody(locale)
		}
	}
	return p, true, nil
}

// match ranks the articles for q, taking one of the bot's matching slots
// for it: matching is the CPU-heavy part of a decision (the sentence
// encoder), and the slots keep a core free for intake and delivery.
func (s *Service) match(ctx context.Context, mdl *model, q string) ([]matcher.Candidate, error) {
	select {
	case s.cpu <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.cpu }()
	return mdl.match(q, maxCandidates), nil
}

// firstSteps is the stolen-funds article sent with a sensitive hand-off:
// the best-matching one of that category, else the knowledge base's first.
func (s *Service) firstSteps(mdl *model, cands []Candidate, locale string) *ArticleRef {
	for _, c := range cands {
		if a, ok := mdl.article(c.ArticleID, locale); ok && a.Category == stolenFunds {
			r := ref(s.opts.BaseURL, a)
			return &r
		}
	}
	ids := make([]string, 0, len(mdl.articles))
	for id := range mdl.articles {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if a, ok := mdl.article(id, locale); ok && a.Category == stolenFunds {
			r := ref(s.opts.BaseURL, a)
			return &r
		}
	}
	return nil
}

// stolenFunds is the knowledge-base category of what to do when funds are
// stolen.
const stolenFunds = "stolen-funds"

// planAnswer fills p with the top article as the answer, phrased by the
// LLM from the top articles when one is configured and it cites them.
func (s *Service) planAnswer(ctx context.Context, p *plan, mdl *model, top kb.Article) {
	p.d.Outcome = OutcomeAnswered
	p.d.ArticleID = top.ID
	r := ref(s.opts.BaseURL, top)
	p.meta = Meta{Kind: "answer", Articles: []ArticleRef{r}}
	p.body = answerBody(p.d.Locale, top, r.URL)
	if s.opts.Phraser == nil {
		return
	}
	var arts []kb.Article
	var urls []string
	for _, cand := range p.d.Candidates {
		if cand.Confidence < s.opts.Thresholds.Suggest {
			break
		}
		if a, ok := mdl.article(cand.ArticleID, p.d.Locale); ok {
			arts = append(arts, a)
			urls = append(urls, ArticleURL(s.opts.BaseURL, a))
		}
	}
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	text, cited, err := s.opts.Phraser.Phrase(pctx, p.d.Question, p.d.Locale, arts, urls)
	if err != nil {
		s.log.Warn("bot: LLM answer not used; sending the article", "conversation", p.d.ConversationID, "err", err)
		return
	}
	// The bot must never ask for a wallet secret, whatever the model wrote.
	if asks, term := safety.AsksForSecret(text); asks {
		s.log.Warn("bot: LLM answer asked for a secret; sending the article", "conversation", p.d.ConversationID, "secret", term)
		return
	}
	var refs []ArticleRef
	for _, id := range cited {
		for _, a := range arts {
			if a.ID == id {
				refs = append(refs, ref(s.opts.BaseURL, a))
			}
		}
	}
	if len(refs) == 0 {
		return
	}
	var b strings.Builder
	b.WriteString(strings.TrimSpace(text))
	b.WriteString("\n\n" + pick(p.d.Locale, "参考文章：", "Sources:"))
	for i, r := range refs {
		fmt.Fprintf(&b, "\n[%d] %s %s", i+1, refLabel(p.d.Locale, r), r.URL)
	}
	b.WriteString("\n\n" + pick(p.d.Locale, "这解决了您的问题吗？", "Did this solve your problem?"))
	p.d.ArticleID = refs[0].ID
	p.meta = Meta{Kind: "answer", Articles: refs, LLM: true}
	p.body = b.String()
}

// suggestions are the candidates above the suggest threshold, in the
// locale, leaving out one article id (the one already shown).
func (s *Service) suggestions(mdl *model, cands []Candidate, locale, except string) []ArticleRef {
	var out []ArticleRef
	for _, c := range cands {
		if c.Confidence < s.opts.Thresholds.Suggest || c.ArticleID == except {
			continue
		}
		if a, ok := mdl.article(c.ArticleID, locale); ok {
			out = append(out, ref(s.opts.BaseURL, a))
		}
	}
	return out
}

// humanHas reports whether a person has the conversation: it is assigned,
// was handed off, or an agent has written in it.
func (s *Service) humanHas(ctx context.Context, c conversation.Conversation) (bool, error) {
	if c.AssigneeID != "" || c.Attributes[AttrHandoff] != "" {
		return true, nil
	}
	return s.convs.HasAgentReply(ctx, c.ID)
}

func unhelpful(c conversation.Conversation) int {
	n, _ := strconv.Atoi(c.Attributes[AttrUnhelpful])
	return n
}

// commitTx writes the plan inside tx: the decision, the bot's message and
// the conversation changes. If a person took the conversation meanwhile,
// only a quiet decision is recorded.
func (s *Service) commitTx(ctx context.Context, tx *store.Tx, p plan) error {
	c, err := s.convs.ConversationTx(ctx, tx, p.d.ConversationID)
	if err != nil {
		return err
	}
	if p.d.Outcome != OutcomeQuiet && (c.AssigneeID != "" || c.Attributes[AttrHandoff] != "") {
		p = plan{d: p.d}
		p.d.Outcome, p.d.ArticleID = OutcomeQuiet, ""
	}
	// Planned from the conversation as it was before the batch: an
	// unhelpful answer just recorded makes this one the second.
	if p.d.Outcome == OutcomeNoAnswer && unhelpful(c)+1 >= 2 {
		p = plan{d: p.d, reason: ReasonUnhelpful}
	}
	if p.reason != "" {
		p.d.Outcome, p.d.Reason = OutcomeHandoff, p.reason
	}
	fresh, err := s.decisions.insertTx(ctx, tx, &p.d)
	if err != nil || !fresh {
		return err
	}
	switch {
	case p.d.Outcome == OutcomeQuiet:
		return nil
	case p.d.Outcome == OutcomeRateLimited:
		return s.unanswered(ctx, tx, c)
	case p.reason != "":
		return s.handoffTx(ctx, tx, c, &p.d, p.reason, p.urgent)
	}
	seq, err := s.say(ctx, tx, c.ID, p.body, p.meta)
	if err != nil {
		return err
	}
	if err := s.decisions.setReplySeqTx(ctx, tx, p.d.ID, seq); err != nil {
		return err
	}
	// While the bot handles it, the conversation waits on the visitor
	// (pending), out of the agents' open queue until it is handed off.
	ch := conversation.Change{}
	if p.d.Outcome == OutcomeNoAnswer {
		ch.Attributes = oneMoreUnhelpful(c)
	}
	if c.Status == conversation.StatusOpen {
		pending := conversation.StatusPending
		ch.Status = &pending
	}
	if ch.Status == nil && ch.Attributes == nil {
		return nil
	}
	_, err = s.convs.UpdateTx(ctx, tx, c.ID, ch)
	return err
}

// say sends a bot message through the one outbound path and returns its seq.
func (s *Service) say(ctx context.Context, tx *store.Tx, conversationID, body string, meta Meta) (int64, error) {
	a, err := s.convs.Send(ctx, tx, conversation.NewMessage{ConversationID: conversationID, Direction: conversation.Bot,
		AuthorType: conversation.AuthorBot, Body: body, Meta: meta.raw()})
	if err != nil {
		return 0, fmt.Errorf("send bot message: %w", err)
	}
	return a.Message.Seq, nil
}

func (s *Service) countUnhelpful(ctx context.Context, tx *store.Tx, c conversation.Conversation) error {
	_, err := s.convs.UpdateTx(ctx, tx, c.ID, conversation.Change{Attributes: oneMoreUnhelpful(c)})
	return err
}

// oneMoreUnhelpful is the attribute change that counts one more unhelpful
// answer.
func oneMoreUnhelpful(c conversation.Conversation) map[string]*string {
	v := strconv.Itoa(unhelpful(c) + 1)
	return map[string]*string{AttrUnhelpful: &v}
}

// handoffTx hands the conversation to people: the hand-off attribute,
// high priority for sensitive topics, its place in the team's queue, and
// a message with that place (or when the team opens).
func (s *Service) handoffTx(ctx context.Context, tx *store.Tx, c conversation.Conversation, d *Decision, reason string, urgent *ArticleRef) error {
	ch := conversation.Change{Attributes: map[string]*string{AttrHandoff: &reason}}
	if reason == ReasonSensitive && c.Priority != conversation.PriorityUrgent {
		high := conversation.PriorityHigh
		ch.Priority = &high
	}
	if c.Status != conversation.StatusOpen {
		open := conversation.StatusOpen
		ch.Status = &open
	}
	c, err := s.convs.UpdateTx(ctx, tx, c.ID, ch)
	if err != nil {
		return err
	}
	place, err := s.router.Enqueue(ctx, tx, c, d.Locale)
	if err != nil {
		return err
	}
	meta := Meta{Kind: "handoff", Reason: reason, QueuePosition: place.Position, ExpectedWaitSeconds: place.ETASeconds, OpensAt: place.OpensAt}
	if urgent != nil {
		meta.Articles = []ArticleRef{*urgent}
	}
	seq, err := s.say(ctx, tx, c.ID, handoffBody(d.Locale, reason, place, s.convs.Now(), urgent), meta)
	if err != nil {
		return err
	}
	return s.decisions.setReplySeqTx(ctx, tx, d.ID, seq)
}
