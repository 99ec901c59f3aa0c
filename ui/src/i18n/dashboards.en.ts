// English strings of dashboards and charts (loaded with their screens).
const dashboardsEn = {
  menu: 'Dashboards', title: 'Dashboards', new: 'New dashboard', empty: 'No dashboards yet', name: 'Title', roles: 'Visible to roles',
  settings: 'Title and visibility', filterAny: 'Any', visibleTo: 'Visible to: {{roles}}', visibleAll: 'Every member of the app', rolesHelp: 'Empty: every member of the app. Those who manage the app always see it.', created: 'Dashboard created', saved: 'Dashboard saved',
  deleted: 'Dashboard deleted', deleteConfirm: 'Delete the dashboard "{{name}}"?', notFound: 'The dashboard does not exist or is not shared with you',
  edit: 'Edit layout', done: 'Done', addChart: 'Add chart', editChart: 'Edit chart', removeChart: 'Remove chart', noCharts: 'No charts yet',
  conflict: 'Someone else changed this dashboard; it was reloaded', refresh: 'Refresh',
  filters: 'Filters', addFilter: 'Add filter', filterLabel: 'Label', period: 'Date range', user: 'User', department: 'Department',
  filterKind: { date_range: 'Date range', user: 'User', department: 'Department' },
  filterField: 'Field in {{form}}', filterDefault: 'Default', any: 'Any', clearFilters: 'Clear',
  chart: {
    title: 'Title', kind: 'Chart type', form: 'Form', groupBy: 'Group by', split: 'Split series by', bucket: 'Date bucket', measures: 'Measures',
    addMeasure: 'Add measure', filter: 'Chart filter', limit: 'Show the first', sortByValue: 'Largest first', preview: 'Preview',
    amount: 'Amount field', owner: 'Leaderboard by', none: 'None', weight: 'Weight field', scale: 'Scale', expr: 'Expression',
    exprHelp: 'Over the other measures by id, e.g. total / n', id: 'Id', label: 'Label', field: 'Field', op: 'Function',
    exportPng: 'Export PNG', exportCsv: 'Export CSV', exportXlsx: 'Export Excel', drill: 'Click a bar, slice or cell to open its records', truncated: 'Only the first groups are shown',
    noData: 'No data', error: 'This chart cannot be shown: {{message}}',
  },
  alertSource: {
    name: 'Alerts', raisedAt: 'Raised at', rule: 'Alert rule', severity: 'Severity', state: 'State', owner: 'Owner', form: 'Form', level: 'Escalation level', record: 'Record',
    severityValue: { info: 'Info', warning: 'Warning', critical: 'Critical' },
    stateValue: { open: 'Open', acknowledged: 'Acknowledged', resolved: 'Resolved' },
  },
  kind: { metric: 'Metric card', bar: 'Bar', line: 'Line', pie: 'Pie', table: 'Table / pivot', funnel: 'Stage funnel' },
  op: { count: 'Count', sum: 'Sum', avg: 'Average', min: 'Minimum', max: 'Maximum', weighted: 'Weighted sum', expr: 'Expression' },
  bucket: { none: 'Value', day: 'Day', week: 'Week', month: 'Month', quarter: 'Quarter', year: 'Year' },
  prop: { createdAt: 'Created at', updatedAt: 'Updated at', ownedBy: 'Owner', createdBy: 'Created by' },
  funnel: {
    stage: 'Stage', count: 'Now', reached: 'Reached', conversion: 'Conversion', time: 'Avg time in stage', amount: 'Amount',
    overall: 'Overall conversion', winRate: 'Win rate', weighted: 'Weighted pipeline', cycle: 'Avg cycle to won', cycleSample: 'over {{n}} won',
    leaders: 'Leaderboard', owner: 'Owner', won: 'Won', wonAmount: 'Won amount', lost: 'Lost', open: 'Open',
    noHistory: 'Stage history is not available to you: lost records count at the first stage, no times.', sampled: 'History figures from the most recently updated records.',
    days: '{{n}} d', hours: '{{n}} h',
  },
  empty_value: '(empty)',
};
export default dashboardsEn;
