// 通知（铃铛、收件箱、通知设置）的中文文案。
import type notifyEn from './notify.en';

const notifyZhCN: typeof notifyEn = {
  bell: '通知', unread_one: '{{count}} 条未读', unread_other: '{{count}} 条未读',
  inbox: '通知', all: '全部', unreadTab: '未读', empty: '暂无通知', emptyUnread: '没有未读通知',
  markRead: '标为已读', markAllRead: '全部标为已读', markedAll_one: '已将 {{count}} 条标为已读', markedAll_other: '已将 {{count}} 条标为已读',
  openRecord: '打开记录', viewAll: '查看全部', more: '加载更多', settings: '通知设置', read: '已读',
  severity: { info: '提示', warning: '警告', critical: '严重' },
  kinds: { '*': '其他类型', automation: '自动化', alert: '预警', task: '待办与审批', webhook: 'Webhook' },
  prefs: {
    title: '通知设置',
    intro: '按通知类型选择是否出现在收件箱，以及是否同时发送邮件。',
    kind: '类型', inApp: '收件箱', email: '邮件', language: '邮件语言', languageDefault: '跟随工作区',
    emailOff: '关闭', emailInstant: '逐条发送', emailDigest: '每日摘要',
    emailDisabled: '本服务器未配置邮件（由管理员设置 SMTP 选项），目前只使用收件箱。',
    digestAt: '每日摘要在工作区时区的 {{hour}}:00 发送。',
    saved: '通知设置已保存', conflict: '设置已被修改，已重新加载，请再试一次。',
  },
};

export default notifyZhCN;
