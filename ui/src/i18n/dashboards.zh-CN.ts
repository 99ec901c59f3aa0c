// 仪表盘与图表的中文文案（随页面按需加载）。
const dashboardsZhCN = {
  menu: '仪表盘', title: '仪表盘', new: '新建仪表盘', empty: '还没有仪表盘', name: '标题', roles: '可见角色',
  settings: '标题与可见范围', filterAny: '全部', visibleTo: '可见角色：{{roles}}', visibleAll: '应用的所有成员可见', rolesHelp: '留空：应用的所有成员可见。应用管理员始终可见。', created: '仪表盘已创建', saved: '仪表盘已保存',
  deleted: '仪表盘已删除', deleteConfirm: '删除仪表盘“{{name}}”？', notFound: '仪表盘不存在或未对你开放',
  edit: '编辑布局', done: '完成', addChart: '添加图表', editChart: '编辑图表', removeChart: '移除图表', noCharts: '还没有图表',
  conflict: '仪表盘已被他人修改，已重新加载', refresh: '刷新',
  filters: '筛选', addFilter: '添加筛选', filterLabel: '名称', period: '日期范围', user: '人员', department: '部门',
  filterKind: { date_range: '日期范围', user: '人员', department: '部门' },
  filterField: '{{form}} 中的字段', filterDefault: '默认', any: '全部', clearFilters: '清除',
  chart: {
    title: '标题', kind: '图表类型', form: '表单', groupBy: '分组', split: '系列拆分', bucket: '日期粒度', measures: '指标',
    addMeasure: '添加指标', filter: '图表筛选', limit: '只显示前', sortByValue: '按数值从大到小', preview: '预览',
    amount: '金额字段', owner: '排行榜依据', none: '无', weight: '权重字段', scale: '系数', expr: '表达式',
    exprHelp: '引用其他指标的标识，例如 total / n', id: '标识', label: '名称', field: '字段', op: '计算方式',
    exportPng: '导出 PNG', exportCsv: '导出 CSV', exportXlsx: '导出 Excel', drill: '点击柱、扇区或单元格查看对应数据', truncated: '只显示了前面的分组',
    noData: '暂无数据', error: '该图表无法显示：{{message}}',
  },
  alertSource: {
    name: '预警', raisedAt: '触发时间', rule: '预警规则', severity: '级别', state: '状态', owner: '负责人', form: '表单', level: '升级层级', record: '记录',
    severityValue: { info: '提示', warning: '警告', critical: '严重' },
    stateValue: { open: '未处理', acknowledged: '已确认', resolved: '已解决' },
  },
  kind: { metric: '指标卡', bar: '柱状图', line: '折线图', pie: '饼图', table: '表格 / 透视表', funnel: '阶段漏斗' },
  op: { count: '计数', sum: '求和', avg: '平均值', min: '最小值', max: '最大值', weighted: '加权求和', expr: '表达式' },
  bucket: { none: '按值', day: '日', week: '周', month: '月', quarter: '季度', year: '年' },
  prop: { createdAt: '创建时间', updatedAt: '更新时间', ownedBy: '拥有者', createdBy: '创建人' },
  funnel: {
    stage: '阶段', count: '当前', reached: '到达', conversion: '转化率', time: '平均停留', amount: '金额',
    overall: '整体转化率', winRate: '赢率', weighted: '加权金额', cycle: '平均成交周期', cycleSample: '基于 {{n}} 条赢单',
    leaders: '排行榜', owner: '负责人', won: '赢单', wonAmount: '赢单金额', lost: '输单', open: '进行中',
    noHistory: '你无权查看阶段历史：输单计入第一阶段，不显示停留时间。', sampled: '阶段历史指标来自最近更新的记录。',
    days: '{{n}} 天', hours: '{{n}} 小时',
  },
  empty_value: '（空）',
};
export default dashboardsZhCN;
