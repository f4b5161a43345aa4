// Package audit records who changed what: one row per agent, token or
// system action in the audit_log table, and the queries that read it back.
package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/huiying/huiying/internal/store"
)

// Actor types.
const (
	ActorAgent  = "agent"  // an agent signed in to the console
	ActorToken  = "token"  // an agent's API token
	ActorSystem = "system" // the server or the command line
)

// Entry is one audit log row.
type Entry struct {
	ID         int64          `json:"id"`
	At         time.Time      `json:"at"`
	ActorType  string         `json:"actor_type"`
	ActorID    string         `json:"actor_id"`
	ActorEmail string         `json:"actor_email"`
	Action     string         `json:"action"`
	TargetType string         `json:"target_type"`
	TargetID   string         `json:"target_id"`
	IP         string         `json:"ip"`
	UserAgent  string         `json:"user_agent"`
	Details    map[string]any `json:"details"`
}

// Execer is a *store.DB or a *store.Tx: record inside a transaction to make
// the entry part of the change.
type Execer interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Record stores e; nil Details is {}. e.At is required: the caller stamps
// the entry with its injected clock (the wall clock only in commands), so
// the log never mixes clocks.
func Record(ctx context.Context, db Execer, e Entry) error {
	if e.At.IsZero() {
		return fmt.Errorf("audit: entry %q has no time", e.Action)
	}
	if e.ActorType == "" {
		e.ActorType = ActorSystem
	}
	details := []byte("{}")
	if len(e.Details) > 0 {
		b, err := json.Marshal(e.Details)
		if err != nil {
			return fmt.Errorf("audit: encode details: %w", err)
		}
		details = b
	}
	_, err := db.Exec(ctx, `INSERT INTO audit_log (at, actor_type, actor_id, actor_email, action, target_type, target_id, ip, user_agent, details)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.At.UnixMilli(), e.ActorType, e.ActorID, e.ActorEmail, e.Action,
		e.TargetType, e.TargetID, clip(e.IP, 100), clip(e.UserAgent, 500), string(details))
	if err != nil {
		return fmt.Errorf("audit: record %s: %w", e.Action, err)
	}
	return nil
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// Filter selects entries; zero fields do not filter. Entries come newest
// first; Before (an entry id) pages back.
type Filter struct {
	ActorID string
	Action  string
	Since   time.Time // at >= Since
	Until   time.Time // at < Until
	Before  int64     // id < Before
	Limit   int       // 1..MaxLimit; 0 means DefaultLimit
}

// Page sizes.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
	// ExportLimit bounds one CSV export.
	ExportLimit = 100000
)

// List returns the entries matching f, newest first. limitCap bounds
// f.Limit (MaxLimit for pages, ExportLimit for exports).
func List(ctx context.Context, db *store.DB, f Filter, limitCap int) ([]Entry, error) {
	var where []string
	var args []any
	if f.ActorID != "" {
		where, args = append(where, "actor_id = ?"), append(args, f.ActorID)
	}
	if f.Action != "" {
		where, args = append(where, "action = ?"), append(args, f.Action)
	}
	if !f.Since.IsZero() {
		where, args = append(where, "at >= ?"), append(args, f.Since.UnixMilli())
	}
	if !f.Until.IsZero() {
		where, args = append(where, "at < ?"), append(args, f.Until.UnixMilli())
	}
	if f.Before > 0 {
		where, args = append(where, "id < ?"), append(args, f.Before)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	if limit > limitCap {
		limit = limitCap
	}
	q := "SELECT id, at, actor_type, actor_id, actor_email, action, target_type, target_id, ip, user_agent, details FROM audit_log"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, limit)
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	defer rows.Close()
	out := []Entry{}
	for rows.Next() {
		var e Entry
		var at int64
		var details string
		if err := rows.Scan(&e.ID, &at, &e.ActorType, &e.ActorID, &e.ActorEmail, &e.Action, &e.TargetType, &e.TargetID,
			&e.IP, &e.UserAgent, &details); err != nil {
			return nil, fmt.Errorf("audit: list: %w", err)
		}
		e.At = time.UnixMilli(at).UTC()
		e.Details = map[string]any{}
		_ = json.Unmarshal([]byte(details), &e.Details)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Prune deletes the entries recorded before cutoff, at most batch per
// transaction so a first prune of a large backlog does not hold the write
// lock for long, and returns how many it deleted.
func Prune(ctx context.Context, db *store.DB, cutoff time.Time, batch int) (int, error) {
	total := 0
	for {
		res, err := db.Exec(ctx, "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ? ORDER BY id LIMIT ?)",
			cutoff.UnixMilli(), batch)
		if err != nil {
			return total, fmt.Errorf("audit: delete entries before %s: %w", cutoff.UTC().Format(time.RFC3339), err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, fmt.Errorf("audit: delete entries: %w", err)
		}
		total += int(n)
		if int(n) < batch {
			return total, nil
		}
	}
}
