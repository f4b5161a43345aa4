package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/cli"
)

func TestGuardScan(t *testing.T) {
	const (
		mnemonic = "legal winner thank year wave sausage worth useful legal winner thank yellow"
		key      = "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"
	)
	in := strings.Join([]string{
		"hello, my card <b>was</b> declined & I need help",
		"here is my seed: " + mnemonic + " please help",
		"我的私钥是 " + key + " 为什么转账失败",
		"txid " + key[2:],
		"",
		"我的钱包助记词是 妈吐脚途幕长品惩灵申检始危豪驱逼努搬 为什么转账失败\r",
	}, "\n") + "\n"
	var out, errOut bytes.Buffer
	err := cli.Run(context.Background(), cli.Env{Stdin: strings.NewReader(in), Stdout: &out, Stderr: &errOut},
		[]string{"guard", "scan"})
	if err != nil {
		t.Fatalf("guard scan: %v (stderr %q)", err, errOut.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	want := []struct {
		secret   bool
		kinds    []string
		redacted string
	}{
		{false, []string{}, "hello, my card <b>was</b> declined & I need help"},
		{true, []string{"mnemonic"}, "here is my seed: [已隐藏助记词 / mnemonic removed] please help"},
		{true, []string{"private_key_hex"}, "我的私钥是 [已隐藏私钥 / private key removed] 为什么转账失败"},
		{false, []string{}, "txid " + key[2:]},
		{false, []string{}, ""},
		{true, []string{"mnemonic"}, "我的钱包助记词是 [已隐藏助记词 / mnemonic removed] 为什么转账失败"},
	}
	if len(lines) != len(want) {
		t.Fatalf("%d output lines for %d input lines:\n%s", len(lines), len(want), out.String())
	}
	for i, line := range lines {
		var got struct {
			Secret   *bool     `json:"secret"`
			Kinds    *[]string `json:"kinds"`
			Redacted *string   `json:"redacted"`
		}
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatalf("line %d: %v: %s", i+1, err, line)
		}
		if got.Secret == nil || got.Kinds == nil || got.Redacted == nil {
			t.Fatalf("line %d: missing field (kinds must be [] not null): %s", i+1, line)
		}
		w := want[i]
		if *got.Secret != w.secret || !slices.Equal(*got.Kinds, w.kinds) || *got.Redacted != w.redacted {
			t.Errorf("line %d: got %s\nwant secret=%v kinds=%v redacted=%q", i+1, line, w.secret, w.kinds, w.redacted)
		}
		if strings.Contains(line, "legal winner") || strings.Contains(line, "5c504ed4") && w.secret {
			t.Errorf("line %d leaks the secret: %s", i+1, line)
		}
	}
	if !strings.Contains(lines[0], `"kinds":[]`) || !strings.Contains(lines[0], "<b>") {
		t.Errorf("line 1: want kinds [] and HTML unescaped: %s", lines[0])
	}
}

func TestGuardScanLongLine(t *testing.T) {
	// A 512 KiB line is fine; over 1 MiB is an error.
	long := strings.Repeat("a", 512<<10) + " private key " + strings.Repeat("1", 63) + "2"
	var out, errOut bytes.Buffer
	err := cli.Run(context.Background(), cli.Env{Stdin: strings.NewReader(long), Stdout: &out, Stderr: &errOut}, []string{"guard", "scan"})
	if err != nil || !strings.Contains(out.String(), `"kinds":["private_key_hex"]`) {
		t.Fatalf("512 KiB line: %v, %.200s", err, out.String())
	}
	out.Reset()
	err = cli.Run(context.Background(), cli.Env{Stdin: strings.NewReader(strings.Repeat("a", 2<<20)), Stdout: &out, Stderr: &errOut}, []string{"guard", "scan"})
	if err == nil {
		t.Fatal("2 MiB line: no error")
	}
}

func TestGuardScanArgs(t *testing.T) {
	var out, errOut bytes.Buffer
	err := cli.Run(context.Background(), cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut}, []string{"guard", "scan", "extra"})
	if !errors.Is(err, cli.ErrUsage) {
		t.Fatalf("extra argument: %v", err)
	}
	out.Reset()
	if err := cli.Run(context.Background(), cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut}, []string{"guard", "scan"}); err != nil || out.Len() != 0 {
		t.Fatalf("empty input: %v %q", err, out.String())
	}
}
