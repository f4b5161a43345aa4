package webchat

import (
	"net/http"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/web/httpx"
)

// queue answers the visitor's place in the queue: position and expected
// wait while waiting, the agent once one has the conversation. The same
// object reaches the contact's socket as {"type":"queue",…} frames.
func (c *Channel) queue(w http.ResponseWriter, r *http.Request) {
	if c.Queue == nil {
		c.Fail(w, r, apperr.New(apperr.NotFound, "this server does not route conversations"))
		return
	}
	cv, err := c.contactConversation(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	p, err := c.Queue.Place(r.Context(), cv.ID)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusOK, p)
}
