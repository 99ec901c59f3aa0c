//go:build race

package expr

// raceEnabled: the race detector slows code five to ten times, so timing
// bounds are not checked under it (the work and memory budgets still are).
const raceEnabled = true
