// Package tooltest finds the external programs some tests run (glpsol,
// libreoffice, the poppler tools, zbarimg, …). CI installs all of them
// (.ci/run), so when one is missing a test fails if the environment
// variable CI is set, and is skipped otherwise.
package tooltest

import (
	"os"
	"os/exec"
	"testing"
)

// Path returns the path of the program tool, looked up in PATH. When it
// is missing the test fails if CI is set and is skipped otherwise;
// debianPackage names the package that provides it, for the message.
func Path(t testing.TB, tool, debianPackage string) string {
	t.Helper()
	path, ok := Lookup(t, tool, debianPackage)
	if !ok {
		t.Skipf("%s is not installed (Debian package %s): skipped (with CI set, the test fails instead)", tool, debianPackage)
	}
	return path
}

// Lookup returns the path of the program tool, looked up in PATH, and
// true. When it is missing the test fails if CI is set; otherwise Lookup
// returns "" and false and the test goes on without the program.
// debianPackage names the package that provides it, for the message.
func Lookup(t testing.TB, tool, debianPackage string) (string, bool) {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err == nil {
		return path, true
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed (Debian package %s); .ci/run installs it: %v", tool, debianPackage, err)
	}
	return "", false
}
