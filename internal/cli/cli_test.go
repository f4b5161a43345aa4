package cli_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/app"
	"github.com/huiying/huiying/internal/auth"
	"github.com/huiying/huiying/internal/cli"
)

// helpCommands reads the command names from the help text: the indented
// lines between "Commands:" and the first blank line.
func helpCommands(t *testing.T, help string) []string {
	t.Helper()
	_, list, ok := strings.Cut(help, "Commands:\n")
	if !ok {
		t.Fatalf("help has no command list:\n%s", help)
	}
	list, _, _ = strings.Cut(list, "\n\n")
	var names []string
	for _, line := range strings.Split(list, "\n") {
		// "  NAME           what it does": the name is padded to 14.
		if len(line) < 17 || strings.TrimSpace(line[16:]) == "" {
			t.Fatalf("help line %q has no description", line)
		}
		names = append(names, strings.TrimSpace(line[2:16]))
	}
	return names
}

func TestHelpListsCommandsThenServerFlags(t *testing.T) {
	for _, arg := range []string{"--help", "-h", "help", "-help"} {
		stdout, stderr, err := runCLI(arg)
		if err != nil || stderr != "" {
			t.Fatalf("huiying %s: err %v, stderr %q; want success and nothing on stderr", arg, err, stderr)
		}
		names := helpCommands(t, stdout)
		for _, want := range []string{"serve", "migrate", "token create", "token list", "token revoke", "guard scan", "bot eval", "bench intake", "kb import"} {
			if !strings.Contains(strings.Join(names, "\n")+"\n", want+"\n") {
				t.Errorf("huiying %s lists %q, which lacks %q", arg, names, want)
			}
		}
		cmds := strings.Index(stdout, "Commands:")
		flags := strings.Index(stdout, "  -data string")
		if cmds < 0 || flags < cmds || !strings.Contains(stdout, "  -db string") {
			t.Errorf("huiying %s: want the commands, then the server flags (-data, -db):\n%s", arg, stdout)
		}
	}
}

// TestEveryCommandAcceptsConfigFlags runs every command of the help list
// with --data and --db, then -h so that nothing else runs: each must get
// as far as its help (or, for version, run), not refuse the flags.
func TestEveryCommandAcceptsConfigFlags(t *testing.T) {
	help, _, err := runCLI("help")
	if err != nil {
		t.Fatal(err)
	}
	positional := map[string]string{"kb import": "article.md", "token revoke": "tk_none"}
	dir := t.TempDir()
	for _, name := range helpCommands(t, help) {
		args := strings.Fields(name)
		if p, ok := positional[name]; ok {
			args = append(args, p)
		}
		for _, flags := range [][]string{{"--data", dir, "--db", ""}, {"--data=" + dir, "-db="}} {
			argv := append(append(append([]string{}, args...), flags...), "-h")
			_, stderr, err := runCLI(argv...)
			if err != nil && !errors.Is(err, flag.ErrHelp) {
				t.Errorf("huiying %s: %v; stderr:\n%s", strings.Join(argv, " "), err, stderr)
			}
		}
	}
}

// TestGuardScanIgnoresDataFlag runs a command that opens no database with
// the configuration flags all over its command line.
func TestGuardScanIgnoresDataFlag(t *testing.T) {
	var out strings.Builder
	err := cli.Run(context.Background(), cli.Env{Stdin: strings.NewReader("hello there\n"), Stdout: &out, Stderr: &out},
		[]string{"guard", "scan", "--data", t.TempDir(), "-log-level=debug", "--db", "postgres://nowhere/x"})
	if err != nil {
		t.Fatalf("guard scan with --data: %v\n%s", err, out.String())
	}
	var res struct {
		Secret   bool   `json:"secret"`
		Redacted string `json:"redacted"`
	}
	if err := json.Unmarshal([]byte(out.String()), &res); err != nil || res.Secret || res.Redacted != "hello there" {
		t.Fatalf("guard scan printed %q (%v)", out.String(), err)
	}
}

func TestTokenListAndRevoke(t *testing.T) {
	dir := t.TempDir()
	a := openApp(t, dir, true)
	ctx := context.Background()
	admin, err := a.Auth.AgentByEmail(ctx, app.FirstRunEmail)
	if err != nil {
		t.Fatal(err)
	}
	secret, tok, err := a.Auth.CreateToken(ctx, admin.ID, "deploy\tscript", auth.ScopeRead, 0)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()

	stdout, stderr, err := runCLI("token", "list", "--data", dir)
	if err != nil {
		t.Fatalf("token list: %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, tok.ID) || !strings.Contains(stdout, app.FirstRunEmail) || !strings.Contains(stdout, "deploy script") ||
		!strings.Contains(stdout, "active") || strings.Contains(stdout, secret) {
		t.Fatalf("token list printed:\n%s", stdout)
	}
	if _, _, err := runCLI("token", "list", "--data", dir, "--agent", "nobody@example.com"); err == nil {
		t.Fatal("token list --agent with an unknown email succeeded")
	}

	if _, stderr, err := runCLI("token", "revoke", tok.ID, "--data", dir); err != nil {
		t.Fatalf("token revoke: %v\n%s", err, stderr)
	}
	if _, _, err := runCLI("token", "revoke", "tk_none", "--data", dir); err == nil {
		t.Fatal("token revoke of an unknown id succeeded")
	}
	if _, _, err := runCLI("token", "revoke", "--data", dir); !errors.Is(err, cli.ErrUsage) {
		t.Fatalf("token revoke without an ID: %v, want a usage error", err)
	}

	stdout, _, err = runCLI("token", "list", "--data", dir, "--agent", app.FirstRunEmail, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var ts []auth.APIToken
	if err := json.Unmarshal([]byte(stdout), &ts); err != nil || len(ts) != 1 || ts[0].ID != tok.ID || !ts[0].Revoked {
		t.Fatalf("token list --json after revoking = %s (%v), want the one token, revoked", stdout, err)
	}
	if strings.Contains(stdout, secret) || strings.Contains(stdout, "hash") {
		t.Fatalf("token list --json shows a secret or hash: %s", stdout)
	}

	a = openApp(t, dir, false)
	defer a.Close()
	if _, _, err := a.Auth.AgentForToken(ctx, secret); err == nil {
		t.Fatal("the revoked token still signs in")
	}
	var n int
	if err := a.DB.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'token.revoke' AND target_id = ?", tok.ID).Scan(&n); err != nil || n != 1 {
		t.Fatalf("audit entries for the revocation: %d (%v), want 1", n, err)
	}
}
