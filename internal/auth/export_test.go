package auth

import "time"

// SetArgon replaces s's bound on concurrent argon2id work: slots at a
// time, waiting up to wait for one, running kdf (nil: argon2id itself).
// Tests use it to count hashes and to hold them.
func SetArgon(s *Service, slots int, wait time.Duration, kdf func(pw, salt []byte, t, m uint32, p uint8, n uint32) []byte) {
	h := newHasher()
	h.slots = make(chan struct{}, slots)
	h.wait = wait
	if kdf != nil {
		h.kdf = kdf
	}
	s.pw = h
}

// ArgonSlots is the size of s's bound on concurrent argon2id work.
func ArgonSlots(s *Service) int { return cap(s.pw.slots) }
