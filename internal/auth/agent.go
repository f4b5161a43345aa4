package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/store"
)

// Role is what an agent may do.
type Role string

// Roles, from least to most powerful.
const (
	RoleAgent      Role = "agent"
	RoleSupervisor Role = "supervisor"
	RoleAdmin      Role = "admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAgent || r == RoleSupervisor || r == RoleAdmin }

// AtLeast reports whether r includes the powers of min.
func (r Role) AtLeast(min Role) bool { return rank(r) >= rank(min) }

func rank(r Role) int {
	switch r {
	case RoleAdmin:
		return 3
	case RoleSupervisor:
		return 2
	case RoleAgent:
		return 1
	}
	return 0
}

// Agent is a member of the support team.
type Agent struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
	// TOTPEnabled is set when the agent signs in with a second factor.
	TOTPEnabled bool `json:"totp_enabled"`
	// AvatarURL is where the agent's uploaded avatar is served on this
	// server ("" without one); it changes with each upload.
	AvatarURL string `json:"avatar_url,omitempty"`
}

// NeedsTOTPSetup reports whether the agent must enroll in two-factor
// sign-in before using the console: it is required for admins.
func (a Agent) NeedsTOTPSetup() bool { return a.Role == RoleAdmin && !a.TOTPEnabled }

// Service stores agents and tokens.
type Service struct {
	watchers accessWatchers // told of changes that can end access (OnAccessChanged)

	db  *store.DB
	now func() time.Time
	pw  *hasher // every argon2id hash and check goes through it
}

// NewService returns a Service on db.
func NewService(db *store.DB, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, now: now, pw: newHasher()}
}

// CreateAgent adds an agent with the given password.
func (s *Service) CreateAgent(ctx context.Context, email, name string, role Role, password string) (Agent, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		return Agent{}, apperr.New(apperr.Invalid, "email %q is not a valid address", email)
	}
	if !role.Valid() {
		return Agent{}, apperr.New(apperr.Invalid, "unknown role %q (use agent, supervisor or admin)", role)
	}
	if len(password) < 10 {
		return Agent{}, apperr.New(apperr.Invalid, "password must have at least 10 characters")
	}
	hash, err := s.pw.hash(ctx, password)
	if err != nil {
		return Agent{}, err
	}
	// Names show in the chat with the verified mark: no control or
	// direction characters that hide or reorder text.
	if name = conversation.CleanName(name); name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	a := Agent{ID: conversation.NewID("ag"), Email: email, Name: name, Role: role, Active: true,
		CreatedAt: time.UnixMilli(s.now().UnixMilli()).UTC()}
	_, err = s.db.Exec(ctx, `INSERT INTO agents (id, email, name, role, password_hash, active, created_at)
		VALUES (?, ?, ?, ?, ?, 1, ?)`, a.ID, a.Email, a.Name, string(a.Role), hash, a.CreatedAt.UnixMilli())
	if store.IsUniqueViolation(err) {
		return Agent{}, apperr.New(apperr.Conflict, "an agent with email %s already exists", email)
	}
	if err != nil {
		return Agent{}, fmt.Errorf("create agent %s: %w", email, err)
	}
	return a, nil
}

const agentCols = "id, email, name, role, active, created_at, CASE WHEN totp_secret <> '' THEN 1 ELSE 0 END, " +
	"COALESCE((SELECT av.updated_at FROM agent_avatars av WHERE av.agent_id = agents.id), 0)"

func scanAgent(row interface{ Scan(...any) error }) (Agent, error) {
	var a Agent
	var active, totp int
	var created, avatar int64
	err := row.Scan(&a.ID, &a.Email, &a.Name, &a.Role, &active, &created, &totp, &avatar)
	if avatar != 0 {
		a.AvatarURL = avatarURL(a.ID, avatar)
	}
	a.Active = active == 1
	a.TOTPEnabled = totp == 1
	a.CreatedAt = time.UnixMilli(created).UTC()
	return a, err
}

// AgentByEmail finds an agent by email.
func (s *Service) AgentByEmail(ctx context.Context, email string) (Agent, error) {
	return s.agentWhere(ctx, "email = ?", strings.ToLower(strings.TrimSpace(email)))
}

// AgentByID finds an agent by id.
func (s *Service) AgentByID(ctx context.Context, id string) (Agent, error) {
	return s.agentWhere(ctx, "id = ?", id)
}

func (s *Service) agentWhere(ctx context.Context, cond string, arg any) (Agent, error) {
	a, err := scanAgent(s.db.QueryRow(ctx, "SELECT "+agentCols+" FROM agents WHERE "+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return a, apperr.New(apperr.NotFound, "agent %v not found", arg)
	}
	if err != nil {
		return a, fmt.Errorf("read agent: %w", err)
	}
	return a, nil
}

// Agents lists all agents.
func (s *Service) Agents(ctx context.Context) ([]Agent, error) {
	rows, err := s.db.Query(ctx, "SELECT "+agentCols+" FROM agents ORDER BY created_at, id")
	if err != nil {
		return nil, fmt.Errorf("list agents: %w", err)
	}
	defer rows.Close()
	out := []Agent{}
	for rows.Next() {
		a, err := scanAgent(rows)
		if err != nil {
			return nil, fmt.Errorf("list agents: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// CountAgents returns how many agents exist (0 on a fresh install).
func (s *Service) CountAgents(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM agents").Scan(&n); err != nil {
		return 0, fmt.Errorf("count agents: %w", err)
	}
	return n, nil
}

// Login checks an email and password and returns the active agent.
func (s *Service) Login(ctx context.Context, email, password string) (Agent, error) {
	var hash string
	var id string
	err := s.db.QueryRow(ctx, "SELECT id, password_hash FROM agents WHERE email = ? AND active = 1",
		strings.ToLower(strings.TrimSpace(email))).Scan(&id, &hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Agent{}, fmt.Errorf("login: %w", err)
	}
	if err != nil {
		if err := s.pw.checkDecoy(ctx, password); err != nil {
			return Agent{}, err
		}
		return Agent{}, apperr.New(apperr.Unauthorized, "wrong email or password")
	}
	if ok, err := s.pw.check(ctx, hash, password); err != nil || !ok {
		if err != nil {
			return Agent{}, err
		}
		return Agent{}, apperr.New(apperr.Unauthorized, "wrong email or password")
	}
	return s.AgentByID(ctx, id)
}
