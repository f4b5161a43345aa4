package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/huiying/huiying/internal/app"
	"github.com/huiying/huiying/internal/audit"
	"github.com/huiying/huiying/internal/auth"
)

func tokenCreate(ctx context.Context, env Env, args []string) error {
	var email, name, scope string
	var ttl time.Duration
	cfg, err := parse(env, "token create", args, func(fs *flag.FlagSet) {
		fs.StringVar(&scope, "scope", "write", "what the token may do: read (GET only), write (all but admin routes) or admin")
		fs.StringVar(&email, "agent", "", "email of the agent the token acts as (required)")
		fs.StringVar(&name, "name", "cli", "a name to recognise the token by")
		fs.DurationVar(&ttl, "ttl", 0, "lifetime, e.g. 720h (default: no expiry)")
	})
	if err != nil {
		return err
	}
	if email == "" {
		fmt.Fprintln(env.Stderr, "huiying token create: --agent EMAIL is required")
		return ErrUsage
	}
	a, err := app.Open(ctx, cfg, newLogger(cfg, env.Stderr), env.Stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	ag, err := a.Auth.AgentByEmail(ctx, email)
	if err != nil {
		return fmt.Errorf("%w (list agents in the console, or check --data)", err)
	}
	secret, tok, err := a.Auth.CreateToken(ctx, ag.ID, name, auth.Scope(scope), ttl)
	if err != nil {
		return err
	}
	if err := audit.Record(ctx, a.DB, audit.Entry{At: time.Now(), ActorType: audit.ActorSystem, Action: "token.create",
		TargetType: "token", TargetID: tok.ID, Details: map[string]any{
			"agent_id": ag.ID, "agent_email": ag.Email, "name": name, "scope": string(tok.Scope), "ttl": ttl.String()}}); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, secret)
	return nil
}

// tokenList prints the API tokens of every agent or of one (--agent),
// never a secret: only hashes are stored.
func tokenList(ctx context.Context, env Env, args []string) error {
	var email string
	var asJSON bool
	cfg, err := parse(env, "token list", args, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "agent", "", "only the tokens of the agent with this email")
		fs.BoolVar(&asJSON, "json", false, "print JSON")
	})
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, newLogger(cfg, env.Stderr), env.Stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	agentID := ""
	if email != "" {
		ag, err := a.Auth.AgentByEmail(ctx, email)
		if err != nil {
			return fmt.Errorf("%w (list agents in the console, or check --data)", err)
		}
		agentID = ag.ID
	}
	ts, err := a.Auth.Tokens(ctx, agentID)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(ts)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tAGENT\tSCOPE\tCREATED\tEXPIRES\tSTATE")
	now := time.Now()
	for _, t := range ts {
		expires, state := "never", "active"
		if t.ExpiresAt != nil {
			expires = t.ExpiresAt.Format(time.RFC3339)
			if !now.Before(*t.ExpiresAt) {
				state = "expired"
			}
		}
		if t.Revoked {
			state = "revoked"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, oneLine(t.Name), t.AgentEmail, t.Scope,
			t.CreatedAt.Format(time.RFC3339), expires, state)
	}
	return tw.Flush()
}

// oneLine keeps a token name from breaking the table.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}

// tokenRevoke revokes the token ID for good. A server running on the same
// database refuses it on the next request; its open WebSockets close at
// their next re-check (15 s), since this process cannot tell the server.
func tokenRevoke(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(env.Stderr, "huiying token revoke: usage: huiying token revoke ID [flags] (ID: tk_…, see 'huiying token list')")
		return ErrUsage
	}
	id := args[0]
	cfg, err := parse(env, "token revoke", args[1:], nil)
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, newLogger(cfg, env.Stderr), env.Stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	t, err := a.Auth.TokenByID(ctx, id)
	if err != nil {
		return fmt.Errorf("%w (see 'huiying token list', or check --data)", err)
	}
	if err := a.Auth.RevokeToken(ctx, id); err != nil {
		return err
	}
	if err := audit.Record(ctx, a.DB, audit.Entry{At: time.Now(), ActorType: audit.ActorSystem, Action: "token.revoke",
		TargetType: "token", TargetID: id, Details: map[string]any{
			"agent_id": t.AgentID, "agent_email": t.AgentEmail, "name": t.Name, "was_revoked": t.Revoked}}); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "revoked %s (%s, %s)\n", id, oneLine(t.Name), t.AgentEmail)
	return nil
}
