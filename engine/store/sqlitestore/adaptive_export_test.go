package sqlitestore

// AdaptiveOnSmallTables makes adaptive indexes on tables of any size,
// with a rowid window of two rows, until the returned function runs:
// the conformance suite then runs through them (conformance_test.go).
func AdaptiveOnSmallTables() (restore func()) {
	rows, window := axMinRows, axWindow
	axMinRows, axWindow = 0, 2
	return func() { axMinRows, axWindow = rows, window }
}
