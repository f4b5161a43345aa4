package config

import (
	"flag"
	"io"
	"os"
	"strings"
	"testing"
)

func TestDefaultsAreValid(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	build := Register(fs)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	c, err := build()
	if err != nil {
		t.Fatalf("defaults rejected: %v", err)
	}
	if c.Addr != "127.0.0.1:8080" || !strings.HasSuffix(c.DataDir, "huiying-data") || c.MaxRequestBytes != 65536 {
		t.Fatalf("unexpected defaults: %+v", c)
	}
	if !strings.HasPrefix(c.DatabaseURL(), "sqlite:") {
		t.Fatalf("default database %q, want SQLite", c.DatabaseURL())
	}
}

func TestEnvironmentAndFlags(t *testing.T) {
	t.Setenv("HUIYING_ADDR", "127.0.0.1:9999")
	t.Setenv("HUIYING_LOG_FORMAT", "json")
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	build := Register(fs)
	if err := fs.Parse([]string{"--log-format", "text"}); err != nil {
		t.Fatal(err)
	}
	c, err := build()
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9999" {
		t.Errorf("addr %q, want the environment's", c.Addr)
	}
	if c.LogFormat != "text" {
		t.Errorf("log format %q, want the flag's", c.LogFormat)
	}
}

func TestInvalidValuesAreNamed(t *testing.T) {
	cases := map[string][]string{
		"--addr":              {"--addr", "nohost"},
		"--db":                {"--db", "mysql://x"},
		"--log-format":        {"--log-format", "xml"},
		"--max-request-bytes": {"--max-request-bytes", "ten"},
		"--shutdown-timeout":  {"--shutdown-timeout", "soon"},
	}
	for want, args := range cases {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		build := Register(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		if _, err := build(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: error %v, want one naming %s", args, err, want)
		}
	}
}

// The README's configuration table must list every option.
func TestReadmeListsEveryOption(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range Options {
		if !strings.Contains(string(b), "`--"+o.Flag+"`") || !strings.Contains(string(b), "`"+o.Env+"`") {
			t.Errorf("README.md does not list --%s / %s", o.Flag, o.Env)
		}
	}
}

func TestExplorersAndRetention(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	build := Register(fs)
	if err := fs.Parse([]string{"--explorers", `{"evm":{"tx":"https://bscscan.com/tx/{value}"}}`, "--retention-days", "30"}); err != nil {
		t.Fatal(err)
	}
	c, err := build()
	if err != nil {
		t.Fatal(err)
	}
	if c.RetentionDays != 30 || c.Explorers["evm"].Tx != "https://bscscan.com/tx/{value}" || c.Explorers["tron"].Address == "" {
		t.Fatalf("got %d %+v", c.RetentionDays, c.Explorers)
	}
	for _, args := range [][]string{{"--explorers", "{"}, {"--retention-days", "-1"}, {"--retention-days", "x"}} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		build := Register(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		if _, err := build(); err == nil || !strings.Contains(err.Error(), args[0]) {
			t.Errorf("%v: err %v", args, err)
		}
	}
}

func TestAuditRetention(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want int
		err  bool
	}{{nil, 365, false}, {[]string{"--audit-retention-days", "0"}, 0, false}, {[]string{"--audit-retention-days", "90"}, 90, false},
		{[]string{"--audit-retention-days", "-1"}, 0, true}, {[]string{"--audit-retention-days", "a year"}, 0, true}} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		build := Register(fs)
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		c, err := build()
		if tc.err {
			if err == nil || !strings.Contains(err.Error(), "--audit-retention-days") {
				t.Errorf("%v: err %v", tc.args, err)
			}
			continue
		}
		if err != nil || c.AuditRetentionDays != tc.want {
			t.Errorf("%v: %d, %v; want %d", tc.args, c.AuditRetentionDays, err, tc.want)
		}
	}
}

func TestLLMSettings(t *testing.T) {
	t.Setenv(EnvLLMAPIKey, "sk-from-env")
	t.Setenv("HUIYING_LLM_MODEL", "qwen2.5:7b")
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	var help strings.Builder
	fs.SetOutput(&help)
	build := Register(fs)
	if err := fs.Parse([]string{"--llm-url", "http://127.0.0.1:11434/v1"}); err != nil {
		t.Fatal(err)
	}
	c, err := build()
	if err != nil {
		t.Fatal(err)
	}
	if c.LLMURL != "http://127.0.0.1:11434/v1" || c.LLMModel != "qwen2.5:7b" || c.LLMAPIKey != "sk-from-env" {
		t.Fatalf("got %q %q %q", c.LLMURL, c.LLMModel, c.LLMAPIKey)
	}
	// The key is no flag, so neither ps nor -h shows it.
	fs.PrintDefaults()
	if fs.Lookup("llm-api-key") != nil || strings.Contains(help.String(), "sk-from-env") || !strings.Contains(help.String(), EnvLLMAPIKey) {
		t.Errorf("help output:\n%s", help.String())
	}

	for _, args := range [][]string{{"--llm-url", "ftp://x"}, {"--llm-url", "localhost:11434"}, {"--llm-url", "http://x", "--llm-model", ""}} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		build := Register(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		want := args[len(args)-2]
		if _, err := build(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: err %v, want one naming %s", args, err, want)
		}
	}
}

func TestLLMOffByDefault(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	build := Register(fs)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	c, err := build()
	if err != nil {
		t.Fatal(err)
	}
	if c.LLMURL != "" || c.LLMModel != "gpt-4o-mini" {
		t.Fatalf("LLM defaults %q %q", c.LLMURL, c.LLMModel)
	}
}

func TestAssignOnReply(t *testing.T) {
	for _, tc := range []struct {
		args []string
		keep bool
		err  bool
	}{{nil, false, false}, {[]string{"--assign-on-reply=false"}, true, false}, {[]string{"--assign-on-reply", "true"}, false, false},
		{[]string{"--assign-on-reply", "sometimes"}, false, true}} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		build := Register(fs)
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		c, err := build()
		if tc.err {
			if err == nil || !strings.Contains(err.Error(), "--assign-on-reply") {
				t.Errorf("%v: err %v", tc.args, err)
			}
			continue
		}
		if err != nil || c.KeepUnassignedOnReply != tc.keep {
			t.Errorf("%v: keep unassigned %v, %v; want %v", tc.args, c.KeepUnassignedOnReply, err, tc.keep)
		}
	}
}
