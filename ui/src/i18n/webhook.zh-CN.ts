import type webhookEn from './webhook.en';

// 简体中文：Webhook 相关界面。
const webhookZhCN: typeof webhookEn = {
  title: 'Webhook', outbound: '推送（出站）', inbound: '接收（入站）',
  outboundIntro: '把数据变化推送给其他系统。每次推送都带签名（Standard Webhooks），失败后约 4 天内自动重试，推送记录保留 30 天。',
  inboundIntro: '让其他系统把数据推进来：每个接收地址都有私密 URL，并把推送内容映射到表单字段。',
  newEndpoint: '新建推送地址', url: 'URL', description: '说明', events: '事件', form: '表单', anyForm: '全部表单',
  actor: '执行身份', actorDefault: '默认为创建者（我）', actsAs: '以 {{name}} 的身份',
  actorHelp: '推送内容只包含该成员可查看的数据和字段。请选择有权查看所选表单的成员。',
  hookActorHelp: '数据以该成员的身份写入，该成员须有新增权限（开启按字段更新时还需编辑权限）。',
  filter: '过滤条件', filterHelp: '只推送条件为真的数据，例如 amount > 10000', filterOk: '条件有效',
  headers: '自定义请求头', headerName: '请求头', headerValue: '值', addHeader: '添加请求头', enabled: '已启用', disabled: '已停用',
  status: '状态', actions: '操作', log: '推送记录', rotate: '更换密钥', test: '发送测试事件', testQueued: '测试事件已加入队列',
  rotateConfirm: '生成新密钥？旧密钥在 24 小时内仍会签名。',
  secretOnce: '签名密钥：请立即复制，只显示这一次', secretHint: '密钥 …{{hint}}',
  reason_gone: '已停用：接收端返回 410 Gone', reason_failing: '已停用：连续 5 天推送失败',
  failingSince: '自 {{time}} 起推送失败', rotating: '旧密钥有效至 {{time}}',
  deleteConfirm: '删除该推送地址？', empty: '还没有推送地址',
  st_pending: '待推送', st_succeeded: '已送达', st_failed: '失败', all: '全部',
  type: '事件', attempts: '尝试次数', code: '响应', created: '时间', next: '下次尝试 {{time}}',
  redeliver: '重新推送', redelivered: '已重新加入队列', redeliverFailed: '重推全部失败项', redeliveredN: '已重新推送 {{count}} 条',
  detail: '推送详情', body: '内容', attempt: '第 {{n}} 次尝试', duration: '{{ms}} 毫秒', requestHeaders: '请求头',
  responseHeaders: '响应头', responseBody: '响应内容（节选）', refresh: '刷新', noDeliveries: '还没有推送记录',
  newHook: '新建接收地址', name: '名称', verify: '签名校验', verify_none: '不校验（仅 URL 令牌）',
  verify_hmac: '共享密钥 HMAC-SHA256', verify_standard: 'Standard Webhooks', signatureHeader: '签名请求头',
  mapping: '字段映射', mappingHelp: '为每个表单字段写一个取值表达式，例如 payload.contact.phone',
  field: '字段', expression: '表达式', addMapping: '添加字段', idempotencyKey: '幂等键', idempotencyHelp: '重复的键不会再新建数据，例如 payload.id',
  upsertField: '按字段更新', upsertHelp: '已有记录的该字段等于映射值时，更新该记录而不是新建',
  hookUrl: '接收地址：请立即复制，其中的令牌只显示这一次', hookSecret: '共享密钥', rotateHook: '生成新地址', rotateHookConfirm: '生成新的接收地址（和密钥）并启用？当前地址会立即失效。',
  calls: '最近调用', noCalls: '还没有调用', useAsSample: '用这条内容做映射', sample: '示例内容',
  ok: '已写入', error: '错误', record: '记录', noHooks: '还没有接收地址', close: '关闭',
};
export default webhookZhCN;
