// Package sqlitestore is the embedded default backend of the storage
// contract (engine/store), built on modernc.org/sqlite (pure Go, no cgo).
//
// All data lives in one directory: the database file, its WAL and a lock
// file held with an exclusive flock, so a second process cannot open the
// same directory. One writer connection applies every write through a
// group-commit goroutine (concurrent units of work share one durable SQLite
// transaction, each inside its own SAVEPOINT); a pool of read connections
// serves queries from WAL snapshots.
//
// Each collection is a table c_<name> with the system fields as real columns
// and the data as JSONB. Declared indexes are expression indexes on
// json_extract(data,'$.path'), partial on live documents; the filter compiler
// writes the same expressions so that SQLite uses them.
//
// Durability: the writer runs with synchronous=FULL, so the WAL is fsynced
// before a batch is acknowledged and a unit survives power loss, not only a
// killed process. NORMAL would survive kill -9 (the WAL is in the OS page
// cache) but not an OS crash; group commit makes FULL cheap enough.
package sqlitestore
