package conversation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/huiying/huiying/internal/apperr"
)

// Channels an inbox can be.
const (
	ChannelWebChat = "webchat"
	ChannelAPI     = "api"
	ChannelEmail   = "email"
)

// CreateInbox adds an inbox with a fresh public key and HMAC secret.
func (s *Store) CreateInbox(ctx context.Context, name, channel string) (Inbox, error) {
	name = CleanName(name)
	if name == "" {
		return Inbox{}, apperr.New(apperr.Invalid, "inbox name is required")
	}
	if channel == "" {
		channel = ChannelWebChat
	}
	in := Inbox{
		ID:         NewID("in"),
		Name:       name,
		Channel:    channel,
		PublicKey:  "pk_" + strings.ToLower(NewID("")[1:]),
		HMACSecret: newInboxSecret(),
		CreatedAt:  fromMS(ms(s.now())),
		BotEnabled: channel == ChannelWebChat,
	}
	_, err := s.db.Exec(ctx, `INSERT INTO inboxes (id, name, channel, public_key, hmac_secret, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, in.ID, in.Name, in.Channel, in.PublicKey, in.HMACSecret, ms(in.CreatedAt))
	if err != nil {
		return Inbox{}, fmt.Errorf("create inbox %q: %w", name, err)
	}
	return in, nil
}

const inboxCols = "id, name, channel, public_key, hmac_secret, COALESCE(team_id, ''), bot_enabled, created_at"

func scanInbox(row scanner) (Inbox, error) {
	var in Inbox
	var created int64
	var bot sql.NullInt64
	err := row.Scan(&in.ID, &in.Name, &in.Channel, &in.PublicKey, &in.HMACSecret, &in.TeamID, &bot, &created)
	in.CreatedAt = fromMS(created)
	in.BotEnabled = in.Channel == ChannelWebChat
	if bot.Valid {
		in.BotEnabled = bot.Int64 != 0
	}
	return in, err
}

// SetInboxBot turns the FAQ bot on or off for an inbox.
func (s *Store) SetInboxBot(ctx context.Context, id string, on bool) (Inbox, error) {
	v := 0
	if on {
		v = 1
	}
	res, err := s.db.Exec(ctx, "UPDATE inboxes SET bot_enabled = ? WHERE id = ?", v, id)
	if err != nil {
		return Inbox{}, fmt.Errorf("set the bot of inbox %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Inbox{}, apperr.New(apperr.NotFound, "inbox %q not found", id)
	}
	return s.InboxByID(ctx, id)
}

// InboxByKey finds a web-chat inbox by its public key.
func (s *Store) InboxByKey(ctx context.Context, key string) (Inbox, error) {
	in, err := scanInbox(s.db.QueryRow(ctx, "SELECT "+inboxCols+" FROM inboxes WHERE public_key = ?", key))
	if errors.Is(err, sql.ErrNoRows) {
		return in, apperr.New(apperr.NotFound, "no inbox has the key %q; check the widget's data-inbox attribute", key)
	}
	if err != nil {
		return in, fmt.Errorf("find inbox by key: %w", err)
	}
	return in, nil
}

// InboxByID returns one inbox.
func (s *Store) InboxByID(ctx context.Context, id string) (Inbox, error) {
	in, err := scanInbox(s.db.QueryRow(ctx, "SELECT "+inboxCols+" FROM inboxes WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return in, apperr.New(apperr.NotFound, "inbox %q not found", id)
	}
	if err != nil {
		return in, fmt.Errorf("read inbox %s: %w", id, err)
	}
	return in, nil
}

// Inboxes lists all inboxes, oldest first.
func (s *Store) Inboxes(ctx context.Context) ([]Inbox, error) {
	rows, err := s.db.Query(ctx, "SELECT "+inboxCols+" FROM inboxes ORDER BY created_at, id")
	if err != nil {
		return nil, fmt.Errorf("list inboxes: %w", err)
	}
	defer rows.Close()
	out := []Inbox{}
	for rows.Next() {
		in, err := scanInbox(rows)
		if err != nil {
			return nil, fmt.Errorf("list inboxes: %w", err)
		}
		out = append(out, in)
	}
	return out, rows.Err()
}
