// Package live tells open screens that records changed: a per-process
// tail of the outbox fans record events (record.created, updated, deleted,
// restored and workflow.stage_changed) out, in memory, to the subscribers
// watching the event's form. Before an event reaches a viewer, the hub
// asks the engine whether that viewer may see the record now (their view
// decision and row filter, engine.RecordVisibleTo): a viewer who may not
// does not even learn the record's id. The event itself carries no field
// value ({type, form, recordId, version, at}); the screen refetches
// through the normal API, under the viewer's field permissions.
//
// Event ids are outbox positions, the same in every process sharing the
// store, so a client resumes (Last-Event-ID) against any of them from a
// small ring of recent events; a resume point older than the ring gets a
// reset event (refetch everything). Every process runs its own hub: the
// tail keeps its position in memory (no lease, no checkpoint, like
// engine.FollowChanges) and is woken by this process's commits and a poll
// for the commits of other processes, so on MongoDB with several
// processes a viewer connected to any of them sees every process's writes.
//
// It imports the engine core and its store only (docs/live.md).
package live
