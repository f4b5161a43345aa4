// Package auth holds agents and how they and contacts prove who they are:
// argon2id passwords, API tokens, signed contact tokens and the wallet
// app's signed user ids.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/huiying/huiying/internal/apperr"
)

// argon2id parameters (RFC 9106 second recommendation, lighter memory).
const (
	argonTime    = 2
	argonMemory  = 64 * 1024 // KiB: every hash or check allocates 64 MiB
	argonThreads = 2
	argonKeyLen  = 32
)

// Bounds on concurrent argon2id work. Each hash holds 64 MiB for its
// duration, so unbounded concurrency turns a burst of sign-ins into
// gigabytes of memory. More hashes at once than cores only queue inside
// the runtime anyway; the cap keeps memory at ≤ 512 MiB on large machines.
const (
	maxArgonSlots = 8
	// ArgonWait is how long a password check waits for a free slot before
	// it is refused with 429 and Retry-After.
	ArgonWait = 2 * time.Second
)

// kdfFunc is argon2.IDKey's signature; tests count calls through it.
type kdfFunc func(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte

// hasher runs argon2id with at most cap(slots) hashes at a time.
type hasher struct {
	slots chan struct{}
	wait  time.Duration
	kdf   kdfFunc
	busy  atomic.Int64 // refusals for want of a slot, since start
}

func newHasher() *hasher {
	n := max(1, min(runtime.NumCPU(), maxArgonSlots))
	return &hasher{slots: make(chan struct{}, n), wait: ArgonWait, kdf: argon2.IDKey}
}

// run calls fn holding a slot, waiting up to h.wait (and no longer than
// ctx) for one. A caller that gets none is told to retry shortly: 429,
// so a client backs off instead of piling on.
func (h *hasher) run(ctx context.Context, fn func()) error {
	select {
	case h.slots <- struct{}{}:
	default:
		t := time.NewTimer(h.wait)
		defer t.Stop()
		select {
		case h.slots <- struct{}{}:
		case <-t.C:
			h.busy.Add(1)
			return apperr.NewRetry(apperr.RateLimited, time.Second,
				"服务器正忙，请一秒后重试 / the server is busy checking other sign-ins; try again in a second")
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	defer func() { <-h.slots }()
	fn()
	return nil
}

// hash returns an encoded argon2id hash of pw.
func (h *hasher) hash(ctx context.Context, pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	var key []byte
	if err := h.run(ctx, func() {
		key = h.kdf([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	}); err != nil {
		return "", err
	}
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// check reports whether pw matches the encoded hash. The error is set only
// when no slot was free (429) or ctx ended.
func (h *hasher) check(ctx context.Context, encoded, pw string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, nil
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, nil
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false, nil
	}
	var got []byte
	if err := h.run(ctx, func() { got = h.kdf([]byte(pw), salt, t, m, p, uint32(len(want))) }); err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// checkDecoy spends the time (and memory) of a real check when no agent
// has the email, so the answer's timing does not tell which emails belong
// to an agent. The salt and the expected key are random: nothing matches.
func (h *hasher) checkDecoy(ctx context.Context, pw string) error {
	salt := make([]byte, 16)
	want := make([]byte, argonKeyLen)
	_, _ = rand.Read(salt)
	_, _ = rand.Read(want)
	b64 := base64.RawStdEncoding
	_, err := h.check(ctx, fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime,
		argonThreads, b64.EncodeToString(salt), b64.EncodeToString(want)), pw)
	return err
}

// NewPassword returns a random password that is easy to type.
func NewPassword() string {
	return strings.ToLower(rand.Text()[:16])
}
