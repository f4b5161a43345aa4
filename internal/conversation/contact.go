package conversation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/store"
)

// NewContact is what a channel knows about a person starting a conversation.
type NewContact struct {
	Name       string
	Email      string
	ExternalID string // verified by the caller (e.g. HMAC-signed by the wallet app)
	// Visitor is the setting the conversation starts in (page, device…),
	// stored with the conversation.
	Visitor VisitorContext
}

// Validate checks lengths and the email syntax. The visitor types the name
// and email, so they pass the secret guard like a message: a mnemonic or
// key in the name is replaced by the guard's marker, and an email holding
// one is refused (an address with a marker in it would be no address).
// Control characters are dropped from the name.
func (n *NewContact) Validate() error {
	n.Name, n.Email = RedactName(n.Name), strings.TrimSpace(n.Email)
	if utf8.RuneCountInString(n.Name) > 200 {
		return apperr.New(apperr.Invalid, "name is longer than 200 characters")
	}
	if n.Email != "" {
		if len(SecretKinds(n.Email)) > 0 {
			return apperr.New(apperr.Invalid, "the email looks like it holds a seed phrase or private key, so it was not saved; "+
				"never share them with anyone (邮箱中疑似包含助记词或私钥，未被保存；请勿向任何人透露)")
		}
		if a, err := mail.ParseAddress(n.Email); err != nil || a.Address != n.Email || len(n.Email) > 320 || hasControl(n.Email) {
			return apperr.New(apperr.Invalid, "email %q is not a valid address", n.Email)
		}
	}
	if len(n.ExternalID) > 200 {
		return apperr.New(apperr.Invalid, "user id is longer than 200 characters")
	}
	if hasControl(n.ExternalID) {
		return apperr.New(apperr.Invalid, "user id contains control characters")
	}
	v, err := n.Visitor.Clean()
	if err != nil {
		return err
	}
	n.Visitor = v
	return nil
}

const contactCols = "id, name, email, COALESCE(external_id, ''), attributes, created_at"

func scanContact(row scanner) (Contact, error) {
	var c Contact
	var attrs string
	var created int64
	if err := row.Scan(&c.ID, &c.Name, &c.Email, &c.ExternalID, &attrs, &created); err != nil {
		return c, err
	}
	c.CreatedAt = fromMS(created)
	c.Attributes = map[string]string{}
	if err := json.Unmarshal([]byte(attrs), &c.Attributes); err != nil {
		return c, fmt.Errorf("contact %s attributes: %w", c.ID, err)
	}
	return c, nil
}

// Contact returns one contact.
func (s *Store) Contact(ctx context.Context, id string) (Contact, error) {
	c, err := scanContact(s.db.QueryRow(ctx, "SELECT "+contactCols+" FROM contacts WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, apperr.New(apperr.NotFound, "contact %q not found", id)
	}
	if err != nil {
		return c, fmt.Errorf("read contact %s: %w", id, err)
	}
	return c, nil
}

// upsertContact finds the contact with the external id, or creates one.
// Name and email of an identified contact are updated when given.
func (s *Store) upsertContact(ctx context.Context, tx *store.Tx, n NewContact) (Contact, error) {
	now := s.now()
	if n.ExternalID != "" {
		c, err := scanContact(tx.QueryRow(ctx, "SELECT "+contactCols+" FROM contacts WHERE external_id = ?", n.ExternalID))
		if err == nil {
			if (n.Name != "" && n.Name != c.Name) || (n.Email != "" && n.Email != c.Email) {
				c.Name = firstNonEmpty(n.Name, c.Name)
				c.Email = firstNonEmpty(n.Email, c.Email)
				if _, err := tx.Exec(ctx, "UPDATE contacts SET name = ?, email = ? WHERE id = ?", c.Name, c.Email, c.ID); err != nil {
					return c, fmt.Errorf("update contact %s: %w", c.ID, err)
				}
			}
			return c, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return c, fmt.Errorf("find contact by user id: %w", err)
		}
	}
	c := Contact{ID: NewID("ct"), Name: n.Name, Email: n.Email, ExternalID: n.ExternalID,
		Attributes: map[string]string{}, CreatedAt: fromMS(ms(now))}
	if _, err := tx.Exec(ctx, `INSERT INTO contacts (id, name, email, external_id, attributes, created_at)
		VALUES (?, ?, ?, ?, '{}', ?)`, c.ID, c.Name, c.Email, nullable(c.ExternalID), ms(now)); err != nil {
		return c, fmt.Errorf("create contact: %w", err)
	}
	return c, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
