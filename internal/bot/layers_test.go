package bot

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The bot is a stage: it reads and writes conversations only through the
// interfaces it declares (deps.go), and its only SQL is on its own table,
// in decisionstore.go. A query against conversations or messages creeping
// back into the bot (as `attributes LIKE '%"bot.handoff":%'` once did) fails
// here.
func TestBotRunsSQLOnlyOnItsOwnTable(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	dbCalls := map[string]bool{"Query": true, "QueryRow": true, "Exec": true, "InTx": true, "TruncateWAL": true, "DB": true}
	table := regexp.MustCompile(`(?i)\b(?:from|join|update|into)\s+([a-z_][a-z0-9_]*)`)
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if x, ok := n.X.(*ast.Ident); ok && x.Name == "conversation" && n.Sel.Name == "Store" {
					t.Errorf("%s: depends on *conversation.Store; use the Conversations interface", fset.Position(n.Pos()))
				}
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && dbCalls[sel.Sel.Name] && name != "decisionstore.go" {
					t.Errorf("%s: database call %s outside decisionstore.go", fset.Position(n.Pos()), sel.Sel.Name)
				}
			case *ast.BasicLit:
				if n.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(n.Value)
				if err != nil {
					return true
				}
				for _, m := range table.FindAllStringSubmatch(s, -1) {
					if strings.ToLower(m[1]) != "bot_decisions" {
						t.Errorf("%s: SQL on table %q; the bot's SQL touches only bot_decisions", fset.Position(n.Pos()), m[1])
					}
				}
			}
			return true
		})
	}
	if checked < 10 {
		t.Fatalf("checked %d files; the test is not looking at the package", checked)
	}
}
