// 外壳和其他页面用到的自动化文案（导航）；其余随自动化页面加载（automation.screens.ts）。
import type automationEn from './automation.en';

const automationZhCN: typeof automationEn = { nav: '自动化', alert: { nav: '预警' } };

export default automationZhCN;
