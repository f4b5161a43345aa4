package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// The database holds every conversation: only the server's own user may
// read it. Modes are set explicitly, not left to the umask (0644 files
// under the usual 022).
const (
	privateDirMode  fs.FileMode = 0o700
	privateFileMode fs.FileMode = 0o600
)

// privateFiles makes the SQLite file at path, and its folder if it has to
// create it, private to this user before SQLite opens it. SQLite creates the
// -wal and -shm files with the database file's mode; ones left by an
// earlier version are tightened too. An existing folder is left as it is:
// it may be shared (the data folder itself is tightened by the app).
func privateFiles(path string) error {
	dir := filepath.Dir(path)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, privateDirMode); err != nil {
			return fmt.Errorf("create folder for %s: %w", path, err)
		}
		if err := os.Chmod(dir, privateDirMode); err != nil {
			return fmt.Errorf("make %s private: %w", dir, err)
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, privateFileMode)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		if err := os.Chmod(p, privateFileMode); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("make %s private: %w", p, err)
		}
	}
	return nil
}

// PrivateDir creates dir if needed and makes it accessible to this user
// only, unless it is a shared folder (world-writable or sticky, like /tmp),
// which is left as it is.
func PrivateDir(dir string) error {
	if err := os.MkdirAll(dir, privateDirMode); err != nil {
		return fmt.Errorf("create data folder %s: %w", dir, err)
	}
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("data folder %s: %w", dir, err)
	}
	if st.Mode()&os.ModeSticky != 0 || st.Mode().Perm()&0o002 != 0 || st.Mode().Perm() == privateDirMode {
		return nil
	}
	if err := os.Chmod(dir, privateDirMode); err != nil {
		return fmt.Errorf("make data folder %s private: %w", dir, err)
	}
	return nil
}
