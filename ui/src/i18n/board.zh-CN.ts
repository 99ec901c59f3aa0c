// 数据视图中看板与日历的文案。
const boardZhCN = {
  layout: '布局', table: '表格', kanban: '看板', calendar: '日历',
  noKanbanField: '表单中添加单选或成员字段后，才能以看板查看。',
  noCalendarField: '表单中添加日期或日期时间字段后，才能以日历查看。',
  field: '分列字段', sumField: '汇总', noSum: '不汇总', cardFields: '卡片字段', cardFieldsPlaceholder: '卡片上显示的字段',
  none: '未设置', count_one: '{{count}} 条', count_other: '{{count}} 条',
  loadMore: '加载更多', loaded: '已显示 {{shown}} / {{count}} 条', empty: '暂无数据',
  moved: '已移至“{{column}}”', refused: '未能移动：{{message}}', dismiss: '知道了',
  moreColumns: '仅显示前 {{n}} 列', readOnly: '你无权修改此字段，卡片不能拖动。',
  dateField: '日期字段', month: '月', week: '周', day: '日', dayTitle: '{{date}}（周{{weekday}}）', today: '今天', prev: '上一页', next: '下一页',
  more: '还有 {{n}} 条', rescheduled: '已改到 {{date}}', tooMany: '此范围内仅显示前 {{n}} 条，请缩小筛选范围。',
  weekdays: '一,二,三,四,五,六,日', monthTitle: '{{year}} 年 {{month}}', weekTitle: '{{from}} – {{to}}',
  months: '1 月,2 月,3 月,4 月,5 月,6 月,7 月,8 月,9 月,10 月,11 月,12 月',
  untitled: '（无标题）',
};
export default boardZhCN;
