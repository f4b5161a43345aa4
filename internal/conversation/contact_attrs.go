package conversation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/store"
)

// Limits on a contact's custom attributes (wallet app version, KYC level,
// VIP tier…). Agents read them beside every conversation of the contact,
// so they stay small.
const (
	MaxContactAttributes      = 50
	MaxContactAttributeKey    = 100  // bytes
	MaxContactAttributeValue  = 2000 // bytes
	maxContactAttributeChange = 100  // keys in one request, deletions included
)

// SetContactAttributes merges attrs into the contact's attributes, as
// conversation attributes are merged: a key with a value sets it, a key
// with nil deletes it, keys not named stay. Names and values with control
// characters, or holding a seed phrase or private key, are refused rather
// than changed, so the agent sees what is stored.
func (s *Store) SetContactAttributes(ctx context.Context, id string, attrs map[string]*string) (Contact, error) {
	if err := validateContactAttributes(attrs); err != nil {
		return Contact{}, err
	}
	var out Contact
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		c, err := scanContact(tx.QueryRow(ctx, "SELECT "+contactCols+" FROM contacts WHERE id = ?", id))
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "contact %q not found", id)
		}
		if err != nil {
			return fmt.Errorf("read contact %s: %w", id, err)
		}
		for k, v := range attrs {
			if v == nil {
				delete(c.Attributes, k)
			} else {
				c.Attributes[k] = *v
			}
		}
		if len(c.Attributes) > MaxContactAttributes {
			return apperr.New(apperr.Invalid, "a contact can have at most %d attributes; delete some first (联系人最多 %d 个属性)",
				MaxContactAttributes, MaxContactAttributes)
		}
		if _, err := tx.Exec(ctx, "UPDATE contacts SET attributes = ? WHERE id = ?", attrsJSON(c.Attributes), id); err != nil {
			return fmt.Errorf("update attributes of contact %s: %w", id, err)
		}
		out = c
		return nil
	})
	return out, err
}

func validateContactAttributes(attrs map[string]*string) error {
	if len(attrs) == 0 {
		return apperr.New(apperr.Invalid, "nothing to change: send attributes with at least one name")
	}
	if len(attrs) > maxContactAttributeChange {
		return apperr.New(apperr.Invalid, "at most %d attributes can be changed at once", maxContactAttributeChange)
	}
	for k, v := range attrs {
		if k == "" || len(k) > MaxContactAttributeKey || strings.TrimSpace(k) != k {
			return apperr.New(apperr.Invalid, "attribute name %q must be 1 to %d bytes without leading or trailing spaces",
				k, MaxContactAttributeKey)
		}
		if hasControl(k) || !utf8.ValidString(k) {
			return apperr.New(apperr.Invalid, "attribute name %q contains control characters; remove them (属性名包含控制字符，请删除)", k)
		}
		if v == nil {
			continue
		}
		if len(*v) > MaxContactAttributeValue {
			return apperr.New(apperr.Invalid, "attribute %q is longer than %d bytes (属性值过长)", k, MaxContactAttributeValue)
		}
		// A value may span lines (a note); other control characters and
		// direction controls hide or reorder what the agent reads.
		if strings.IndexFunc(*v, func(r rune) bool {
			return (unicode.IsControl(r) && r != '\n' && r != '\t') || isBidiControl(r)
		}) >= 0 || !utf8.ValidString(*v) {
			return apperr.New(apperr.Invalid, "attribute %q contains control characters; remove them (属性值包含控制字符，请删除)", k)
		}
		if len(SecretKinds(k+"\n"+*v)) > 0 {
			return apperr.New(apperr.Invalid, "attribute %q looks like it holds a seed phrase or private key, so it was not saved; "+
				"never store them (属性疑似包含助记词或私钥，未被保存)", k)
		}
	}
	return nil
}

// SetInboxTeam sets the team an inbox belongs to; "" clears it. The team
// must exist.
func (s *Store) SetInboxTeam(ctx context.Context, id, teamID string) (Inbox, error) {
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if teamID != "" {
			if err := mustExist(ctx, tx, "teams", teamID, "team"); err != nil {
				return err
			}
		}
		res, err := tx.Exec(ctx, "UPDATE inboxes SET team_id = ? WHERE id = ?", nullable(teamID), id)
		if err != nil {
			return fmt.Errorf("set the team of inbox %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "inbox %q not found", id)
		}
		return nil
	})
	if err != nil {
		return Inbox{}, err
	}
	return s.InboxByID(ctx, id)
}
