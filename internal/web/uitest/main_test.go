package uitest

import (
	"testing"

	"github.com/huiying/huiying/internal/store/pgtest"
)

// TestMain stops any PostgreSQL cluster a test starts through apptest, so
// `go test` leaves no server running.
func TestMain(m *testing.M) { pgtest.Main(m) }
