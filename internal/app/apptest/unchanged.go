package apptest

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

// Snapshot is every row count the API can change plus the full state of
// the given conversations and the attachment files, to prove a refused
// request wrote nothing (AssertNothingWritten).
func (s *Server) Snapshot(t testing.TB, convIDs ...string) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, table := range []string{"contacts", "conversations", "messages", "events", "inboxes", "agents",
		"attachments", "conversation_tags", "teams", "team_members", "canned_replies"} {
		out[table] = s.Count(t, "SELECT COUNT(*) FROM "+table)
	}
	for _, id := range convIDs {
		c, err := s.App.Convs.Conversation(context.Background(), id)
		if err != nil {
			t.Fatalf("read conversation %s: %v", id, err)
		}
		out[id] = c
	}
	out["files"] = s.AttachmentFiles(t)
	return out
}

// AssertNothingWritten fails the test unless the server is as it was when
// before (a Snapshot) was taken.
func (s *Server) AssertNothingWritten(t testing.TB, before map[string]any, convIDs ...string) {
	t.Helper()
	after := s.Snapshot(t, convIDs...)
	if !reflect.DeepEqual(before, after) {
		for k := range before {
			if !reflect.DeepEqual(before[k], after[k]) {
				t.Errorf("%s changed: %+v → %+v", k, before[k], after[k])
			}
		}
		t.FailNow()
	}
}

// AttachmentFiles lists the regular files under the data folder's
// attachments directory.
func (s *Server) AttachmentFiles(t testing.TB) []string {
	t.Helper()
	root := filepath.Join(s.DataDir, "attachments")
	files := []string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) && p == root {
				return filepath.SkipDir
			}
			return err
		}
		if d.Type().IsRegular() {
			rel, _ := filepath.Rel(root, p)
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", root, err)
	}
	slices.Sort(files)
	return files
}
