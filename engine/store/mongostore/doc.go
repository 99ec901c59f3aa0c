// Package mongostore implements the storage contract (engine/store) on
// MongoDB 6+ with go.mongodb.org/mongo-driver/v2. It is the scale-out
// backend: several Formloom processes may share one replica set.
//
// Every collection of the contract is a MongoDB collection of the same name.
// A document is stored as
//
//	{_id, _v: version (int64), _ca, _ua: created/updated at, _cb, _ub: by,
//	 _da: deleted at or null, _live: true unless deleted, d: {data}}
//
// Times are store.TimeLayout strings, so ordering and cursors match the
// SQLite backend. Data numbers are written as doubles and every numeric BSON
// type is read back as float64. _live exists only so a unique index can be
// partial over live documents (partialFilterExpression cannot say "_da is
// null").
//
// Internal collections start with "_" (never a valid contract collection
// name): _outbox (events, _id is the sequence number), _counters and _queue.
//
// Capabilities are detected when the store opens: a replica set gives
// transactions; FerretDB (buildInfo has ferretdbVersion) is marked as having
// no transactions, no atomic compare-and-set (its issue #3040) and no partial
// unique indexes. FerretDB is a protocol-compatibility target for tests, not
// a production one.
//
// Driver types and errors never leave the package: duplicate keys become
// *store.DuplicateError, missing documents store.ErrNotFound, and every
// other server error is wrapped with a message but no driver type.
package mongostore
