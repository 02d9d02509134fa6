// 发展党员: pipeline board of the selected organization (5 stage columns), the 新增入党申请人 form,
// and the sub-navigation shared by the board, 提醒, 计划 and 统计 pages.
import { api, qs } from './api.js';
import { h, replace, notice, loading, toast, fmtDate } from './dom.js';
import { loadCodes, codeOptions, codeByName } from './codes.js';
import { orgReady } from './layout.js';
import { navigate } from './router.js';
import { orgPicker } from './org_picker.js';
import { searchScopeBranches, isBranchKind } from './branches.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';
import {
  STAGES, RECRUIT_STATUS, REMINDER_KIND, URGENT_KINDS, SPECIAL_KINDS, stepName, label,
} from './recruit_labels.js';

const filters = { status: 'active', q: '' };

// 看板 · 提醒 · 计划 · 统计
export function recruitTabs(active) {
  const tab = (key, text, href) => h('a', {
    href, class: `tab${key === active ? ' active' : ''}`, role: 'tab', 'aria-selected': String(key === active),
    testid: `recruit-tab-${key}`,
  }, text);
  return h('div', { class: 'tabs recruit-tabs', role: 'tablist' },
    tab('board', '看板', '#/recruits'), tab('reminders', '提醒', '#/recruits/reminders'),
    tab('plans', '计划', '#/recruits/plans'), tab('stats', '统计', '#/recruits/stats'));
}

export function ruleError(e, extra) {
  return h('div', { class: 'rule-error', role: 'alert', testid: 'rule-error', dataset: { rule: e.rule || e.code || '' } },
    h('span', { class: 'rule-error-msg' }, e.message),
    e.rule ? h('small', { class: 'rule-id mono', testid: 'rule-id' }, e.rule) : null,
    extra || null);
}

// The date of the last recorded step, from the list record (server gives last_on when it can).
function lastDate(r) {
  if (r.last_on) return r.last_on;
  const ds = [r.applied_on, r.talked_on, r.activist_on, r.target_on, r.branch_meeting_on, r.approved_on, r.full_on]
    .filter(Boolean).sort();
  return ds.length ? ds[ds.length - 1] : '';
}

export async function renderRecruitBoard(view) {
  view.append(loading());
  const org = await orgReady();
  view.replaceChildren();
  const search = h('input', {
    type: 'search', value: filters.q, placeholder: '姓名或身份证后四位', class: 'search-input',
    'aria-label': '搜索', testid: 'recruit-search',
  });
  const statusSel = h('select', {
    'aria-label': '状态', testid: 'recruit-status', value: filters.status,
    onchange: (e) => { filters.status = e.target.value; load(); },
  }, h('option', { value: '' }, '全部状态'),
  Object.entries(RECRUIT_STATUS).map(([k, v]) => h('option', { value: k }, v)));
  const board = h('div', { class: 'board', testid: 'recruit-board' });
  const msg = h('div', { 'aria-live': 'polite' });
  const total = h('span', { class: 'muted', testid: 'recruit-total' });

  view.append(
    h('div', { class: 'page-head' },
      h('h2', null, '发展党员', org ? h('small', { testid: 'recruit-org-name' }, ` · ${org.name}`) : null),
      h('div', { class: 'actions' },
        h('a', { class: 'btn btn-primary', href: '#/recruits/new', testid: 'recruit-add' }, '新增入党申请人'))),
    recruitTabs('board'),
    h('div', { class: 'toolbar' },
      h('form', {
        class: 'search-form', role: 'search',
        onsubmit: (e) => { e.preventDefault(); filters.q = search.value; load(); },
      }, search, h('button', { class: 'btn', type: 'submit' }, '搜索')),
      h('div', { class: 'filters' }, statusSel), total),
    msg, board);

  let seq = 0;
  async function load() {
    const my = ++seq;
    msg.replaceChildren();
    board.classList.add('busy');
    try {
      const params = { org: org ? org.id : '', status: filters.status, q: filters.q.trim(), per_page: 200 };
      const [r, rem] = await Promise.all([
        api.get(`/api/v1/recruits${qs(params)}`),
        api.get(`/api/v1/recruits/reminders${qs({ org: org ? org.id : '' })}`).catch(() => []),
      ]);
      if (my !== seq) return;
      const byId = new Map();
      for (const x of (Array.isArray(rem) ? rem : (rem && rem.items) || [])) {
        if (!byId.has(x.recruit_id)) byId.set(x.recruit_id, []);
        byId.get(x.recruit_id).push(x);
      }
      const items = r.items || [];
      total.textContent = r.total > items.length ? `共 ${r.total} 人，显示前 ${items.length} 人` : `共 ${r.total ?? items.length} 人`;
      replace(board, STAGES.map((s) => column(s, items.filter((x) => Number(x.stage) === s.stage), byId)));
    } catch (e) {
      if (my !== seq) return;
      msg.append(notice(e.message, 'error', 'list-error'));
    } finally {
      board.classList.remove('busy');
    }
  }
  await load();
}

function column(s, items, reminders) {
  return h('section', { class: 'board-col', testid: 'board-col', dataset: { stage: s.stage }, 'aria-label': s.name },
    h('h3', { class: 'board-col-head' }, s.name, h('span', { class: 'board-count' }, String(items.length))),
    items.length ? h('ul', { class: 'board-cards' }, items.map((r) => card(r, reminders.get(r.id) || [])))
      : h('p', { class: 'board-empty' }, '无'));
}

function card(r, rems) {
  const urgent = rems.some((x) => URGENT_KINDS.has(x.kind));
  return h('li', { class: 'board-card', testid: 'recruit-card', dataset: { id: r.id } },
    h('a', { class: 'board-card-name', href: `#/recruits/${r.id}`, testid: 'recruit-link' }, r.name),
    r.status !== 'active' ? h('span', { class: `badge rstatus-${r.status}` }, label(RECRUIT_STATUS, r.status)) : null,
    rems.length ? h('span', {
      class: `badge ${urgent ? 'badge-urgent' : 'badge-warn'}`, testid: 'recruit-reminder-badge',
      title: rems.map((x) => x.message).join('\n'),
    }, rems.length > 1 ? `${label(REMINDER_KIND, rems[0].kind)} 等 ${rems.length} 项` : label(REMINDER_KIND, rems[0].kind)) : null,
    h('div', { class: 'board-card-org' }, r.org_name || ''),
    h('div', { class: 'board-card-step' },
      r.last_step ? `${r.last_step}. ${stepName(r.last_step)}` : '', ' ',
      h('span', { class: 'muted' }, fmtDate(lastDate(r)))));
}

// 新增入党申请人; #/recruits/new?talent=ID (发起发展 from 人才储备) pre-fills what the recommended
// talent record holds — name, 所在党支部, 学历 when it is one of the codes — and sends talent_id, so
// the server moves the talent to 已发展 in the same transaction. Gender and birth year come from
// the ID number here; the talent's are shown for the clerk to compare.
export async function renderRecruitNew(view, match, query) {
  view.append(loading());
  const talentId = Number(query && query.get('talent')) || 0;
  const [org, , talent] = await Promise.all([orgReady(), loadCodes(),
    talentId ? api.get(`/api/v1/talents/${talentId}`).catch(() => null) : null]);
  view.replaceChildren();
  const fromTalent = talent && talent.status === 'recommended' ? talent : null;
  const branch = orgPicker({
    id: 'r-org_id', name: 'org_id', testid: 'input-org_id', noun: '党支部', minChars: 0, search: searchScopeBranches,
    placeholder: '输入支部名称查找',
    value: fromTalent ? { id: fromTalent.org_id, name: fromTalent.org_name }
      : org && isBranchKind(org.kind) ? { id: org.id, name: org.name } : null,
    describe: (o) => ({ label: o.name, main: o.name, sub: o.kind === 'joint_branch' ? '（联合党支部）' : '', note: o.code || '' }),
  });
  const inp = (key, attrs = {}) => h('input', { id: `r-${key}`, name: key, testid: `input-${key}`, autocomplete: 'off', ...attrs });
  const name = inp('name', { maxlength: 50 });
  const idn = inp('id_number', { maxlength: 18, class: 'mono', spellcheck: 'false' });
  const eth = h('select', { id: 'r-ethnicity', name: 'ethnicity', testid: 'input-ethnicity' }, codeOptions('ethnicity', ''));
  const edu = h('select', { id: 'r-education', name: 'education', testid: 'input-education' }, codeOptions('education', ''));
  const unit = inp('work_unit', { maxlength: 60 });
  const phone = inp('phone', { type: 'tel', inputmode: 'tel', maxlength: 20 });
  const applied = inp('applied_on', { type: 'date' });
  const note = h('textarea', { id: 'r-note', name: 'note', rows: 2, testid: 'input-note' });
  const special = h('select', { id: 'r-special', name: 'special', testid: 'input-special' },
    h('option', { value: '' }, '否'), Object.entries(SPECIAL_KINDS).map(([k, v]) => h('option', { value: k }, v)));
  if (fromTalent) {
    name.value = fromTalent.name;
    const eduCode = fromTalent.education ? codeByName('education', fromTalent.education) : '';
    if (eduCode) edu.value = eduCode;
  }
  const talentBox = talentId ? (fromTalent
    ? notice(`来自人才储备（${fromTalent.pool_name}）：${fromTalent.name}，${fromTalent.gender_name || ''}${fromTalent.birth_year ? `，${fromTalent.birth_year} 年生` : ''}，`
      + `${fromTalent.recommended_on} 推荐为入党积极分子。保存后该储备人才记为“已发展”。`, 'info', 'recruit-from-talent')
    : notice('该储备人才不存在或不是“已推荐为入党积极分子”状态，将按普通入党申请登记。', 'warn', 'recruit-from-talent')) : null;
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite', testid: 'form-msg' });
  const form = h('form', { class: 'card', novalidate: true, testid: 'recruit-form', onsubmit: submit },
    fromTalent ? h('input', { type: 'hidden', name: 'talent_id', value: String(fromTalent.id), testid: 'input-talent_id' }) : null,
    h('div', { class: 'form-grid' },
      fieldBox('org_id', '所在党支部', branch.input, { required: true, wide: true, control: branch.el }),
      fieldBox('name', '姓名', name, { required: true }),
      fieldBox('id_number', '公民身份号码', idn, { required: true }),
      fieldBox('ethnicity', '民族', eth, { required: true }),
      fieldBox('education', '学历', edu),
      fieldBox('work_unit', '工作单位', unit),
      fieldBox('phone', '联系电话', phone),
      fieldBox('applied_on', '递交申请日期', applied, { required: true, hint: '递交入党申请书的日期，须年满 18 周岁' }),
      fieldBox('special', '特殊对象', special, { hint: '确定发展对象前须向县级党委组织部门事前报告，并计入特殊对象比例' }),
      fieldBox('note', '备注', note, { wide: true })),
    msg,
    h('div', { class: 'form-actions' },
      h('button', { class: 'btn btn-primary', type: 'submit', testid: 'recruit-save' }, '保存'),
      h('a', { class: 'btn', href: '#/recruits' }, '取消')));
  view.append(h('div', { class: 'page-head' }, h('h2', null, '新增入党申请人')), ...(talentBox ? [talentBox] : []), form);

  async function submit(ev) {
    ev.preventDefault();
    clearFieldErrors(form);
    msg.replaceChildren();
    const errs = [];
    if (!branch.value) errs.push(['org_id', '请查找并选择所在党支部']);
    if (!name.value.trim()) errs.push(['name', '请填写姓名']);
    if (!idn.value.trim()) errs.push(['id_number', '请填写公民身份号码']);
    if (!eth.value) errs.push(['ethnicity', '请选择民族']);
    if (!applied.value) errs.push(['applied_on', '请填写递交申请日期']);
    if (errs.length) { errs.reverse().forEach(([k, t]) => showFieldError(form, k, t)); return; }
    const body = {
      org_id: Number(branch.value.id), name: name.value.trim(), id_number: idn.value.trim().toUpperCase(),
      ethnicity: eth.value, applied_on: applied.value,
    };
    if (edu.value) body.education = edu.value;
    if (unit.value.trim()) body.work_unit = unit.value.trim();
    if (phone.value.trim()) body.phone = phone.value.trim();
    if (note.value.trim()) body.note = note.value.trim();
    if (special.value) body.special = special.value;
    if (fromTalent) body.talent_id = fromTalent.id;
    const btn = form.querySelector('[type=submit]');
    btn.disabled = true;
    try {
      const r = await api.post('/api/v1/recruits', body);
      toast(`已登记入党申请人 ${r.name}`);
      navigate(`#/recruits/${r.id}`);
    } catch (e) {
      if (!(e.field && showFieldError(form, e.field, e.message))) msg.append(e.rule ? ruleError(e) : notice(e.message, 'error'));
    } finally {
      btn.disabled = false;
    }
  }
}
