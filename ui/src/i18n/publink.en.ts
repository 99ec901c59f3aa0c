// English strings of the public form page and the form's public-link
// settings (zh-CN in publink.zh-CN.ts).
const publinkEn = {
  button: 'Public link', title: 'Public link', on: 'On', off: 'Off',
  intro: 'Anyone with the link can fill in this form without an account. Only the fields you choose are shown; the others get their defaults or the fixed values below. Submissions go through the form’s rules, unique fields and automations, and the history shows them as “public link”.',
  notPublished: 'Publish the form first: the public page shows its published version.',
  enabled: 'Accept submissions', fields: 'Fields shown', fieldsHelp: 'Relations, members, departments, files and computed fields cannot be shown.',
  pageTitle: 'Page title', pageTitlePh: 'The form’s name', description: 'Description', thanks: 'Thank-you message', thanksPh: 'Thank you, we have received your submission.',
  maxSubmissions: 'Close after this many submissions', maxSubmissionsHelp: '0: no limit', perIpHour: 'Submissions per visitor address per hour', perIpHourHelp: '0: the default, 20',
  presets: 'Fixed values of fields not shown', presetField: 'Field', presetValue: 'Value', addPreset: 'Add a fixed value',
  save: 'Save', saved: 'Saved', submissions: '{{count}} submissions so far',
  linkOnce: 'The public link (shown only now: copy it, the server keeps only a hash of it)', copy: 'Copy link', copied: 'Link copied', open: 'Open',
  noLinkShown: 'The link was shown when it was made. Lost it? Rotate to get a new one (the old one stops working).',
  rotate: 'Rotate link', rotateConfirm: 'Make a new link? The current link stops working at once.',
  remove: 'Remove link', removeConfirm: 'Remove the public link? Its address stops working.', removed: 'The public link was removed',
  // The public page.
  submit: 'Submit', submitting: 'Submitting…', fixErrors: 'Please fix the marked fields',
  done: 'Submitted', doneDefault: 'Thank you, we have received your submission.', again: 'Submit another',
  notFound: 'This form is not available', notFoundHelp: 'The link may have been changed or switched off. Ask whoever sent it for a new one.',
  closed: 'This form no longer takes submissions', tooMany: 'Too many submissions from your network; please try again later.',
  honeypot: 'Leave this empty', poweredBy: 'Powered by Formloom',
};
export default publinkEn;
