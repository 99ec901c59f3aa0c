// Package store is the storage contract the Formloom engine owns.
//
// It holds small interfaces, sentinel errors and a portable model for
// filters, sorting, pagination and aggregation. Backends (sqlitestore,
// mongostore) implement it and prove it with the storetest conformance suite.
// The package imports only the standard library.
//
// Every query a backend runs is built from this package's own model, never
// from a user-supplied map, so operator injection cannot happen: a Filter is
// validated (operators, field paths, value types, size and depth) before any
// backend compiles it.
package store
