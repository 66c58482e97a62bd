package store

// SetFTSDriveMax sets the number of FTS matches past which a name search
// page is read in name order, for a test, and returns the restore func.
func SetFTSDriveMax(n int) (restore func()) {
	old := ftsDriveMax
	ftsDriveMax = n
	return func() { ftsDriveMax = old }
}
