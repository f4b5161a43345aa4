package bench

import (
	"encoding/json"
	"errors"
	"fmt"
)

// errBadAck is returned for an acknowledgement without message_id or seq.
var errBadAck = errors.New("malformed message ack: missing message_id or seq")

// parseAck parses a message acknowledgement {"message_id":"…","seq":N} and
// returns its seq. The usual flat object is scanned without allocating;
// anything the scanner does not handle goes through encoding/json.
func parseAck(b []byte) (int64, error) {
	if seq, ok := scanAck(b); ok {
		return seq, nil
	}
	var a struct {
		MessageID string `json:"message_id"`
		Seq       *int64 `json:"seq"`
	}
	if err := json.Unmarshal(b, &a); err != nil {
		return 0, fmt.Errorf("malformed message ack: %w", err)
	}
	if a.MessageID == "" || a.Seq == nil {
		return 0, errBadAck
	}
	return *a.Seq, nil
}

// scanAck scans a flat JSON object (string, number, true, false and null
// values; keys without escapes) for a non-empty "message_id" string and an
// integer "seq". It reports ok=false for anything else, including valid JSON
// it does not handle, such as nested values.
func scanAck(b []byte) (seq int64, ok bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return 0, false
	}
	i = skipSpace(b, i+1)
	var haveID, haveSeq bool
	if i < len(b) && b[i] == '}' {
		return 0, false
	}
	for {
		// Key.
		if i >= len(b) || b[i] != '"' {
			return 0, false
		}
		ks := i + 1
		ke := ks
		for ke < len(b) && b[ke] != '"' {
			if b[ke] == '\\' || b[ke] < 0x20 {
				return 0, false
			}
			ke++
		}
		if ke >= len(b) {
			return 0, false
		}
		key := b[ks:ke]
		i = skipSpace(b, ke+1)
		if i >= len(b) || b[i] != ':' {
			return 0, false
		}
		i = skipSpace(b, i+1)
		if i >= len(b) {
			return 0, false
		}
		// Value.
		switch c := b[i]; {
		case c == '"':
			j := i + 1
			for j < len(b) && b[j] != '"' {
				if b[j] < 0x20 {
					return 0, false
				}
				if b[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(b) {
				return 0, false
			}
			if string(key) == "message_id" {
				haveID = j > i+1
			} else if string(key) == "seq" {
				return 0, false
			}
			i = j + 1
		case c == '-' || (c >= '0' && c <= '9'):
			j := i
			if c == '-' {
				j++
			}
			ds := j
			var n int64
			for j < len(b) && b[j] >= '0' && b[j] <= '9' {
				if n > (1<<63-1-9)/10 {
					return 0, false
				}
				n = n*10 + int64(b[j]-'0')
				j++
			}
			if j == ds || (b[ds] == '0' && j-ds > 1) {
				return 0, false
			}
			if j < len(b) && (b[j] == '.' || b[j] == 'e' || b[j] == 'E') {
				return 0, false // not an integer; let encoding/json judge
			}
			if c == '-' {
				n = -n
			}
			switch string(key) {
			case "seq":
				seq, haveSeq = n, true
			case "message_id":
				return 0, false
			}
			i = j
		default:
			var lit string
			switch c {
			case 't':
				lit = "true"
			case 'f':
				lit = "false"
			case 'n':
				lit = "null"
			default:
				return 0, false
			}
			if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
				return 0, false
			}
			if string(key) == "seq" || string(key) == "message_id" {
				return 0, false
			}
			i += len(lit)
		}
		i = skipSpace(b, i)
		if i >= len(b) {
			return 0, false
		}
		if b[i] == '}' {
			break
		}
		if b[i] != ',' {
			return 0, false
		}
		i = skipSpace(b, i+1)
	}
	if skipSpace(b, i+1) != len(b) {
		return 0, false
	}
	return seq, haveID && haveSeq
}

// skipSpace returns the index of the first non-whitespace byte at or after i.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}
