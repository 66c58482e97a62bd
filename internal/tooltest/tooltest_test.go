package tooltest

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// fake records how a test ended; Fatalf and Skipf stop its goroutine as
// the testing package does.
type fake struct {
	testing.TB
	failed, skipped bool
	msg             string
}

func (f *fake) Helper() {}

func (f *fake) Fatalf(format string, args ...any) {
	f.failed, f.msg = true, fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (f *fake) Skipf(format string, args ...any) {
	f.skipped, f.msg = true, fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// call runs fn with a fake test in its own goroutine and returns the fake.
func call(fn func(t testing.TB)) *fake {
	f := &fake{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
	return f
}

const missing = "khuyencong-no-such-tool"

// TestPath finds a program that is always there, and for a missing one
// fails the test when CI is set and skips it otherwise, naming the
// program and its package.
func TestPath(t *testing.T) {
	t.Setenv("CI", "")
	var path string
	if f := call(func(t testing.TB) { path = Path(t, "sh", "dash") }); f.failed || f.skipped || path == "" {
		t.Errorf("sh: %+v, path %q", f, path)
	}
	f := call(func(t testing.TB) { Path(t, missing, "pkg-x") })
	if !f.skipped || f.failed || !strings.Contains(f.msg, missing) || !strings.Contains(f.msg, "pkg-x") {
		t.Errorf("missing without CI: %+v", f)
	}
	t.Setenv("CI", "true")
	f = call(func(t testing.TB) { Path(t, missing, "pkg-x") })
	if !f.failed || f.skipped || !strings.Contains(f.msg, missing) || !strings.Contains(f.msg, "pkg-x") || !strings.Contains(f.msg, ".ci/run") {
		t.Errorf("missing with CI: %+v", f)
	}
}

// TestLookup reports a missing program without skipping, except under CI
// where the test fails.
func TestLookup(t *testing.T) {
	t.Setenv("CI", "")
	var ok bool
	if f := call(func(t testing.TB) { _, ok = Lookup(t, missing, "pkg-x") }); f.failed || f.skipped || ok {
		t.Errorf("missing without CI: %+v, ok %v", f, ok)
	}
	t.Setenv("CI", "1")
	if f := call(func(t testing.TB) { Lookup(t, missing, "pkg-x") }); !f.failed {
		t.Errorf("missing with CI: %+v", f)
	}
}
