package conversation_test

import (
	"encoding/json"
	"testing"

	"github.com/huiying/huiying/internal/conversation"
)

func TestMaybeFromContact(t *testing.T) {
	for _, c := range []struct {
		author string
		body   string
		want   bool
	}{
		{conversation.AuthorContact, "hello", true},
		{conversation.AuthorAgent, "hello", false},
		{conversation.AuthorBot, `quoting "author_type":"contact" in a body`, false},
		{conversation.AuthorSystem, "", false},
	} {
		b, err := json.Marshal(conversation.MessageEvent{Message: conversation.Message{AuthorType: c.author, Body: c.body}})
		if err != nil {
			t.Fatal(err)
		}
		if got := conversation.MaybeFromContact(b); got != c.want {
			t.Errorf("%s message %q: MaybeFromContact = %v, want %v (payload %s)", c.author, c.body, got, c.want, b)
		}
	}
}
