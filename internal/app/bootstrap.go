package app

import (
	"context"
	"fmt"

	"github.com/huiying/huiying/internal/auth"
	"github.com/huiying/huiying/internal/conversation"
)

// FirstRunEmail is the sign-in of the admin created on an empty database.
const FirstRunEmail = "admin@huiying.local"

// Bootstrap prepares an empty database: a "Web chat" inbox and an admin
// with a one-time password, printed to the operator. It does nothing when
// agents exist already.
func (a *App) Bootstrap(ctx context.Context) error {
	n, err := a.Auth.CountAgents(ctx)
	if err != nil || n > 0 {
		return err
	}
	in, err := a.Convs.CreateInbox(ctx, "Web chat", conversation.ChannelWebChat)
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
`, FirstRunEmail, pw, in.PublicKey)
	return nil
}
