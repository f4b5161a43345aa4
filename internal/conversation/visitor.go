package conversation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/store"
)

// VisitorContext is what the widget or the wallet app tells about the
// visitor's setting when a conversation starts, and later as the visitor
// moves on: agents read it beside the conversation. Every field is
// optional, bounded, and typed by the visitor's side, so it is cleaned and
// passes the secret guard like the contact's name.
type VisitorContext struct {
	PageURL    string `json:"page_url,omitempty"`
	Referrer   string `json:"referrer,omitempty"`
	Browser    string `json:"browser,omitempty"`
	AppVersion string `json:"app_version,omitempty"`
	Device     string `json:"device,omitempty"`
	Language   string `json:"language,omitempty"`
	TimeZone   string `json:"time_zone,omitempty"`
}

// Limits on the visitor context's fields, in bytes.
const (
	MaxVisitorURL   = 2048 // page_url, referrer
	MaxVisitorText  = 200  // browser, app_version, device
	MaxVisitorLang  = 35   // language (a BCP 47 tag)
	MaxVisitorTZone = 64   // time_zone (an IANA name)
)

var (
	langTagRE  = regexp.MustCompile(`^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$`)
	timeZoneRE = regexp.MustCompile(`^[A-Za-z0-9_+\-/]+$`)
)

// Empty reports whether no field is set.
func (v VisitorContext) Empty() bool { return v == VisitorContext{} }

// merge sets the fields of ch that are not empty.
func (v *VisitorContext) merge(ch VisitorContext) {
	for _, f := range []struct {
		dst *string
		src string
	}{
		{&v.PageURL, ch.PageURL}, {&v.Referrer, ch.Referrer}, {&v.Browser, ch.Browser},
		{&v.AppVersion, ch.AppVersion}, {&v.Device, ch.Device}, {&v.Language, ch.Language}, {&v.TimeZone, ch.TimeZone},
	} {
		if f.src != "" {
			*f.dst = f.src
		}
	}
}

// Clean validates the fields and returns them ready to store: spaces
// trimmed, and a seed phrase or private key in any of them replaced by the
// guard's marker (as in a name: the visitor's side fills these in, and a
// page address may carry one in its query). A field that is too long, an
// address that is not http or https, or a malformed language tag or time
// zone is refused with the field's name, so the integrator can fix it.
func (v VisitorContext) Clean() (VisitorContext, error) {
	fields := []struct {
		name string
		p    *string
		max  int
		ok   func(string) bool
		want string
	}{
		{"page_url", &v.PageURL, MaxVisitorURL, isWebURL, "an http or https address"},
		{"referrer", &v.Referrer, MaxVisitorURL, isWebURL, "an http or https address"},
		{"browser", &v.Browser, MaxVisitorText, nil, ""},
		{"app_version", &v.AppVersion, MaxVisitorText, nil, ""},
		{"device", &v.Device, MaxVisitorText, nil, ""},
		{"language", &v.Language, MaxVisitorLang, langTagRE.MatchString, "a language tag such as zh-CN or en"},
		{"time_zone", &v.TimeZone, MaxVisitorTZone, timeZoneRE.MatchString, "a time zone name such as Asia/Shanghai"},
	}
	for _, f := range fields {
		s := strings.TrimSpace(*f.p)
		if s == "" {
			*f.p = ""
			continue
		}
		if len(s) > f.max {
			return v, apperr.New(apperr.Invalid, "context.%s is %d bytes long; the limit is %d (访客信息 %s 过长)", f.name, len(s), f.max, f.name)
		}
		if !utf8.ValidString(s) || hasControl(s) {
			return v, apperr.New(apperr.Invalid, "context.%s contains control characters; remove them (访客信息 %s 包含控制字符)", f.name, f.name)
		}
		if f.ok != nil && !f.ok(s) {
			return v, apperr.New(apperr.Invalid, "context.%s must be %s, got %q (访客信息 %s 格式不正确)", f.name, f.want, s, f.name)
		}
		*f.p = RedactName(s)
	}
	return v, nil
}

func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

// VisitorInfo is a conversation's visitor context and when it last changed
// (zero when none was ever given).
type VisitorInfo struct {
	Context   VisitorContext `json:"context"`
	UpdatedAt *time.Time     `json:"updated_at,omitempty"`
}

// Visitor returns the conversation's visitor context; a conversation
// without one has an empty context.
func (s *Store) Visitor(ctx context.Context, conversationID string) (VisitorInfo, error) {
	return visitorIn(ctx, s.db.QueryRow, conversationID)
}

func visitorIn(ctx context.Context, queryRow func(context.Context, string, ...any) *sql.Row, conversationID string) (VisitorInfo, error) {
	var raw string
	var updated int64
	err := queryRow(ctx, "SELECT context, updated_at FROM conversation_visitors WHERE conversation_id = ?", conversationID).Scan(&raw, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return VisitorInfo{}, nil
	}
	if err != nil {
		return VisitorInfo{}, fmt.Errorf("read visitor context of %s: %w", conversationID, err)
	}
	var out VisitorInfo
	if err := json.Unmarshal([]byte(raw), &out.Context); err != nil {
		return VisitorInfo{}, fmt.Errorf("visitor context of %s: %w", conversationID, err)
	}
	t := fromMS(updated)
	out.UpdatedAt = &t
	return out, nil
}

// SetVisitor merges ch into the conversation's visitor context: the fields
// given replace the stored ones, the others stay. The conversation must
// exist.
func (s *Store) SetVisitor(ctx context.Context, conversationID string, ch VisitorContext) (VisitorInfo, error) {
	ch, err := ch.Clean()
	if err != nil {
		return VisitorInfo{}, err
	}
	var out VisitorInfo
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := mustExist(ctx, tx, "conversations", conversationID, "conversation"); err != nil {
			return err
		}
		out, err = setVisitorTx(ctx, tx, conversationID, ch, s.now())
		return err
	})
	return out, err
}

func setVisitorTx(ctx context.Context, tx *store.Tx, conversationID string, ch VisitorContext, now time.Time) (VisitorInfo, error) {
	cur, err := visitorIn(ctx, tx.QueryRow, conversationID)
	if err != nil {
		return cur, err
	}
	cur.Context.merge(ch)
	b, err := json.Marshal(cur.Context)
	if err != nil {
		return cur, fmt.Errorf("encode visitor context: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO conversation_visitors (conversation_id, context, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (conversation_id) DO UPDATE SET context = excluded.context, updated_at = excluded.updated_at`,
		conversationID, string(b), ms(now)); err != nil {
		return cur, fmt.Errorf("store visitor context of %s: %w", conversationID, err)
	}
	t := fromMS(ms(now))
	cur.UpdatedAt = &t
	return cur, nil
}

// SetContactName sets the name a visitor gave in the chat, cleaned and
// guarded like the name sent when the conversation starts. An empty name
// changes nothing.
func (s *Store) SetContactName(ctx context.Context, contactID, name string) (Contact, error) {
	n := NewContact{Name: name}
	if err := n.Validate(); err != nil {
		return Contact{}, err
	}
	if n.Name == "" {
		return s.Contact(ctx, contactID)
	}
	res, err := s.db.Exec(ctx, "UPDATE contacts SET name = ? WHERE id = ?", n.Name, contactID)
	if err != nil {
		return Contact{}, fmt.Errorf("set the name of contact %s: %w", contactID, err)
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return Contact{}, apperr.New(apperr.NotFound, "contact %q not found", contactID)
	}
	return s.Contact(ctx, contactID)
}
