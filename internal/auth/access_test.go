package auth_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/auth"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/storetest"
)

// TestAccessChangesAreAnnounced checks that every change that can end an
// agent's access tells the OnAccessChanged subscribers, after the change is
// visible, and that the re-check functions see it.
func TestAccessChangesAreAnnounced(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := &clock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
		svc := auth.NewService(db, clk.now)
		admin, err := svc.CreateAgent(ctx, "admin@example.com", "Admin", auth.RoleAdmin, "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		mei, err := svc.CreateAgent(ctx, "mei@example.com", "Mei", auth.RoleAgent, "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		secret, _, err := svc.CreateSession(ctx, mei.ID)
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var told []string
		// The subscriber re-checks the session as the agent socket does:
		// the change must already be committed when it is told.
		var validWhenTold []bool
		svc.OnAccessChanged(func(id string) {
			_, err := svc.CheckSession(ctx, secret)
			mu.Lock()
			told = append(told, id)
			validWhenTold = append(validWhenTold, err == nil)
			mu.Unlock()
		})
		expectTold := func(what string, valid bool) {
			t.Helper()
			mu.Lock()
			defer mu.Unlock()
			if !slices.Equal(told, []string{mei.ID}) || validWhenTold[0] != valid {
				t.Fatalf("%s: told %v (session valid %v), want [%s] once (valid %v)", what, told, validWhenTold, mei.ID, valid)
			}
			told, validWhenTold = nil, nil
		}

		// CheckSession neither slides nor ends the session.
		clk.advance(2 * time.Hour)
		g, err := svc.CheckSession(ctx, secret)
		if err != nil || g.Agent.ID != mei.ID || g.Agent.Role != auth.RoleAgent || !g.Until.Equal(clk.now().Add(auth.SessionTTL-2*time.Hour)) {
			t.Fatalf("CheckSession = %+v, %v", g, err)
		}

		role := auth.RoleSupervisor
		if _, err := svc.UpdateAgent(ctx, admin.ID, mei.ID, auth.AgentChange{Role: &role}); err != nil {
			t.Fatal(err)
		}
		expectTold("role change", true)
		if g, err := svc.CheckSession(ctx, secret); err != nil || g.Agent.Role != auth.RoleSupervisor {
			t.Fatalf("after the role change: %+v, %v", g, err)
		}

		if err := svc.ChangePassword(ctx, mei.ID, "correct horse battery", "a new long passphrase", "", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		expectTold("password change", false)

		secret, _, err = svc.CreateSession(ctx, mei.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.DeleteSession(ctx, secret); err != nil {
			t.Fatal(err)
		}
		expectTold("sign out", false)
		if err := svc.DeleteSession(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if mu.Lock(); len(told) != 0 {
			t.Fatalf("signing out an ended session told %v", told)
		}
		mu.Unlock()

		tok, info, err := svc.CreateToken(ctx, mei.ID, "ci", auth.ScopeRead, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if g, err := svc.CheckToken(ctx, tok); err != nil || g.Scope != auth.ScopeRead || !g.Until.Equal(*info.ExpiresAt) {
			t.Fatalf("CheckToken = %+v, %v; want read scope until %v", g, err, info.ExpiresAt)
		}
		if err := svc.RevokeToken(ctx, info.ID); err != nil {
			t.Fatal(err)
		}
		expectTold("token revoked", false)
		if _, err := svc.CheckToken(ctx, tok); !apperr.Is(err, apperr.Unauthorized) {
			t.Fatalf("revoked token: %v, want unauthorized", err)
		}
		if err := svc.RevokeToken(ctx, "tk_nope"); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("revoke an unknown token: %v, want not_found", err)
		}

		secret, _, err = svc.CreateSession(ctx, mei.ID)
		if err != nil {
			t.Fatal(err)
		}
		off := false
		if _, err := svc.UpdateAgent(ctx, admin.ID, mei.ID, auth.AgentChange{Active: &off}); err != nil {
			t.Fatal(err)
		}
		expectTold("deactivation", false)
	})
}
