// The few approval-flow strings screens outside ui/src/screens/flows show
// (the nav entry, the form list's button, the record drawer's tab). The rest
// load with the flow screens (./flows.ts), outside the first load.
export const flowsEntry = {
  en: { flows: { menu: 'Approval flow' }, approvals: { nav: 'Tasks', tab: 'Approval' } },
  'zh-CN': { flows: { menu: '审批流程' }, approvals: { nav: '待办', tab: '审批' } },
};
