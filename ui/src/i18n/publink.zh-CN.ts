// 公开表单页面与表单「公开链接」设置的中文文案（英文见 publink.en.ts）。
const publinkZhCN = {
  button: '公开链接', title: '公开链接', on: '已开启', off: '未开启',
  intro: '任何拿到链接的人无需登录即可填写此表单。只显示你选择的字段，其余字段取默认值或下方的固定值。提交同样经过表单规则、唯一性校验和自动化，历史记录中来源显示为「公开表单」。',
  notPublished: '请先发布表单：公开页面显示的是已发布的版本。',
  enabled: '接收提交', fields: '显示的字段', fieldsHelp: '关联、成员、部门、附件和计算字段不能公开显示。',
  pageTitle: '页面标题', pageTitlePh: '表单名称', description: '说明', thanks: '提交后的感谢语', thanksPh: '感谢提交，我们已收到您的信息。',
  maxSubmissions: '达到多少份后停止收集', maxSubmissionsHelp: '0 表示不限', perIpHour: '每个访客地址每小时最多提交', perIpHourHelp: '0 表示默认值 20',
  presets: '未显示字段的固定值', presetField: '字段', presetValue: '值', addPreset: '添加固定值',
  save: '保存', saved: '已保存', submissions: '已收到 {{count}} 份',
  linkOnce: '公开链接（仅此一次显示，请复制保存；服务器只保存它的哈希）', copy: '复制链接', copied: '链接已复制', open: '打开',
  noLinkShown: '链接只在生成时显示。如果丢失，可以重新生成（旧链接随即失效）。',
  rotate: '重新生成链接', rotateConfirm: '生成新链接？当前链接会立即失效。',
  remove: '删除链接', removeConfirm: '删除公开链接？其地址将无法访问。', removed: '公开链接已删除',
  submit: '提交', submitting: '提交中…', fixErrors: '请修改标出的字段',
  done: '提交成功', doneDefault: '感谢提交，我们已收到您的信息。', again: '再填一份',
  notFound: '此表单无法访问', notFoundHelp: '链接可能已更换或关闭，请联系发送者获取新链接。',
  closed: '此表单已停止收集', tooMany: '您所在网络提交过于频繁，请稍后再试。',
  honeypot: '请勿填写', poweredBy: '由 Formloom 提供',
};
export default publinkZhCN;
