package bot

import (
	"context"
	"sync"
)

// background owns the bot's goroutines that outlive a call (model training
// after a knowledge-base change, warming when an inbox turns the bot on):
// Close cancels them and waits, so none runs on into a closed database.
type background struct {
	mu     sync.Mutex
	closed bool
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newBackground() *background {
	ctx, cancel := context.WithCancel(context.Background())
	return &background{ctx: ctx, cancel: cancel}
}

// start runs f on its own goroutine with a context cancelled by close; it
// reports false, running nothing, once close has begun.
func (b *background) start(f func(ctx context.Context)) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return false
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		f(b.ctx)
	}()
	return true
}

// close cancels the running goroutines and waits for them to return.
func (b *background) close() {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.cancel()
	b.wg.Wait()
}

// Close stops the bot's background work (a training in progress is
// abandoned; the next start trains again) and waits for it to end.
func (s *Service) Close() { s.bg.close() }
