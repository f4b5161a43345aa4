package app

import (
	"context"
	"fmt"

	"github.com/huiying/huiying/internal/auth"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/kb"
)

// FirstRunEmail is the sign-in of the admin created on an empty database.
const FirstRunEmail = "admin@huiying.local"

// Bootstrap prepares an empty database: a "Web chat" inbox, an admin with a
// one-time password, printed to the operator, and the bundled demo
// knowledge base (when no articles exist). It does nothing when agents
// exist already.
func (a *App) Bootstrap(ctx context.Context) error {
	n, err := a.Auth.CountAgents(ctx)
	if err != nil || n > 0 {
		return err
	}
	in, err := a.Convs.CreateInbox(ctx, "Web chat", conversation.ChannelWebChat)
	if err != nil {
		return err
	}
	nkb, err := a.loadDemoKB(ctx)
	if err != nil {
		return err
	}
	pw := auth.NewPassword()
	if _, err := a.Auth.CreateAgent(ctx, FirstRunEmail, "Admin", auth.RoleAdmin, pw); err != nil {
		return err
	}
	fmt.Fprintf(a.out, `
First start: created the inbox "Web chat" and an admin.
  sign in as:   %s
  password:     %s   (shown once; change it after signing in; admins set up two-factor sign-in first)
  inbox key:    %s
  knowledge base: %d demo articles (edit them in the console or with "huiying kb import")
`, FirstRunEmail, pw, in.PublicKey, nkb)
	return nil
}

// loadDemoKB stores the bundled demo articles when the knowledge base is
// empty, and returns how many it stored.
func (a *App) loadDemoKB(ctx context.Context) (int, error) {
	n, err := a.KB.Count(ctx)
	if err != nil || n > 0 {
		return 0, err
	}
	demo, err := kb.Demo()
	if err != nil {
		return 0, fmt.Errorf("load the demo knowledge base: %w", err)
	}
	if err := a.KB.UpsertAll(ctx, demo, nil); err != nil {
		return 0, fmt.Errorf("store the demo knowledge base: %w", err)
	}
	return len(demo), nil
}
