package export

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFile writes an export to path, as what path is calls for:
//
//   - A regular file, or a name that does not exist yet, is written
//     atomically: write fills a temporary file beside it, which replaces it
//     only once complete and on disk, so a failed or interrupted export
//     never leaves a half-written file (nor destroys an earlier one). The
//     file is readable by its owner only (0600): exports hold whatever the
//     webhooks carried.
//   - A symbolic link is followed, and its target written as above: the
//     link stays a link.
//   - A FIFO, a character device (/dev/null, a terminal) or a socket is
//     written to as a stream, never replaced.
//   - A folder is an error.
func WriteFile(path string, write func(w io.Writer) error) error {
	target, err := followLinks(path)
	if err != nil {
		return err
	}
	info, err := os.Stat(target)
	switch {
	case err == nil && info.IsDir():
		return fmt.Errorf("%s is a folder: give a file name", path)
	case err == nil && !info.Mode().IsRegular():
		return stream(target, write)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return err
	}
	return replace(target, write)
}

// followLinks resolves the symbolic links path leads through, also to a
// target that does not exist yet.
func followLinks(path string) (string, error) {
	for range 40 {
		info, err := os.Lstat(path)
		if err != nil || info.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		dest, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(path), dest)
		}
		path = dest
	}
	return "", fmt.Errorf("%s: too many levels of symbolic links", path)
}

// stream writes into a file that is not a regular one, in place.
func stream(path string, write func(w io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// replace writes a regular file atomically.
func replace(path string, write func(w io.Writer) error) (err error) {
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+name+".*.tmp")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the temporary name would only confuse
		}
		return fmt.Errorf("cannot create a file in %s: %w", dir, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriterSize(f, 256<<10)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
