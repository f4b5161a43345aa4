package webchat

import (
	"net/http"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/bot"
	"github.com/huiying/huiying/internal/web/httpx"
)

// botFeedbackRequest is the body of POST …/bot-feedback: the contact's
// click on a bot message's button.
type botFeedbackRequest struct {
	Seq       int64  `json:"seq"`
	Action    string `json:"action"`
	ArticleID string `json:"article_id"`
}

func (c *Channel) botFeedback(w http.ResponseWriter, r *http.Request) {
	if c.Bot == nil {
		c.Fail(w, r, apperr.New(apperr.NotFound, "the bot is not running on this server"))
		return
	}
	var req botFeedbackRequest
	if err := httpx.Decode(w, r, c.MaxRequestBytes, &req); err != nil {
		c.Fail(w, r, err)
		return
	}
	if req.Seq <= 0 {
		c.Fail(w, r, apperr.New(apperr.Invalid, "seq must be the bot message's seq (a positive number)"))
		return
	}
	err := c.Bot.Feedback(r.Context(), bot.FeedbackRequest{ConversationID: r.PathValue("id"), ContactID: httpx.ContactFrom(r),
		ReplySeq: req.Seq, Action: req.Action, ArticleID: req.ArticleID})
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"ok": true})
}
