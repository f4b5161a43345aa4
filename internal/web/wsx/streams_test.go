package wsx

import (
	"testing"
	"time"
)

// Wait waits for the running streams and refuses new ones from the moment
// it begins, so no stream starts after shutdown stopped counting.
func TestStreamsWaitRefusesNewStreams(t *testing.T) {
	var st Streams
	if !st.Enter() {
		t.Fatal("Enter refused before Wait")
	}
	done := make(chan struct{})
	go func() {
		st.Wait()
		close(done)
	}()
	// Wait has begun once Enter is refused.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if !st.Enter() {
			break
		}
		st.Leave()
		if time.Now().After(deadline) {
			t.Fatal("Enter still accepted 10 s after Wait began")
		}
		time.Sleep(time.Millisecond)
	}
	select {
	case <-done:
		t.Fatal("Wait returned while a stream was running")
	default:
	}
	st.Leave()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Wait did not return after the last stream left")
	}
	if st.Enter() {
		t.Error("Enter accepted after Wait returned")
	}
}
