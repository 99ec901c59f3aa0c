// English strings of notifications (bell, inbox, preferences).
const notifyEn = {
  bell: 'Notifications', unread_one: '{{count}} unread', unread_other: '{{count}} unread',
  inbox: 'Notifications', all: 'All', unreadTab: 'Unread', empty: 'No notifications', emptyUnread: 'Nothing unread',
  markRead: 'Mark read', markAllRead: 'Mark all read', markedAll_one: '{{count}} marked read', markedAll_other: '{{count}} marked read',
  openRecord: 'Open record', viewAll: 'View all', more: 'Load more', settings: 'Notification settings', read: 'Read',
  severity: { info: 'Info', warning: 'Warning', critical: 'Critical' },
  kinds: { '*': 'Everything else', automation: 'Automations', alert: 'Alerts', task: 'Tasks and approvals', webhook: 'Webhooks' },
  prefs: {
    title: 'Notification settings',
    intro: 'Choose, per kind, whether notifications appear in the inbox and whether they also come by email.',
    kind: 'Kind', inApp: 'Inbox', email: 'Email', language: 'Email language', languageDefault: 'Workspace default',
    emailOff: 'Off', emailInstant: 'Each one', emailDigest: 'Daily digest',
    emailDisabled: 'Email is not set up on this server (an administrator sets the SMTP options), so only the inbox is used.',
    digestAt: 'The daily digest goes out at {{hour}}:00 in the workspace time zone.',
    saved: 'Notification settings saved', conflict: 'The settings changed meanwhile; reloaded. Please try again.',
  },
};

export default notifyEn;
