package bot

import (
	"io"
	"log/slog"

	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/kb"
	"github.com/huiying/huiying/internal/routing"
)

// newService wires the bot as internal/app does, on the real stores.
func newService(convs *conversation.Store, ks *kb.Store, opts Options) *Service {
	ds := NewDecisionStore(convs.DB())
	return New(convs, ds, routing.New(routing.NewStore(convs.DB(), convs.Now), convs, nil, nil, nil, routing.Options{HandoffAttr: AttrHandoff, Now: convs.Now}), ks, slog.New(slog.NewTextHandler(io.Discard, nil)), opts)
}
