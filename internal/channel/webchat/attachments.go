package webchat

import (
	"net/http"

	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/guard"
	"github.com/huiying/huiying/internal/intake"
)

// upload stores a contact's file and hands the message that carries it to
// intake; a refused message leaves no file behind (upload.Files.Receive).
func (c *Channel) upload(w http.ResponseWriter, r *http.Request) {
	cv, err := c.contactConversation(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	nm := conversation.NewMessage{ConversationID: cv.ID, ContactID: cv.ContactID, Direction: conversation.Inbound,
		AuthorType: conversation.AuthorContact, AuthorID: cv.ContactID}
	var ack intake.Ack
	a, err := c.Files.Receive(w, r, nm, func(conversation.NewMessage) error { return nil }, func(nm conversation.NewMessage) (conversation.Appended, error) {
		var err error
		ack, err = c.Intake.Submit(r.Context(), intake.Inbound{
			Channel: conversation.ChannelWebChat, ConversationID: nm.ConversationID, ContactID: nm.ContactID,
			ClientMessageID: nm.ClientMessageID, Body: nm.Body, Attachments: nm.Attachments,
		})
		return conversation.Appended{Message: ack.Message, Duplicate: ack.Duplicate}, err
	})
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	// Redacted tells the client to show the stored body, not what it sent;
	// a retry answered from the stored message says so too.
	redacted := ack.Redacted || (a.Duplicate && len(guard.Scan(r.FormValue("body"))) > 0)
	writeAck(w, intake.Ack{Message: a.Message, Duplicate: a.Duplicate, Redacted: redacted})
}

func (c *Channel) attachment(w http.ResponseWriter, r *http.Request) {
	cv, err := c.contactConversation(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	if err := c.Files.Serve(w, r, cv.ID); err != nil {
		c.Fail(w, r, err)
	}
}
