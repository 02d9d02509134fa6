// Fixed labels that are not national code tables.
export const MEMBER_STATE = {
  active: '在册',
  transferring: '转出中',
  transferred_out: '已转出',
  removed: '已除名',
  deceased: '已去世',
};

export const TRANSFER_STATUS = {
  pending: '待接收',
  confirmed: '已接收',
  rejected: '已退回',
  cancelled: '已撤销',
  sent: '已开出',
};

export const TRANSFER_KIND = { internal: '系统内转接', external: '转出系统外' };

export const UNIT_KIND = {
  village: '农村',
  community: '社区',
  enterprise: '企业',
  government: '机关',
  school: '学校',
  other: '其他',
};

export const AGE_BANDS = [
  { key: '', name: '全部年龄' },
  { key: 'le35', name: '35岁以下', max: 35 },
  { key: '36_45', name: '36-45岁', min: 36, max: 45 },
  { key: '46_55', name: '46-55岁', min: 46, max: 55 },
  { key: '56_60', name: '56-60岁', min: 56, max: 60 },
  { key: 'gt60', name: '60岁以上', min: 61 },
];

export function label(map, key) {
  return (key && map[key]) || key || '';
}
