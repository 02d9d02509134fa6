// Fixed labels of 发展党员 (RULES.md §1): step and stage names, reminder kinds, rules shown as blockers.
export const STAGES = [
  { stage: 1, name: '申请入党' },
  { stage: 2, name: '入党积极分子' },
  { stage: 3, name: '发展对象' },
  { stage: 4, name: '预备党员' },
  { stage: 5, name: '正式党员' },
];

export const STEP_NAMES = {
  1: '递交入党申请书', 2: '党组织派人谈话', 3: '推荐和确定入党积极分子', 4: '上级党委备案', 5: '指定培养联系人',
  6: '培养教育考察', 7: '确定发展对象', 8: '报上级党委备案', 9: '确定入党介绍人', 10: '政治审查',
  11: '集中培训', 12: '支部委员会审查', 13: '上级党委预审', 14: '填写入党志愿书', 15: '支部大会讨论',
  16: '上级党委派人谈话', 17: '上级党委审批', 18: '再上一级党委组织部门备案', 19: '编入党支部和党小组', 20: '入党宣誓',
  21: '继续教育考察', 22: '提出转正申请', 23: '支部大会讨论转正', 24: '上级党委审批转正', 25: '材料归档',
  91: '回访考察', 92: '事前报告', 95: '不予发展/淘汰', 96: '延长预备期', 97: '取消预备党员资格',
};

export const STEP_CODES = Object.keys(STEP_NAMES).map(Number);

export function stepName(n) { return STEP_NAMES[n] || `第 ${n} 步`; }

export const RECRUIT_STATUS = {
  active: '进行中',
  not_developed: '不予发展',
  cancelled: '已取消资格',
  archived: '已归档',
};

export const LEVEL = { branch: '党支部', committee: '基层党委', dept: '组织部门', county: '组织部门' };

export const REMINDER_KIND = {
  talk_due: '待派人谈话',
  talk_overdue: '谈话已超期',
  inspection_due: '待培养考察',
  inspection_overdue: '考察已超期',
  activist_one_year: '积极分子满一年',
  approval_deadline: '审批期限',
  extension_ending: '延长预备期届满',
  probation_ending: '预备期届满',
  publicity_ending: '公示期满',
};

// Kinds shown as urgent (red) rather than upcoming (amber).
export const URGENT_KINDS = new Set(['talk_overdue', 'inspection_overdue', 'approval_deadline']);

export const BLOCKED_BY = {
  'recruit.inspection_gap': '培养教育考察间隔已超过 6 个月，须先登记考察',
  'recruit.score': '量化考评平均分未达到确定发展对象的要求',
  'recruit.political_review': '尚无合格的政治审查结论',
  'recruit.approval_deadline': '已超过上级党委审批期限',
  'recruit.eliminate_revisit': '考评不足 60 分的积极分子须先进行回访考察',
  'recruit.extension_once': '预备期只能延长一次',
  'recruit.special_report': '特殊对象须先向县级党委组织部门事前报告',
  'recruit.ladder_failed': '本年度阶梯考核有未通过的环节',
  'recruit.ladder_incomplete': '本年度阶梯考核尚未全部通过',
};

export const SPECIAL_KINDS = {
  private_owner: '非公有制经济组织出资人', new_social_class: '新的社会阶层人士', special_unit: '特殊单位人员',
};
export const LADDER_RESULT = { passed: '通过', failed: '未通过' };

export const SCORE_BAND = { eligible: '可确定为发展对象', continue: '继续培养', eliminate: '应予淘汰' };

export const DATE_MILESTONES = {
  applied_on: '递交申请', talked_on: '谈话', activist_on: '确定积极分子', target_on: '确定发展对象',
  branch_meeting_on: '支部大会', approved_on: '上级审批', full_on: '转正',
};

export function label(map, key) { return (key && map[key]) || key || ''; }
