// What the 党费 tabs share: money as ¥12.34 (integer fen, never floats), months, the payment methods and
// the statuses of a member's month.
import { h, notice } from './dom.js';
import { yuan, toFen } from './work_secretaries.js';
import { ruleError } from './recruits.js';

export { toFen };
// 123456 → "¥1,234.56"
export const money = (fen) => (fen === null || fen === undefined ? '' : `¥${yuan(fen)}`);

export const todayStr = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
export const thisMonth = () => todayStr().slice(0, 7);
export const thisYear = () => Number(todayStr().slice(0, 4));
export const monthLabel = (m) => (m ? `${m.slice(0, 4)}年${Number(m.slice(5, 7))}月` : '');
export function addMonths(m, n) {
  const k = Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1 + n;
  return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
}

export const KINDS = [
  { key: 'employed', name: '在职' }, { key: 'retired', name: '离退休' },
  { key: 'farmer', name: '农民' }, { key: 'minimal', name: '学生、下岗失业、低保' },
];
export const METHODS = [
  { key: 'cash', name: '现金' }, { key: 'wechat', name: '微信' }, { key: 'alipay', name: '支付宝' },
  { key: 'bank', name: '银行转账' }, { key: 'payroll', name: '工资代扣' },
];
export const methodName = (k) => (METHODS.find((x) => x.key === k) || {}).name || k || '';
export const STATUS = {
  paid: '已交', exempt: '免交', unpaid: '未交', future: '未到期', no_base: '未核定', not_due: '未到交纳期',
};

export function statusBadge(status, name) {
  return h('span', { class: `badge dues-st dues-st-${status}`, testid: 'dues-status', dataset: { status } }, name || STATUS[status] || status);
}

export function errorBox(e) {
  return e && e.rule ? ruleError(e) : notice(e ? e.message : '出错了', 'error', 'dues-error');
}

export function selectOf(name, options, value, attrs = {}) {
  return h('select', { name, value, ...attrs }, options.map((o) => h('option', { value: o.key }, o.name)));
}
