// Package auth holds Formloom's accounts and credentials: argon2id password
// hashing, browser sessions, API tokens, first-run setup and login rate
// limits. Users themselves are engine users; this package stores only its
// own credentials (sessions and tokens, hashed) in store collections of its
// own, and turns a presented credential into an engine.Actor.
//
// Credentials have the form "<prefix>_<id>_<secret>": the id finds the stored
// item with one read by primary key, the secret (32 random bytes) is kept
// only as its SHA-256 and compared in constant time.
package auth
