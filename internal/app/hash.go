package app

import "runtime"

// hashConcurrency is the number of password hashes computed at once: one
// per CPU core, so a burst of logins cannot exhaust memory.
func hashConcurrency() int {
	n := runtime.NumCPU()
	if n < 1 {
		n = 1
	}
	return n
}
