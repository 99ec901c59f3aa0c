// Package storetest is the conformance suite every store.Store backend must
// pass. A backend's test calls Run with a constructor for fresh, empty
// stores; each case opens its own store, so cases run in parallel.
//
// The suite asserts the promises written in the doc comments of package
// store. Where a backend declares a capability false (see
// store.Capabilities), the cases that need it are skipped with the reason,
// never loosened.
package storetest
