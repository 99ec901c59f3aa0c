// 数据视图中的视图、合计、快速搜索与分组文案。
const viewsZhCN = {
  all: '全部数据', pick: '视图', save: '保存视图', saveAs: '另存为新视图', update: '更新“{{name}}”', delete: '删除视图',
  deleteConfirm: '删除视图“{{name}}”？', name: '视图名称', shared: '共享给所有可查看此表单的成员',
  defaultFor: '作为以下角色的默认视图', defaultForHelp: '这些角色的成员打开表单时先看到此视图。', personal: '我的视图', sharedGroup: '共享视图',
  saved: '视图已保存', deleted: '视图已删除', copyLink: '复制链接', linkCopied: '链接已复制', notFound: '该视图已不存在，显示全部数据。',
  search: '搜索', searchPlaceholder: '搜索{{fields}}', totals: '合计', average: '平均', sum: '求和',
  groupBy: '分组', noGroup: '不分组', empty: '（空）', groupCount_one: '{{count}} 条', groupCount_other: '{{count}} 条',
  moreGroups: '仅显示前 {{n}} 个分组', groupFirst: '显示前 {{n}} 条，共 {{total}} 条；可用筛选缩小范围', moveUp: '上移', moveDown: '下移', width: '拖动调整列宽',
};
export default viewsZhCN;
