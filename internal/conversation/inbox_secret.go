package conversation

import (
	"context"
	"fmt"

	"github.com/huiying/huiying/internal/apperr"
)

// newInboxSecret is a fresh HMAC secret for signing identified users' ids.
func newInboxSecret() string { return NewID("hs")[3:] + NewID("")[1:] }

// RotateInboxSecret gives an inbox a new HMAC secret and returns it. The
// old one stops working at once: a wallet backend still signing with it
// gets 401 for identified users until it has the new one.
func (s *Store) RotateInboxSecret(ctx context.Context, id string) (string, error) {
	secret := newInboxSecret()
	res, err := s.db.Exec(ctx, "UPDATE inboxes SET hmac_secret = ? WHERE id = ?", secret, id)
	if err != nil {
		return "", fmt.Errorf("rotate the HMAC secret of inbox %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", apperr.New(apperr.NotFound, "inbox %q not found", id)
	}
	return secret, nil
}
