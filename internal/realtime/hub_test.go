package realtime

import (
	"testing"
)

func TestEphemeralFrames(t *testing.T) {
	h := NewHub(4)
	a1, a2 := h.Conversation("cv_a"), h.Conversation("cv_a")
	b := h.Conversation("cv_b")
	ag := h.Agents()

	h.Ephemeral("cv_a", []byte("to contacts of a"), false)
	h.Ephemeral("cv_a", []byte("to agents"), true)
	for _, s := range []*Sub{a1, a2} {
		if got := string(<-s.Frames); got != "to contacts of a" {
			t.Errorf("conversation listener got %q", got)
		}
	}
	if got := string(<-ag.Frames); got != "to agents" {
		t.Errorf("agent listener got %q", got)
	}
	for name, s := range map[string]*Sub{"a1": a1, "a2": a2, "b": b, "agent": ag} {
		select {
		case f := <-s.Frames:
			t.Errorf("%s got an extra frame %q", name, f)
		default:
		}
	}

	// A full buffer discards frames; the listener is not dropped and
	// receives nothing on its event channel.
	for range frameBuffer + 10 {
		h.Ephemeral("", []byte("x"), true)
	}
	if n := len(ag.Frames); n != frameBuffer {
		t.Errorf("%d frames buffered, want %d", n, frameBuffer)
	}
	select {
	case <-ag.Dropped:
		t.Error("a listener was dropped for ephemeral frames")
	default:
	}
	if len(ag.C) != 0 {
		t.Error("ephemeral frames reached the event channel")
	}

	// Removed listeners get nothing.
	h.Remove(a1)
	h.Ephemeral("cv_a", []byte("after remove"), false)
	if len(a1.Frames) != 0 || len(a2.Frames) != 1 {
		t.Errorf("after removing a1: a1 has %d frames, a2 %d", len(a1.Frames), len(a2.Frames))
	}
}
