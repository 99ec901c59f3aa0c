// English strings of the kanban board and the calendar of the data view.
const boardEn = {
  layout: 'Layout', table: 'Table', kanban: 'Kanban', calendar: 'Calendar',
  noKanbanField: 'Add a choice or member field to the form to see it as a board.',
  noCalendarField: 'Add a date or date-time field to the form to see it on a calendar.',
  field: 'Columns by', sumField: 'Sum', noSum: 'No sum', cardFields: 'Card fields', cardFieldsPlaceholder: 'Fields on the cards',
  none: 'Not set', count_one: '{{count}} record', count_other: '{{count}} records',
  loadMore: 'Load more', loaded: '{{shown}} of {{count}} shown', empty: 'No records',
  moved: 'Moved to "{{column}}"', refused: 'Not moved: {{message}}', dismiss: 'Dismiss',
  moreColumns: 'Only the first {{n}} columns are shown', readOnly: 'You may not change this field, so cards cannot be moved.',
  dateField: 'Dates from', month: 'Month', week: 'Week', day: 'Day', dayTitle: '{{weekday}} {{date}}', today: 'Today', prev: 'Previous', next: 'Next',
  more: '+{{n}} more', rescheduled: 'Moved to {{date}}', tooMany: 'Only the first {{n}} records of this range are shown; narrow the filter.',
  weekdays: 'Mon,Tue,Wed,Thu,Fri,Sat,Sun', monthTitle: '{{month}} {{year}}', weekTitle: '{{from}} – {{to}}',
  months: 'January,February,March,April,May,June,July,August,September,October,November,December',
  untitled: '(untitled)',
};
export default boardEn;
