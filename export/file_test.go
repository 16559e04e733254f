package export

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

func writeText(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

// A regular file is replaced atomically, private to its owner.
func TestWriteFileReplacesRegularFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.har")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, writeText("new")); err != nil {
		t.Fatal(err)
	}
	info, err := os.Lstat(path)
	if err != nil || !info.Mode().IsRegular() || info.Mode().Perm() != 0o600 {
		t.Fatalf("after export: %v %v", info.Mode(), err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Errorf("content %q", b)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}

// A symbolic link is followed: its target gets the export, the link stays
// a link; also a link to a file that does not exist yet, or to a folder
// elsewhere.
func TestWriteFileFollowsSymlinks(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	target := filepath.Join(other, "target.md")
	os.WriteFile(target, []byte("old"), 0o600)
	for name, dest := range map[string]string{
		"link":     target,
		"relative": "../" + filepath.Base(other) + "/target.md",
		"dangling": filepath.Join(other, "new.md"),
	} {
		link := filepath.Join(dir, name)
		if err := os.Symlink(dest, link); err != nil {
			t.Fatal(err)
		}
		if err := WriteFile(link, writeText(name)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		info, err := os.Lstat(link)
		if err != nil || info.Mode()&fs.ModeSymlink == 0 {
			t.Errorf("%s: the link was replaced: %v %v", name, info.Mode(), err)
		}
		if b, err := os.ReadFile(link); string(b) != name {
			t.Errorf("%s: through the link: %q %v", name, b, err)
		}
	}
}

// A FIFO is written to as a stream, and stays a FIFO.
func TestWriteFileIntoFIFO(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs")
	}
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	read := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			read <- err.Error()
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		read <- string(b)
	}()
	text := strings.Repeat("entry\n", 100000) // more than a pipe holds
	if err := WriteFile(fifo, writeText(text)); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Lstat(fifo); err != nil || info.Mode()&fs.ModeNamedPipe == 0 {
		t.Fatalf("the FIFO was replaced: %v %v", info.Mode(), err) // its reader waits in vain
	}
	if got := <-read; got != text {
		t.Errorf("the reader got %d bytes, want %d", len(got), len(text))
	}
}

// A character device is written to, never replaced: here /dev/null,
// through a link of the test's own so that nothing but the link could be
// harmed if this failed.
func TestWriteFileIntoDevice(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no /dev/null")
	}
	link := filepath.Join(t.TempDir(), "null")
	if err := os.Symlink(os.DevNull, link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(link, writeText("gone")); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", info.Mode(), err)
	}
	if info, err := os.Stat(os.DevNull); err != nil || info.Mode()&fs.ModeCharDevice == 0 {
		t.Fatalf("%s is no longer a character device: %v %v", os.DevNull, info.Mode(), err)
	}
	entries, _ := os.ReadDir(filepath.Dir(link))
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}

func TestWriteFileRefusesFolders(t *testing.T) {
	dir := t.TempDir()
	if err := WriteFile(dir, writeText("x")); err == nil || !strings.Contains(err.Error(), "is a folder") {
		t.Errorf("export onto a folder: %v", err)
	}
}
