package bench

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// Prefixes of what the server writes for a message frame (json.Marshal of
// its frame: no spaces, keys in field order, quotes inside values escaped,
// so a body quoting them cannot match).
var (
	messageFramePrefix = []byte(`{"type":"message","message":{`)
	seqKey             = []byte(`"seq":`)
	directionKey       = []byte(`"direction":"`)
)

// scanFrame reads a message frame's type, seq and direction without
// decoding the rest (a bot's answer carries a whole article): the load
// generator shares the machine with the server, and every frame it decodes
// in full is CPU taken from what it measures. Frames it does not recognise
// are decoded in full.
func scanFrame(b []byte, f *wsFrame) error {
	if bytes.HasPrefix(b, messageFramePrefix) {
		rest := b[len(messageFramePrefix):]
		if i := bytes.Index(rest, seqKey); i >= 0 {
			num := rest[i+len(seqKey):]
			end := 0
			for end < len(num) && num[end] >= '0' && num[end] <= '9' {
				end++
			}
			if j := bytes.Index(rest, directionKey); end > 0 && j >= 0 {
				dir := rest[j+len(directionKey):]
				if k := bytes.IndexByte(dir, '"'); k > 0 {
					if seq, err := strconv.ParseInt(string(num[:end]), 10, 64); err == nil {
						f.Type, f.Message.Seq, f.Message.Direction = "message", seq, string(dir[:k])
						return nil
					}
				}
			}
		}
	}
	*f = wsFrame{}
	return json.Unmarshal(b, f)
}
