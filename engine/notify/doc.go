// Package notify delivers the engine's notifications (engine.Notifier): an
// in-app inbox per user and workspace, email through SMTP, and a daily
// digest, by each recipient's preferences per kind.
//
// Notify persists one document per (notification, recipient) before it
// returns: the inbox item and the email's durable source at once. Email
// never goes out inside the caller's request: Notify plans a one-off job on
// the engine/jobs runtime, which sends after the commit with retries,
// backoff and, after its last attempt, a dead letter. A sweep re-plans the
// rare email whose plan was lost (a crash between the commit and the plan).
// A workspace schedule sends each recipient's digest once a day at the
// digest hour in the workspace's time zone, and a retention schedule
// deletes items older than the retention (90 days by default).
//
// Recipients must be live members of the workspace (membership and account
// not disabled); others are dropped and counted. A notification's Key
// dedupes it per recipient: the document id is derived from the workspace,
// the recipient and the key, so a second delivery is a duplicate insert
// the store refuses.
//
// The package imports the engine core, engine/store and engine/jobs only.
package notify
