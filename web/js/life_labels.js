// 组织生活: meeting kinds (API docs table), attendance statuses and small date helpers.
export const KINDS = [
  { key: 'party_congress', name: '支部党员大会', short: '党员大会', orgs: ['branch', 'joint_branch'] },
  { key: 'committee', name: '支委会', short: '支委会', orgs: ['branch'] },
  { key: 'group', name: '党小组会', short: '党小组会', orgs: ['group'] },
  { key: 'lecture', name: '党课', short: '党课', orgs: ['*'] },
  { key: 'theme_day', name: '主题党日', short: '主题党日', orgs: ['branch'] },
  { key: 'life_meeting', name: '组织生活会', short: '组织生活会', orgs: ['branch'] },
  { key: 'appraisal', name: '民主评议党员', short: '民主评议', orgs: ['branch'] },
  { key: 'talk', name: '谈心谈话', short: '谈心谈话', orgs: ['branch'] },
  { key: 'study', name: '集中学习/轮训', short: '学习轮训', orgs: ['*'] },
];
export const KIND = Object.fromEntries(KINDS.map((k) => [k.key, k]));
export const kindName = (k) => (KIND[k] ? KIND[k].name : k || '');

// Kinds an organization of this kind may hold (a 联合党支部 counts as a 党支部 for the branch-only kinds).
export function kindsFor(orgKind) {
  return KINDS.filter((k) => {
    if (orgKind === 'group') return k.key === 'group';
    if (k.orgs.includes('*')) return true;
    if (k.orgs.includes(orgKind)) return true;
    return orgKind === 'joint_branch' && k.orgs.includes('branch');
  });
}

export const ATT_STATUS = { present: '出席', leave: '请假', absent: '缺席' };
export const ATT_NEXT = { present: 'leave', leave: 'absent', absent: 'present' };

export const HEAT_STATUS = { green: '达标', amber: '进行中', red: '未达标', future: '未开始' };

export const pad2 = (n) => String(n).padStart(2, '0');
export function isoDate(d) { return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`; }
export function today() { return isoDate(new Date()); }
export function monthKey(y, m) { return `${y}-${pad2(m)}`; }
export function lastDay(y, m) { return new Date(y, m, 0).getDate(); }
export const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日'];
