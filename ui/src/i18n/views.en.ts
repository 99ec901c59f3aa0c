// English strings of saved views, totals, quick search and grouping in the data view.
const viewsEn = {
  all: 'All records', pick: 'View', save: 'Save view', saveAs: 'Save as new view', update: 'Update "{{name}}"', delete: 'Delete view',
  deleteConfirm: 'Delete the view "{{name}}"?', name: 'View name', shared: 'Share with everyone who may see this form',
  defaultFor: 'Default view for roles', defaultForHelp: 'Members of these roles open this view first.', personal: 'My views', sharedGroup: 'Shared views',
  saved: 'View saved', deleted: 'View deleted', copyLink: 'Copy link', linkCopied: 'Link copied', notFound: 'The view no longer exists; showing all records.',
  search: 'Search', searchPlaceholder: 'Search {{fields}}', totals: 'Total', average: 'Average', sum: 'Sum',
  groupBy: 'Group by', noGroup: 'No grouping', empty: '(empty)', groupCount_one: '{{count}} record', groupCount_other: '{{count}} records',
  moreGroups: 'Only the first {{n}} groups are shown', groupFirst: 'Showing the first {{n}} of {{total}} records; filter to narrow them', moveUp: 'Move up', moveDown: 'Move down', width: 'Drag to resize',
};
export default viewsEn;
