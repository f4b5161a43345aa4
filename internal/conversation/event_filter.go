package conversation

import "bytes"

// contactAuthor is how a contact's message shows in its message.created
// payload, which json.Marshal writes from MessageEvent: field names and
// values without spaces, and any quote inside a value escaped, so a body
// that merely quotes this text cannot produce it.
var contactAuthor = []byte(`"author_type":"` + AuthorContact + `"`)

// MaybeFromContact reports whether a message.created payload may hold a
// contact's message. False is certain (an agent's, the bot's or a system
// message), so a subscriber that acts only on contacts' messages skips
// decoding the others; true still needs the decoded message checked.
func MaybeFromContact(payload []byte) bool { return bytes.Contains(payload, contactAuthor) }
