package kb

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// topicIDs maps every topic the demo knowledge base must cover to the
// article ids that cover it. Each id must exist in both locales.
var topicIDs = map[string][]string{
	"download app from official sources / fake apps": {"download-official-app"},
	"creating a wallet": {"create-wallet"},
	"importing a wallet (mnemonic, private key, keystore)":         {"import-wallet"},
	"backing up the mnemonic safely":                               {"backup-mnemonic"},
	"what a mnemonic / private key is":                             {"what-is-mnemonic"},
	"pending transfers (nonce, gas, speed up/cancel)":              {"pending-transfer", "speed-up-cancel"},
	"failed transfers (out of gas, reverted)":                      {"failed-transfer"},
	"wrong network / chain sent":                                   {"wrong-network"},
	"exchange memo / tag":                                          {"exchange-memo-tag"},
	"gas fees on Ethereum and L2s":                                 {"gas-fees-ethereum-l2", "insufficient-gas-native-coin"},
	"TRON energy and bandwidth / USDT-TRC20 burns TRX":             {"tron-energy-bandwidth", "usdt-trc20-fee"},
	"BSC / BNB gas":                                                {"bsc-gas"},
	"Solana rent and fees":                                         {"solana-rent-fees"},
	"cross-chain bridges (delays, stuck)":                          {"bridge-delays", "bridge-stuck"},
	"adding a custom token":                                        {"add-custom-token"},
	"scam tokens / airdrops":                                       {"scam-tokens-airdrops"},
	"tokens not showing":                                           {"token-not-showing"},
	"DApp connection":                                              {"dapp-connect"},
	"token approvals (approve)":                                    {"token-approvals"},
	"checking and revoking approvals":                              {"revoke-approvals"},
	"signing messages safely (eth_sign / permit)":                  {"signing-messages-safely"},
	"failed swaps (slippage, price impact, gas, liquidity, taxes)": {"swap-failed", "slippage-price-impact", "token-tax-swap"},
	"funds stolen":                                                 {"funds-stolen", "report-theft"},
	"recovery service scams":                                       {"recovery-service-scams"},
	"fake support scams / verify page":                             {"fake-support-scams", "verify-official-channels"},
	"reaching real support":                                        {"contact-support", "ticket-tracking"},
	"multisig / hardware wallet basics":                            {"multisig-hardware-wallet"},
	"app password vs mnemonic":                                     {"app-password-vs-mnemonic"},
	"lost phone recovery":                                          {"lost-phone-recovery"},
	"NFT not showing":                                              {"nft-not-showing"},
	"address whitelisting / poisoning":                             {"address-poisoning"},
	"checking a transaction on an explorer":                        {"check-transaction-explorer"},
	"fees shown in fiat":                                           {"fees-in-fiat"},
	"exchange deposit not credited":                                {"exchange-deposit-not-credited"},
}

var locales = []string{"en", "zh-CN"}

func demoByLocale(t *testing.T) map[string]map[string]Article {
	t.Helper()
	arts, err := Demo()
	if err != nil {
		t.Fatalf("Demo: %v", err)
	}
	by := map[string]map[string]Article{}
	for _, a := range arts {
		if by[a.Locale] == nil {
			by[a.Locale] = map[string]Article{}
		}
		if _, dup := by[a.Locale][a.ID]; dup {
			t.Errorf("duplicate id %q in locale %s", a.ID, a.Locale)
		}
		by[a.Locale][a.ID] = a
	}
	return by
}

func TestDemoCounts(t *testing.T) {
	by := demoByLocale(t)
	for _, loc := range locales {
		if n := len(by[loc]); n < 40 {
			t.Errorf("locale %s has %d articles, want >= 40", loc, n)
		}
	}
	for loc := range by {
		if loc != "en" && loc != "zh-CN" {
			t.Errorf("unexpected locale %q", loc)
		}
	}
}

func TestDemoEveryIDInBothLocales(t *testing.T) {
	by := demoByLocale(t)
	for _, loc := range locales {
		for id := range by[loc] {
			for _, other := range locales {
				if _, ok := by[other][id]; !ok {
					t.Errorf("id %q exists in %s but not in %s", id, loc, other)
				}
			}
		}
	}
}

func TestDemoArticleQuality(t *testing.T) {
	by := demoByLocale(t)
	for _, loc := range locales {
		for id, a := range by[loc] {
			name := loc + "/" + id
			if len(a.Questions) < 5 {
				t.Errorf("%s: %d questions, want >= 5", name, len(a.Questions))
			}
			seen := map[string]bool{}
			for _, q := range a.Questions {
				if strings.TrimSpace(q) == "" {
					t.Errorf("%s: empty question", name)
				}
				if seen[q] {
					t.Errorf("%s: duplicate question %q", name, q)
				}
				seen[q] = true
			}
			if strings.TrimSpace(a.Title) == "" || strings.TrimSpace(a.Body) == "" {
				t.Errorf("%s: empty title or body", name)
			}
			if !KnownCategory(a.Category) {
				t.Errorf("%s: unknown category %q", name, a.Category)
			}
			switch loc {
			case "en":
				if n := len(strings.Fields(a.Body)); n < 120 || n > 350 {
					t.Errorf("%s: body has %d words, want 120-350", name, n)
				}
			case "zh-CN":
				han := 0
				for _, r := range a.Body {
					if unicode.Is(unicode.Han, r) {
						han++
					}
				}
				if han < 200 {
					t.Errorf("%s: body has %d Chinese characters, want >= 200", name, han)
				}
				if !utf8.ValidString(a.Body) {
					t.Errorf("%s: invalid UTF-8", name)
				}
			}
			// Same topic, same category in every locale.
			if en, ok := by["en"][id]; ok && en.Category != a.Category {
				t.Errorf("%s: category %q differs from en %q", name, a.Category, en.Category)
			}
		}
	}
}

func TestDemoTopicsCovered(t *testing.T) {
	by := demoByLocale(t)
	for topic, ids := range topicIDs {
		if len(ids) == 0 {
			t.Errorf("topic %q has no ids", topic)
		}
		for _, id := range ids {
			for _, loc := range locales {
				if _, ok := by[loc][id]; !ok {
					t.Errorf("topic %q: article %q missing in %s", topic, id, loc)
				}
			}
		}
	}
}

// TestDemoSafety guards against advice that must never appear: asking users
// to share a mnemonic or promising to reverse on-chain transactions.
func TestDemoSafety(t *testing.T) {
	by := demoByLocale(t)
	bad := []string{
		"send us your mnemonic", "share your mnemonic with support",
		"we can reverse", "we will reverse", "we can refund the gas",
		"把助记词发给客服", "我们可以撤回", "我们可以追回",
	}
	for _, loc := range locales {
		for id, a := range by[loc] {
			low := strings.ToLower(a.Body)
			for _, b := range bad {
				if strings.Contains(low, b) {
					t.Errorf("%s/%s: body contains forbidden phrase %q", loc, id, b)
				}
			}
		}
	}
}

func TestParseArticle(t *testing.T) {
	good := "---\nid: x\nlocale: en # comment\ncategory: fees\ntitle: \"T: colon\"\nquestions:\n  - one\n  - \"two\"\n---\n\nBody text.\n"
	a, err := ParseArticle("good.md", []byte(good))
	if err != nil {
		t.Fatalf("ParseArticle: %v", err)
	}
	if a.ID != "x" || a.Locale != "en" || a.Category != "fees" || a.Title != "T: colon" ||
		a.Body != "Body text." || len(a.Questions) != 2 || a.Questions[1] != "two" {
		t.Errorf("unexpected article %+v", a)
	}
	if _, err := ParseArticle("crlf.md", []byte(strings.ReplaceAll(good, "\n", "\r\n"))); err != nil {
		t.Errorf("CRLF input: %v", err)
	}

	bad := map[string]string{
		"no front matter":  "id: x\nBody\n",
		"unterminated":     "---\nid: x\nlocale: en\n",
		"unknown key":      "---\nid: x\nlocale: en\ncategory: fees\ntitle: T\nauthor: me\nquestions:\n  - q\n---\nBody\n",
		"empty questions":  "---\nid: x\nlocale: en\ncategory: fees\ntitle: T\nquestions:\n---\nBody\n",
		"no questions key": "---\nid: x\nlocale: en\ncategory: fees\ntitle: T\n---\nBody\n",
		"empty question":   "---\nid: x\nlocale: en\ncategory: fees\ntitle: T\nquestions:\n  -\n---\nBody\n",
		"unknown category": "---\nid: x\nlocale: en\ncategory: misc\ntitle: T\nquestions:\n  - q\n---\nBody\n",
		"missing title":    "---\nid: x\nlocale: en\ncategory: fees\nquestions:\n  - q\n---\nBody\n",
		"empty body":       "---\nid: x\nlocale: en\ncategory: fees\ntitle: T\nquestions:\n  - q\n---\n\n",
		"duplicate key":    "---\nid: x\nid: y\nlocale: en\ncategory: fees\ntitle: T\nquestions:\n  - q\n---\nBody\n",
		"stray list item":  "---\nid: x\n  - q\nlocale: en\ncategory: fees\ntitle: T\n---\nBody\n",
		"inline questions": "---\nid: x\nlocale: en\ncategory: fees\ntitle: T\nquestions: q\n---\nBody\n",
		"not key value":    "---\nid x\nlocale: en\ncategory: fees\ntitle: T\nquestions:\n  - q\n---\nBody\n",
	}
	for what, src := range bad {
		_, err := ParseArticle("bad-"+strings.ReplaceAll(what, " ", "-")+".md", []byte(src))
		if err == nil {
			t.Errorf("%s: expected error", what)
			continue
		}
		if !strings.Contains(err.Error(), "bad-") {
			t.Errorf("%s: error %q does not name the file", what, err)
		}
	}
}

// TestDemoKeepsUnbuiltPromisesUnpublished: the ticket-tracking article
// promises ticket numbers, a tracking page and emails that Huiying does not
// have yet, so it ships as a draft, and no published article sends readers
// to it or asks for a ticket number.
func TestDemoKeepsUnbuiltPromisesUnpublished(t *testing.T) {
	by := demoByLocale(t)
	for _, loc := range locales {
		a, ok := by[loc]["ticket-tracking"]
		if !ok {
			t.Fatalf("%s: ticket-tracking is missing", loc)
		}
		if a.Status != StatusDraft {
			t.Errorf("%s: ticket-tracking has status %q, want %q until tickets exist", loc, a.Status, StatusDraft)
		}
		for id, other := range by[loc] {
			if other.Status == StatusDraft {
				continue
			}
			for _, promise := range []string{"tracking page", "Track your support ticket", "ticket number", "进度查询", "如何查询工单进度", "工单号"} {
				if strings.Contains(other.Body, promise) {
					t.Errorf("%s/%s is published and promises %q", loc, id, promise)
				}
			}
		}
	}
}
