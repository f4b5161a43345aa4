package webchat

import (
	"net/http"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/web/httpx"
)

// visitorPatch is what the chat tells after the start: the name the
// visitor gave when asked, and the visitor's setting as it changes (a new
// page, an app update). Empty fields change nothing.
type visitorPatch struct {
	Name    string                      `json:"name"`
	Context conversation.VisitorContext `json:"context"`
}

type visitorResponse struct {
	Name    string                      `json:"name"`
	Context conversation.VisitorContext `json:"context"`
}

// patchVisitor stores the visitor's name on the contact and merges the
// context into the conversation's. Both are checked before either is
// written, so a refused field changes nothing.
func (c *Channel) patchVisitor(w http.ResponseWriter, r *http.Request) {
	var req visitorPatch
	if err := httpx.Decode(w, r, c.MaxRequestBytes, &req); err != nil {
		c.Fail(w, r, err)
		return
	}
	if req.Name == "" && req.Context.Empty() {
		c.Fail(w, r, apperr.New(apperr.Invalid, "nothing to change: send name or context"))
		return
	}
	cv, err := c.contactConversation(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	nc := conversation.NewContact{Name: req.Name, Visitor: req.Context}
	if err := nc.Validate(); err != nil {
		c.Fail(w, r, err)
		return
	}
	contact, err := c.Conversations.SetContactName(r.Context(), cv.ContactID, req.Name)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	info, err := c.Conversations.Visitor(r.Context(), cv.ID)
	if err == nil && !req.Context.Empty() {
		info, err = c.Conversations.SetVisitor(r.Context(), cv.ID, req.Context)
	}
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, visitorResponse{Name: contact.Name, Context: info.Context})
}
