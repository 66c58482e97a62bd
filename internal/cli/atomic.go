package cli

import (
	"bufio"
	"io"
	"os"
	"path/filepath"

	"khuyencong/internal/kc"
)

// writeAtomic writes path through a buffered temporary file next to it,
// renamed into place only when write succeeded, so a failure never leaves
// half a file behind. write's own errors come back unchanged; failures of
// the file itself become errKey with the path and the reason.
func writeAtomic(path, errKey string, write func(w io.Writer) error) error {
	fileErr := func(err error) error { return kc.Errorf(kc.EInvalid, errKey, path, err.Error()).Wrap(err) }
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fileErr(err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fileErr(err)
	}
	if err := tmp.Close(); err != nil {
		return fileErr(err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fileErr(err)
	}
	done = true
	return nil
}
