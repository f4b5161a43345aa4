package bot

import (
	"context"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/store"
)

// Feedback actions a contact can take on a bot message.
const (
	ActionSolved    = "solved"     // the answer solved it
	ActionNotSolved = "not_solved" // the answer (or every suggestion) did not help
	ActionChoose    = "choose"     // one of the suggestions, by article id
	// After "not solved" the reply offers two more buttons.
	ActionRephrase = "rephrase" // ask another way: the bot asks for other words
	ActionHandoff  = "handoff"  // talk to a person: the hand-off of a request
)

// FeedbackRequest is a contact's click on a bot message's button.
type FeedbackRequest struct {
	ConversationID string
	ContactID      string // the conversation must belong to this contact
	ReplySeq       int64  // the bot message's seq
	Action         string
	ArticleID      string // for ActionChoose
}

// Feedback records the contact's answer to a bot message and replies: a
// thank-you (and the conversation resolved) when solved; when not, a hand-off
// after two unhelpful answers, else a reply offering the other suggestions
// (if any) and the buttons "ask another way" and "talk to a person"; the
// chosen article for a suggestion; a request for other words, or the
// hand-off of a request, for those two buttons.
func (s *Service) Feedback(ctx context.Context, r FeedbackRequest) error {
	switch r.Action {
	case ActionSolved, ActionNotSolved, ActionChoose, ActionRephrase, ActionHandoff:
	default:
		return apperr.New(apperr.Invalid, "unknown action %q (use solved, not_solved, choose, rephrase or handoff)", r.Action)
	}
	if r.Action == ActionChoose && r.ArticleID == "" {
		return apperr.New(apperr.Invalid, "choose needs article_id")
	}
	mdl, err := s.models.get(ctx)
	if err != nil {
		return err
	}
	return s.convs.Write(ctx, func(tx *store.Tx) error {
		c, err := s.convs.ConversationTx(ctx, tx, r.ConversationID)
		if err != nil {
			return err
		}
		if c.ContactID != r.ContactID {
			return apperr.New(apperr.NotFound, "conversation %q not found", r.ConversationID)
		}
		d, err := s.decisions.byReplyTx(ctx, tx, c.ID, r.ReplySeq)
		if err != nil {
			return err
		}
		if d.Feedback != "" {
			return apperr.New(apperr.Conflict, "this bot message was already answered (%s)", d.Feedback)
		}
		if err := checkAction(d, r, mdl); err != nil {
			return err
		}
		fb := r.Action
		if r.Action == ActionChoose {
			fb = ActionChoose + ":" + r.ArticleID
		}
		if err := s.decisions.setFeedbackTx(ctx, tx, d.ID, fb); err != nil {
			return err
		}
		if c.AssigneeID != "" || c.Attributes[AttrHandoff] != "" {
			return nil // a person has it now; the feedback is recorded for them
		}
		switch r.Action {
		case ActionSolved:
			if _, err := s.say(ctx, tx, c.ID, solvedBody(d.Locale), Meta{Kind: "solved"}); err != nil {
				return err
			}
			resolved := conversation.StatusResolved
			_, err := s.convs.UpdateTx(ctx, tx, c.ID, conversation.Change{Status: &resolved})
			return err
		case ActionChoose:
			return s.answerChosen(ctx, tx, c, d, r.ArticleID, mdl)
		case ActionRephrase:
			_, err := s.say(ctx, tx, c.ID, rephraseBody(d.Locale), Meta{Kind: "rephrase"})
			return err
		case ActionHandoff:
			// The same hand-off as typing "agent", keyed by the message
			// whose button asked for it.
			nd := Decision{ConversationID: c.ID, InboxID: c.InboxID, MessageSeq: -d.ReplySeq, Question: d.Question,
				Locale: d.Locale, Outcome: OutcomeHandoff, Reason: ReasonRequest, CreatedAt: s.convs.Now().UTC()}
			if _, err := s.decisions.insertTx(ctx, tx, &nd); err != nil {
				return err
			}
			return s.handoffTx(ctx, tx, c, &nd, ReasonRequest, nil)
		}
		return s.notSolved(ctx, tx, c, d, mdl)
	})
}

// checkAction refuses feedback that does not fit the message: solved only on
// answers, choose only with one of the suggested articles.
func checkAction(d Decision, r FeedbackRequest, mdl *model) error {
	answer := d.Outcome == OutcomeAnswered || d.Outcome == OutcomeChosen
	switch r.Action {
	case ActionSolved:
		if !answer {
			return apperr.New(apperr.Invalid, "only an answer can be marked solved")
		}
	case ActionNotSolved:
		if !answer && d.Outcome != OutcomeSuggested {
			return apperr.New(apperr.Invalid, "this bot message has no solved / not solved buttons")
		}
	case ActionRephrase, ActionHandoff:
		if !d.afterNotSolved() {
			return apperr.New(apperr.Invalid, "this bot message has no \"ask another way\" / \"talk to a person\" buttons")
		}
	case ActionChoose:
		if d.Outcome != OutcomeSuggested {
			return apperr.New(apperr.Invalid, "this bot message offered no suggestions")
		}
		for _, c := range d.Candidates {
			if c.ArticleID == r.ArticleID {
				if _, ok := mdl.article(c.ArticleID, d.Locale); ok {
					return nil
				}
			}
		}
		return apperr.New(apperr.Invalid, "article %q was not one of the suggestions", r.ArticleID)
	}
	return nil
}

// answerChosen sends the article the contact picked from the suggestions,
// as an answer with its own solved / not solved buttons.
func (s *Service) answerChosen(ctx context.Context, tx *store.Tx, c conversation.Conversation, d Decision, articleID string, mdl *model) error {
	a, _ := mdl.article(articleID, d.Locale)
	r := ref(s.opts.BaseURL, a)
	seq, err := s.say(ctx, tx, c.ID, answerBody(d.Locale, a, r.URL), Meta{Kind: "answer", Articles: []ArticleRef{r}})
	if err != nil {
		return err
	}
	// The chosen answer gets its own decision, keyed by its own message.
	nd := Decision{ConversationID: c.ID, InboxID: c.InboxID, MessageSeq: seq, Question: d.Question, Locale: d.Locale,
		Candidates: d.Candidates, Confidence: d.Confidence, Outcome: OutcomeChosen, ArticleID: a.ID, ReplySeq: seq,
		CreatedAt: s.convs.Now().UTC()}
	_, err = s.decisions.insertTx(ctx, tx, &nd)
	return err
}

// notSolved counts an unhelpful answer; at two it hands off, else it offers
// the other candidates or asks to rephrase.
func (s *Service) notSolved(ctx context.Context, tx *store.Tx, c conversation.Conversation, d Decision, mdl *model) error {
	if unhelpful(c)+1 >= 2 {
		nd := Decision{ConversationID: c.ID, InboxID: c.InboxID, Question: d.Question, Locale: d.Locale,
			Candidates: d.Candidates, Confidence: d.Confidence, Outcome: OutcomeHandoff, Reason: ReasonUnhelpful,
			CreatedAt: s.convs.Now().UTC()}
		// Keyed by the message it answers: the bot message marked unhelpful.
		nd.MessageSeq = -d.ReplySeq
		if _, err := s.decisions.insertTx(ctx, tx, &nd); err != nil {
			return err
		}
		if err := s.countUnhelpful(ctx, tx, c); err != nil {
			return err
		}
		c, err := s.convs.ConversationTx(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		return s.handoffTx(ctx, tx, c, &nd, ReasonUnhelpful, nil)
	}
	if err := s.countUnhelpful(ctx, tx, c); err != nil {
		return err
	}
	// The reply offers the other candidates of an answer (none after
	// refused suggestions) beside "ask another way" and "talk to a person";
	// its decision, keyed by the message marked unhelpful, takes the clicks.
	var refs []ArticleRef
	if d.Outcome != OutcomeSuggested {
		refs = s.suggestions(mdl, d.Candidates, d.Locale, d.ArticleID)
	}
	nd := Decision{ConversationID: c.ID, InboxID: c.InboxID, MessageSeq: -d.ReplySeq, Question: d.Question,
		Locale: d.Locale, Candidates: d.Candidates, Confidence: d.Confidence, Outcome: OutcomeNotSolved,
		CreatedAt: s.convs.Now().UTC()}
	body := notSolvedBody(d.Locale)
	if len(refs) > 0 {
		nd.Outcome, body = OutcomeSuggested, notSolvedSuggestionsBody(d.Locale, refs)
	}
	seq, err := s.say(ctx, tx, c.ID, body, Meta{Kind: "not_solved", Articles: refs})
	if err != nil {
		return err
	}
	nd.ReplySeq = seq
	_, err = s.decisions.insertTx(ctx, tx, &nd)
	return err
}
