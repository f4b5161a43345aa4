package bot_test

import (
	"testing"

	"github.com/huiying/huiying/internal/store/pgtest"
)

// TestMain stops the PostgreSQL cluster the live tests start (through
// apptest), so `go test` leaves no server running.
func TestMain(m *testing.M) { pgtest.Main(m) }
