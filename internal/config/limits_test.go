package config

import (
	"flag"
	"io"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/ratelimit"
)

func build(t *testing.T, args ...string) (Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	b := Register(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return b()
}

// The server limits anonymous writes unless told otherwise.
func TestRateDefaultsAreOn(t *testing.T) {
	c, err := build(t)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Rates
	for name, got := range map[string]ratelimit.Rate{
		"conversations per IP": r.ConversationsPerIP, "conversations per inbox": r.ConversationsPerInbox,
		"messages per contact": r.MessagesPerContact, "messages per IP": r.MessagesPerIP,
		"uploads per contact": r.UploadsPerContact, "uploads per IP": r.UploadsPerIP,
		"bot answers": r.BotAnswersPerConversation,
	} {
		if got.Off() {
			t.Errorf("%s is off by default", name)
		}
	}
	if r.ConversationsPerIP != (ratelimit.Rate{Events: 20, Per: time.Minute, Burst: 10}) ||
		r.BotAnswersPerConversation != (ratelimit.Rate{Events: 5, Per: time.Minute, Burst: 5}) {
		t.Errorf("defaults %+v", r)
	}
	if c.BodyReadTimeout != 30*time.Second || len(c.TrustedProxies) != 0 {
		t.Errorf("body read timeout %v, trusted proxies %v", c.BodyReadTimeout, c.TrustedProxies)
	}
}

func TestRateAndProxyFlags(t *testing.T) {
	t.Setenv("HUIYING_RATE_MESSAGES_PER_IP", "off")
	c, err := build(t, "--rate-conversations-per-ip", "3/s burst 9", "--trusted-proxies", "127.0.0.1, 10.0.0.0/8,::1",
		"--body-read-timeout", "5s")
	if err != nil {
		t.Fatal(err)
	}
	if c.Rates.ConversationsPerIP != (ratelimit.Rate{Events: 3, Per: time.Second, Burst: 9}) || !c.Rates.MessagesPerIP.Off() {
		t.Errorf("rates %+v", c.Rates)
	}
	want := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	if len(c.TrustedProxies) != 3 || c.TrustedProxies[0] != want[0] || c.TrustedProxies[1] != want[1] || c.TrustedProxies[2] != want[2] {
		t.Errorf("trusted proxies %v, want %v", c.TrustedProxies, want)
	}
	if c.BodyReadTimeout != 5*time.Second {
		t.Errorf("body read timeout %v", c.BodyReadTimeout)
	}
	for flagName, v := range map[string]string{
		"--rate-uploads-per-ip":          "lots",
		"--bot-answers-per-conversation": "5/day",
		"--trusted-proxies":              "proxy.example.com",
		"--body-read-timeout":            "10ms",
	} {
		if _, err := build(t, flagName, v); err == nil || !strings.Contains(err.Error(), flagName) {
			t.Errorf("%s %q: error %v, want one naming the flag", flagName, v, err)
		}
	}
}

func TestChatSocketsPerIP(t *testing.T) {
	c, err := build(t)
	if err != nil || c.ChatSocketsPerIP != 50 {
		t.Fatalf("default: %d, %v; want 50", c.ChatSocketsPerIP, err)
	}
	if c, err = build(t, "--chat-sockets-per-ip", "400"); err != nil || c.ChatSocketsPerIP != 400 {
		t.Fatalf("--chat-sockets-per-ip 400: %d, %v", c.ChatSocketsPerIP, err)
	}
	for _, bad := range []string{"0", "-3", "many"} {
		if _, err := build(t, "--chat-sockets-per-ip", bad); err == nil || !strings.Contains(err.Error(), "--chat-sockets-per-ip") {
			t.Errorf("--chat-sockets-per-ip %q: err %v, want one naming the flag", bad, err)
		}
	}
}
