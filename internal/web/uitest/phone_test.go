package uitest

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huiying/huiying/internal/browsertest"
)

type box struct {
	Top    float64 `json:"top"`
	Left   float64 `json:"left"`
	Bottom float64 `json:"bottom"`
	Right  float64 `json:"right"`
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
	OnTop  bool    `json:"onTop"` // the element (or a child) is what a tap at its centre hits
	// Overflow: the element's content is wider than the element (text that
	// does not wrap, clipped or spilling out).
	Overflow bool `json:"overflow"`
}

type phoneLayout struct {
	InnerWidth        float64 `json:"innerWidth"`
	InnerHeight       float64 `json:"innerHeight"`
	ScrollWidth       float64 `json:"scrollWidth"`
	ThreadScrollWidth float64 `json:"threadScrollWidth"`
	ThreadWidth       float64 `json:"threadWidth"`
	Input             box     `json:"input"`
	Send              box     `json:"send"`
	Messages          []box   `json:"messages"`
}

const phoneLayoutJS = `(() => {
  const box = (el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return { top: r.top, left: r.left, bottom: r.bottom, right: r.right, width: r.width, height: r.height,
             onTop: !!hit && (hit === el || el.contains(hit)), overflow: el.scrollWidth > el.clientWidth };
  };
  const thread = document.querySelector('[data-testid=chat-thread]');
  return {
    innerWidth: window.innerWidth,
    innerHeight: window.innerHeight,
    scrollWidth: document.documentElement.scrollWidth,
    threadScrollWidth: thread.scrollWidth,
    threadWidth: thread.clientWidth,
    input: box(document.querySelector('[data-testid=chat-input]')),
    send: box(document.querySelector('[data-testid=chat-send]')),
    messages: [...thread.querySelectorAll('[data-testid=chat-message] [data-testid=message-body]')].map(box),
  };
})()`

// checkPhoneLayout fails the test when the composer is not fully on screen
// and tappable, or when anything scrolls sideways.
func checkPhoneLayout(t *testing.T, ctx context.Context, when string) phoneLayout {
	t.Helper()
	l := eval[phoneLayout](t, ctx, phoneLayoutJS)
	if l.InnerWidth != 390 || l.InnerHeight != 844 {
		t.Fatalf("%s: the viewport is %v×%v, want the emulated 390×844", when, l.InnerWidth, l.InnerHeight)
	}
	for name, b := range map[string]box{"chat input": l.Input, "send button": l.Send} {
		if b.Width <= 0 || b.Height <= 0 || b.Top < 0 || b.Left < 0 || b.Bottom > l.InnerHeight || b.Right > l.InnerWidth {
			t.Errorf("%s: the %s at %+v is not inside the %v×%v viewport", when, name, b, l.InnerWidth, l.InnerHeight)
		}
		if !b.OnTop {
			t.Errorf("%s: the %s is covered by another element", when, name)
		}
	}
	if l.ScrollWidth > l.InnerWidth {
		t.Errorf("%s: the page scrolls sideways: scrollWidth %v > innerWidth %v", when, l.ScrollWidth, l.InnerWidth)
	}
	if l.ThreadScrollWidth > l.ThreadWidth {
		t.Errorf("%s: the thread scrolls sideways: scrollWidth %v > clientWidth %v", when, l.ThreadScrollWidth, l.ThreadWidth)
	}
	for i, b := range l.Messages {
		if b.Left < 0 || b.Right > l.InnerWidth || b.Overflow {
			t.Errorf("%s: message body %d (%+v) sticks out of the %v px wide screen or its text overflows it", when, i, b, l.InnerWidth)
		}
	}
	return l
}

// The chat page on a phone: the composer stays on screen and nothing
// scrolls sideways, also with a long unbroken transaction hash.
func TestPhoneViewport(t *testing.T) {
	e := start(t)
	phone := e.person(t)
	do(t, phone, "emulate a 390×844 phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait, chromedp.EmulateScale(2)))
	openChat(t, phone, e.chatURL())
	checkPhoneLayout(t, phone, "empty chat")

	// 120 characters with no space or hyphen to break at.
	hash := "0x" + strings.Repeat("9f2c4e41a7b3d8c6", 8)[:118]
	if len(hash) != 120 {
		t.Fatalf("test bug: hash has %d characters", len(hash))
	}
	sendChat(t, phone, hash, true)
	waitChat(t, phone, "the long hash is delivered", delivered(hash))
	l := checkPhoneLayout(t, phone, "after sending a 120-character hash")
	if len(l.Messages) != 1 {
		t.Errorf("the thread shows %d message bodies, want 1: %+v", len(l.Messages), l.Messages)
	}
	browsertest.Shot(t, phone, "chat-phone")
	if t.Failed() {
		t.Logf("layout: %+v", l)
	}
}
