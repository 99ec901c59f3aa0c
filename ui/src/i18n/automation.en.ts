// English strings of automations the app shell and other screens show (the
// nav entries). The automation screens bring the rest with them
// (automation.screens.ts), so the first load does not carry them.
const automationEn = { nav: 'Automations', alert: { nav: 'Alerts' } };

export default automationEn;
