package main

// A fleet of visitors, each streaming messages into its own conversation as
// fast as the server acknowledges them, used to stop the server mid-stream
// and then check that nothing acknowledged was lost or stored twice.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	fleetSize    = 12
	ackTimeout   = 60 * time.Second // to reach the ack count that triggers the stop
	moreAfter    = 10               // fresh messages each visitor sends after the restart
	drainTimeout = 2 * requestTimeout
)

// sent is one message and, once acknowledged, its ack.
type sent struct {
	clientID, body string
	ack            ackResp
}

// visitor streams into one conversation.
type visitor struct {
	n       int
	conv    startResp
	acked   []sent // in send order
	pending *sent  // sent when the server went away, outcome unknown
	retried string // "stored" (201) or "duplicate" (200) for pending
	ended   string // how the stream ended
}

func (v *visitor) next() sent {
	i := len(v.acked)
	return sent{clientID: fmt.Sprintf("v%02d-m%05d", v.n, i), body: fmt.Sprintf("visitor %d says %d", v.n, i)}
}

// fleet is the visitors and their shared counters.
type fleet struct {
	visitors []*visitor
	acks     atomic.Int64
	inFlight atomic.Int64
	stopping atomic.Bool // the test is stopping the server; errors are expected
	quit     atomic.Bool // the test is over: stop sending
	done     sync.WaitGroup
}

// unlimitedFlags turn off the per-address limits on anonymous writes: the
// fleet's visitors all come from 127.0.0.1, where in production each has an
// address of its own.
var unlimitedFlags = []string{
	"--rate-conversations-per-ip", "off", "--rate-conversations-per-inbox", "off",
	"--rate-messages-per-contact", "off", "--rate-messages-per-ip", "off",
}

func newFleet(t *testing.T, a *api, inboxKey string) *fleet {
	f := &fleet{}
	for n := range fleetSize {
		f.visitors = append(f.visitors, &visitor{n: n, conv: a.startConversation(t, inboxKey)})
	}
	return f
}

// stream starts every visitor sending until the server stops answering.
// While f.stopping is unset every send must be acknowledged with 201; once
// it is set a send may also fail to get an answer, or, if refusals is set,
// be refused with 503 and the JSON error "unavailable". Anything else fails
// the test.
func (f *fleet) stream(t *testing.T, a *api, refusals bool) {
	t.Cleanup(func() { f.quit.Store(true); f.done.Wait() }) // before the server is stopped
	for _, v := range f.visitors {
		f.done.Add(1)
		go func() {
			defer f.done.Done()
			for !f.quit.Load() {
				m := v.next()
				f.inFlight.Add(1)
				status, raw, err := a.send(v.conv.ConversationID, v.conv.ContactToken, m.clientID, m.body)
				f.inFlight.Add(-1)
				stopping := f.stopping.Load()
				switch {
				case err == nil && status == http.StatusCreated:
					if err := json.Unmarshal(raw, &m.ack); err != nil || m.ack.Duplicate || m.ack.MessageID == "" {
						t.Errorf("visitor %d: ack for a new message %s: %s (%v)", v.n, m.clientID, raw, err)
						v.pending, v.ended = &m, "bad ack"
						return
					}
					v.acked = append(v.acked, m)
					f.acks.Add(1)
					continue
				case err != nil && stopping:
					v.ended = "no answer: " + err.Error()
				case err == nil && status == http.StatusServiceUnavailable && stopping && refusals:
					var e errorResp
					if json.Unmarshal(raw, &e) != nil || e.Error.Code != "unavailable" {
						t.Errorf("visitor %d: 503 without a JSON error of code unavailable: %s", v.n, raw)
					}
					v.ended = "refused: " + e.Error.Message
				case err != nil:
					t.Errorf("visitor %d: send %s before the server was stopped: %v", v.n, m.clientID, err)
					v.ended = "error"
				default:
					t.Errorf("visitor %d: send %s: status %d (stopping %v): %s", v.n, m.clientID, status, stopping, raw)
					v.ended = fmt.Sprintf("status %d", status)
				}
				v.pending = &m
				return
			}
		}()
	}
}

// waitAcks waits until at least n messages in all were acknowledged.
func (f *fleet) waitAcks(t *testing.T, n int64) {
	t.Helper()
	deadline := time.Now().Add(ackTimeout)
	for f.acks.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d messages acknowledged within %v", f.acks.Load(), n, ackTimeout)
		}
		if t.Failed() {
			t.FailNow()
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// wait waits for every visitor's stream to end after the server went away.
func (f *fleet) wait(t *testing.T) {
	t.Helper()
	ch := make(chan struct{})
	go func() { f.done.Wait(); close(ch) }()
	select {
	case <-ch:
	case <-time.After(drainTimeout):
		t.Fatalf("visitors still sending %v after the server was stopped", drainTimeout)
	}
	ends := map[string]int{}
	pending := 0
	for _, v := range f.visitors {
		ends[strings.SplitN(v.ended, ":", 2)[0]]++
		if v.pending != nil {
			pending++
		}
	}
	t.Logf("%d messages acknowledged; %d visitors left a message unanswered; streams ended: %v", f.acks.Load(), pending, ends)
}

// resume sends, on the restarted server, each visitor's unanswered message
// again with the same client_message_id, which must be stored now (201) or
// recognised as stored before (200, same ack), and then a few new ones.
func (f *fleet) resume(t *testing.T, a *api) {
	t.Helper()
	var wg sync.WaitGroup
	for _, v := range f.visitors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if m := v.pending; m != nil {
				status, raw, err := a.send(v.conv.ConversationID, v.conv.ContactToken, m.clientID, m.body)
				if err == nil {
					err = json.Unmarshal(raw, &m.ack)
				}
				switch {
				case err != nil:
					t.Errorf("visitor %d: retry %s after restart: %v", v.n, m.clientID, err)
					return
				case status == http.StatusCreated && !m.ack.Duplicate:
					v.retried = "stored"
				case status == http.StatusOK && m.ack.Duplicate:
					v.retried = "duplicate"
				default:
					t.Errorf("visitor %d: retry %s after restart: status %d %s, want 201 or 200 duplicate", v.n, m.clientID, status, raw)
					return
				}
				v.acked, v.pending = append(v.acked, *m), nil
			}
			for range moreAfter {
				m := v.next()
				status, raw, err := a.send(v.conv.ConversationID, v.conv.ContactToken, m.clientID, m.body)
				if err == nil && status == http.StatusCreated {
					err = json.Unmarshal(raw, &m.ack)
				}
				if err != nil || status != http.StatusCreated || m.ack.Duplicate {
					t.Errorf("visitor %d: send %s after restart: %d %s %v", v.n, m.clientID, status, raw, err)
					return
				}
				v.acked = append(v.acked, m)
			}
		}()
	}
	wg.Wait()
}

// verify reads every conversation back and checks that it holds exactly the
// acknowledged messages, each once, with the acknowledged id, seq and body,
// numbered 1..N without gaps.
func (f *fleet) verify(t *testing.T, a *api) {
	t.Helper()
	retried := map[string]int{}
	for _, v := range f.visitors {
		if v.retried != "" {
			retried[v.retried]++
		}
		var problems []string
		bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
		msgs := a.messages(t, v.conv.ConversationID, v.conv.ContactToken)
		byClientID := map[string]message{}
		bodies := map[string]int64{}
		for i, m := range msgs {
			if m.Seq != int64(i+1) {
				bad("message %d of the conversation has seq %d, want %d (gap or disorder)", i+1, m.Seq, i+1)
			}
			if prev, dup := bodies[m.Body]; dup {
				bad("body %q stored twice, at seq %d and %d", m.Body, prev, m.Seq)
			}
			bodies[m.Body] = m.Seq
			if _, dup := byClientID[m.ClientMessageID]; dup {
				bad("client_message_id %q stored twice", m.ClientMessageID)
			}
			byClientID[m.ClientMessageID] = m
		}
		for i, s := range v.acked {
			m, ok := byClientID[s.clientID]
			switch {
			case !ok:
				bad("acknowledged message %s (id %s, seq %d) is missing", s.clientID, s.ack.MessageID, s.ack.Seq)
			case m.Seq != s.ack.Seq || m.ID != s.ack.MessageID || m.Body != s.body || m.Direction != "inbound":
				bad("%s acknowledged as id %s seq %d %q, stored as %+v", s.clientID, s.ack.MessageID, s.ack.Seq, s.body, m)
			}
			if s.ack.Seq != int64(i+1) {
				bad("message %d, sent after the previous one was acknowledged, got seq %d", i+1, s.ack.Seq)
			}
			delete(byClientID, s.clientID)
		}
		for id, m := range byClientID {
			bad("stored message %s (seq %d %q) was never acknowledged", id, m.Seq, m.Body)
		}
		if len(problems) > 0 {
			more := ""
			if len(problems) > 5 {
				more = fmt.Sprintf("\n… and %d more", len(problems)-5)
				problems = problems[:5]
			}
			t.Errorf("visitor %d (%d acknowledged, %d stored):\n%s%s", v.n, len(v.acked), len(msgs), strings.Join(problems, "\n"), more)
		}
	}
	t.Logf("after restart: unanswered messages retried: %v; all %d conversations verified", retried, len(f.visitors))
}
