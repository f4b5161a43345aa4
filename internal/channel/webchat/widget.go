package webchat

import (
	"net/http"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/auth"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/intake"
	"github.com/huiying/huiying/internal/web/httpx"
)

type startRequest struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	// UserID and UserHash identify a signed-in wallet user: the wallet's
	// backend computes UserHash = hex(HMAC-SHA256(inbox secret, UserID)).
	UserID   string `json:"user_id"`
	UserHash string `json:"user_hash"`
	// Context is the visitor's setting: page, referrer, browser or app
	// version, device, language, time zone.
	Context conversation.VisitorContext `json:"context"`
}

type startResponse struct {
	ConversationID string `json:"conversation_id"`
	ContactToken   string `json:"contact_token"`
	ContactID      string `json:"contact_id"`
}

func (c *Channel) start(w http.ResponseWriter, r *http.Request) {
	var req startRequest
	if r.ContentLength != 0 {
		if err := httpx.Decode(w, r, c.MaxRequestBytes, &req); err != nil {
			c.Fail(w, r, err)
			return
		}
	}
	inbox, err := c.Conversations.InboxByKey(r.Context(), r.PathValue("inbox_key"))
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	nc := conversation.NewContact{Name: req.Name, Email: req.Email, Visitor: req.Context}
	if len(req.UserID) > 150 {
		c.Fail(w, r, apperr.New(apperr.Invalid, "user_id is longer than 150 bytes"))
		return
	}
	if req.UserID != "" || req.UserHash != "" {
		if !auth.VerifyUserHash(inbox.HMACSecret, req.UserID, req.UserHash) {
			c.Fail(w, r, apperr.New(apperr.Unauthorized, "user_hash does not match user_id; compute it on your backend as hex(HMAC-SHA256(inbox secret, user_id))"))
			return
		}
		nc.ExternalID = inbox.ID + ":" + req.UserID
	}
	conv, contact, err := c.Conversations.Start(r.Context(), inbox, nc)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, startResponse{
		ConversationID: conv.ID, ContactToken: c.Tokens.Issue(contact.ID), ContactID: contact.ID,
	})
}

type sendRequest struct {
	ClientMessageID string `json:"client_message_id"`
	Body            string `json:"body"`
}

// ackResponse is what a contact gets for a stored message. MessageID is the
// contact's opaque id (conversation.ContactMessageID), not the row id that
// agents see: that one counts every message on the desk.
type ackResponse struct {
	MessageID string `json:"message_id"`
	Seq       int64  `json:"seq"`
	Duplicate bool   `json:"duplicate,omitempty"`
	// Redacted is set when the secret guard removed a mnemonic or key;
	// Body is then what was stored, for the client to show instead.
	Redacted bool   `json:"redacted,omitempty"`
	Body     string `json:"body,omitempty"`
}

// send hands a typed message to intake, which guards, stores and
// acknowledges it.
func (c *Channel) send(w http.ResponseWriter, r *http.Request) {
	var req sendRequest
	if err := httpx.Decode(w, r, c.MaxRequestBytes, &req); err != nil {
		c.Fail(w, r, err)
		return
	}
	ack, err := c.Intake.Submit(r.Context(), intake.Inbound{
		Channel: conversation.ChannelWebChat, ConversationID: r.PathValue("id"), ContactID: httpx.ContactFrom(r),
		ClientMessageID: req.ClientMessageID, Body: req.Body,
	})
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	writeAck(w, ack)
}

func writeAck(w http.ResponseWriter, ack intake.Ack) {
	status := http.StatusCreated
	if ack.Duplicate {
		status = http.StatusOK
	}
	resp := ackResponse{MessageID: conversation.ContactMessageID(ack.Message.ConversationID, ack.Message.Seq), Seq: ack.Message.Seq, Duplicate: ack.Duplicate, Redacted: ack.Redacted}
	if ack.Redacted {
		resp.Body = ack.Message.Body
	}
	httpx.WriteJSON(w, status, resp)
}

// contactConversation loads the conversation and checks it is the caller's.
// Another contact's conversation looks exactly like a missing one, so ids
// cannot be probed.
func (c *Channel) contactConversation(r *http.Request) (conversation.Conversation, error) {
	cv, err := c.Conversations.Conversation(r.Context(), r.PathValue("id"))
	if err != nil {
		return cv, err
	}
	if cv.ContactID != httpx.ContactFrom(r) {
		return cv, apperr.New(apperr.NotFound, "conversation %q not found", r.PathValue("id"))
	}
	return cv, nil
}

// messagesResponse is the contact's view of the conversation's messages.
type messagesResponse struct {
	Messages []conversation.ContactMessage `json:"messages"`
}

func (c *Channel) messages(w http.ResponseWriter, r *http.Request) {
	after, err := httpx.SeqParam(r, "after")
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	cv, err := c.contactConversation(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	msgs, err := c.Conversations.Messages(r.Context(), cv.ID, after, 0, false)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, messagesResponse{Messages: conversation.ForContact(msgs)})
}
