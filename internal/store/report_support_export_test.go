package store

// SetTraditionalProbeMin sets the number of supported establishments from
// which the report probes each traditional trade, and returns a function
// restoring the previous value.
func SetTraditionalProbeMin(n int) func() {
	old := traditionalProbeMin
	traditionalProbeMin = n
	return func() { traditionalProbeMin = old }
}
