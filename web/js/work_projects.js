// 党建项目化管理 (#/work/projects): list with filters and export, the 申报 form, and the detail with the stage
// bar, the actions the user may take now, the quarterly reviews and the public progress ledger.
import { api, qs } from './api.js';
import { h, replace, notice, loading, toast } from './dom.js';
import { orgReady } from './layout.js';
import { navigate, rerender } from './router.js';
import { ruleError } from './recruits.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';

const BASE = '#/work/projects';
export const STAGES = [
  { key: 'apply', name: '申报' }, { key: 'file', name: '备案' }, { key: 'implement', name: '实施' },
  { key: 'conclude', name: '结题' }, { key: 'accept', name: '验收' }, { key: 'evaluate', name: '评估' },
  { key: 'reward', name: '激励' },
];
export const TYPES = [
  { key: 'innovation', name: '基础工作创新型' }, { key: 'demonstration', name: '重点工作示范型' },
  { key: 'promotion', name: '特色工作推广型' },
];
const ACTION_NAME = {
  resubmit: '重新申报', file: '同意备案', return: '退回申报', implement: '启动实施', review: '季度评审',
  conclude: '申请结题', accept: '验收', evaluate: '评估', reward: '激励',
};
const LEDGER_NAME = {
  apply: '申报', resubmit: '重新申报', return: '退回', file: '备案', implement: '实施', review_approved: '季度评审通过',
  review_returned: '季度评审退回', conclude: '结题', accept: '验收', evaluate: '评估', reward: '激励',
};
const thisYear = () => Number(new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 4));
const yuan = (fen) => (fen === null || fen === undefined ? '' : `${(fen / 100).toFixed(2)} 元`);

function errorBox(e) {
  return e.rule ? ruleError(e) : notice(e.message, 'error', 'project-error');
}

export async function render(view, sub, query) {
  if (sub === '/new') return renderForm(view);
  const m = /^\/(\d+)$/.exec(sub || '');
  if (m) return renderDetail(view, Number(m[1]));
  return renderList(view, query);
}

// ---- list ----------------------------------------------------------------------------------

async function renderList(view, query) {
  const sel = await orgReady();
  const f = {
    org: sel ? sel.id : '', type: query.get('type') || '', stage: query.get('stage') || '',
    year: query.get('year') || '', q: query.get('q') || '', leader_led: query.get('leader_led') || '',
  };
  const page = Number(query.get('page')) || 1;
  const go = (over) => navigate(`${BASE}${qs({ ...f, org: '', ...over })}`);
  const select = (name, label, options, value) => h('select', {
    name, 'aria-label': label, testid: `filter-${name}`, value,
    onchange: (e) => go({ [name]: e.target.value, page: '' }),
  }, h('option', { value: '' }, `全部${label}`), options.map((o) => h('option', { value: o.key }, o.name)));
  const years = [];
  for (let y = thisYear() + 1; y >= thisYear() - 5; y--) years.push({ key: String(y), name: `${y}年` });
  const q = h('input', { type: 'search', name: 'q', value: f.q, placeholder: '项目名称', 'aria-label': '项目名称', class: 'search-input', testid: 'filter-q' });
  const exportHref = `/api/v1/projects${qs({ ...f, format: 'xlsx' })}`;
  view.append(
    h('div', { class: 'work-toolbar' },
      select('type', '类型', TYPES, f.type), select('stage', '阶段', STAGES, f.stage), select('year', '年度', years, f.year),
      h('label', { class: 'check' }, h('input', {
        type: 'checkbox', checked: f.leader_led === '1', testid: 'filter-leader',
        onchange: (e) => go({ leader_led: e.target.checked ? '1' : '', page: '' }),
      }), ' 书记领衔'),
      h('form', { class: 'search-form', onsubmit: (e) => { e.preventDefault(); go({ q: q.value.trim(), page: '' }); } },
        q, h('button', { class: 'btn', type: 'submit' }, '查询')),
      h('a', { class: 'btn', href: exportHref, download: 'projects.xlsx', testid: 'project-export' }, '导出 Excel'),
      h('a', { class: 'btn btn-primary', href: `${BASE}/new`, testid: 'project-new' }, '申报项目')));
  const box = h('div', { testid: 'project-list' }, loading());
  view.append(box);
  try {
    const r = await api.get(`/api/v1/projects${qs({ ...f, page, per_page: 20 })}`);
    const items = r.items || [];
    if (!items.length) { replace(box, h('p', { class: 'empty', testid: 'project-empty' }, '没有符合条件的项目')); return; }
    replace(box, h('div', { class: 'table-wrap' }, h('table', { class: 'grid', testid: 'project-table' },
      h('thead', null, h('tr', null, ['项目名称', '类型', '所属组织', '负责书记', '年度', '阶段', '评估'].map((t) => h('th', null, t)))),
      h('tbody', null, items.map((p) => h('tr', { testid: 'project-row', dataset: { id: p.id, stage: p.stage } },
        h('td', null, h('a', { href: `${BASE}/${p.id}` }, p.name), p.leader_led ? h('span', { class: 'badge' }, '书记领衔') : null),
        h('td', null, p.type_name), h('td', null, p.org_name), h('td', null, p.secretary_name), h('td', null, p.year),
        h('td', null, h('span', { class: `badge${p.returned ? ' badge-warn' : ''}` }, p.status_name)),
        h('td', null, p.score === null ? '' : `${p.score.toFixed(2)}（${p.grade}）`)))))),
    pager(r.total, page, 20, (n) => go({ page: n })));
  } catch (e) {
    replace(box, errorBox(e));
  }
}

function pager(total, page, per, go) {
  const pages = Math.max(1, Math.ceil(total / per));
  return h('div', { class: 'pager' }, `共 ${total} 个项目`,
    page > 1 ? h('button', { class: 'btn', type: 'button', onclick: () => go(page - 1) }, '上一页') : null,
    ` 第 ${page}/${pages} 页 `,
    page < pages ? h('button', { class: 'btn', type: 'button', onclick: () => go(page + 1) }, '下一页') : null);
}

// ---- the 申报 form -------------------------------------------------------------------------

async function renderForm(view) {
  const sel = await orgReady();
  let orgs = [];
  try {
    orgs = (await api.get(`/api/v1/orgs${qs({ org: sel ? sel.id : '', per_page: 200 })}`)).items || [];
  } catch { /* stays empty */ }
  orgs = orgs.filter((o) => o.kind !== 'group' && o.parent_id);
  const input = (name, attrs = {}) => h('input', { id: `pf-${name}`, name, ...attrs });
  const orgSel = h('select', { id: 'pf-org_id', name: 'org_id', required: true },
    orgs.map((o) => h('option', { value: String(o.id) }, o.name)));
  const secSel = h('select', { id: 'pf-secretary_member_id', name: 'secretary_member_id', required: true });
  const typeSel = h('select', { id: 'pf-type', name: 'type' }, TYPES.map((t) => h('option', { value: t.key }, t.name)));
  async function loadMembers() {
    const org = orgs.find((o) => String(o.id) === orgSel.value);
    replace(secSel, h('option', { value: '' }, '正在加载……'));
    try {
      const r = await api.get(`/api/v1/members${qs({ org: orgSel.value, per_page: 200 })}`);
      replace(secSel, h('option', { value: '' }, '请选择'), (r.items || []).map((m) => h('option', { value: String(m.id) }, m.name)));
      if (org && org.secretary_member_id) secSel.value = String(org.secretary_member_id);
    } catch { replace(secSel, h('option', { value: '' }, '无法加载党员')); }
  }
  orgSel.addEventListener('change', loadMembers);
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card form', testid: 'project-form', novalidate: true },
    h('div', { class: 'form-grid' },
      fieldBox('name', '项目名称', input('name', { maxlength: 100, required: true }), { required: true, wide: true }),
      fieldBox('type', '项目类型', typeSel, { required: true }),
      fieldBox('year', '项目年度', input('year', { type: 'number', value: String(thisYear()), min: 2000 }), { required: true }),
      fieldBox('org_id', '申报组织', orgSel, { required: true, hint: '由上级党组织（牵头组织）审核备案' }),
      fieldBox('secretary_member_id', '负责书记', secSel, { required: true }),
      fieldBox('leader_led', '书记领衔项目', input('leader_led', { type: 'checkbox' }), { bool: true }),
      fieldBox('start_on', '计划开始', input('start_on', { type: 'date' })),
      fieldBox('end_on', '计划完成', input('end_on', { type: 'date' })),
      fieldBox('budget_fen', '项目经费（元）', input('budget_fen', { type: 'number', min: 0, step: '0.01', inputmode: 'decimal' })),
      fieldBox('goal', '预期目标', h('textarea', { id: 'pf-goal', name: 'goal', rows: 3 }), { wide: true }),
      fieldBox('summary', '项目内容', h('textarea', { id: 'pf-summary', name: 'summary', rows: 4 }), { wide: true })),
    msg,
    h('div', { class: 'actions' },
      h('button', { class: 'btn btn-primary', type: 'submit', testid: 'project-submit' }, '提交申报'),
      h('a', { class: 'btn', href: BASE }, '取消')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    msg.replaceChildren();
    const v = (n) => form.elements[n].value.trim();
    const body = {
      org_id: Number(v('org_id')) || null, secretary_member_id: Number(v('secretary_member_id')) || null,
      type: v('type'), name: v('name'), year: Number(v('year')) || null, leader_led: form.elements.leader_led.checked,
      goal: v('goal') || null, summary: v('summary') || null, start_on: v('start_on') || null, end_on: v('end_on') || null,
      budget_fen: v('budget_fen') ? Math.round(Number(v('budget_fen')) * 100) : null,
    };
    if (!body.name) { showFieldError(form, 'name', '项目名称不能为空'); return; }
    try {
      const p = await api.post('/api/v1/projects', body);
      toast('已提交申报');
      navigate(`${BASE}/${p.id}`);
    } catch (err) {
      if (!(err.field && showFieldError(form, err.field, err.message))) msg.append(errorBox(err));
    }
  });
  view.append(h('h2', null, '申报党建项目'), orgs.length ? form : notice('所选组织下没有可申报项目的党组织', 'info'));
  if (orgs.length) {
    if (sel && orgs.some((o) => o.id === sel.id)) orgSel.value = String(sel.id);
    await loadMembers();
  }
}

// ---- detail --------------------------------------------------------------------------------

function stageBar(p) {
  const at = STAGES.findIndex((s) => s.key === p.stage);
  return h('ol', { class: 'project-stages', testid: 'stage-bar', 'aria-label': '项目阶段' },
    STAGES.map((s, i) => h('li', {
      class: `project-stage${i < at ? ' done' : ''}${i === at ? ' current' : ''}${i === at && p.returned ? ' returned' : ''}`,
      'aria-current': i === at ? 'step' : null, dataset: { stage: s.key },
    }, s.name)));
}

const row = (k, v) => (v === null || v === undefined || v === '' ? null : h('div', { class: 'kv' }, h('dt', null, k), h('dd', null, v)));

// The form of one action: its fields, and what it posts.
function actionForm(p, action, done) {
  const msg = h('div', { 'aria-live': 'polite' });
  const num = (name, label, hint) => fieldBox(name, label, h('input', { id: `pa-${name}`, name, type: 'number', min: 0, max: 100, inputmode: 'numeric' }), { required: true, hint });
  const text = (name, label, req) => fieldBox(name, label, h('textarea', { id: `pa-${name}`, name, rows: 2 }), { required: req, wide: true });
  const q = Math.floor(new Date(Date.now() + 8 * 3600e3).getUTCMonth() / 3) + 1;
  const fields = {
    resubmit: [
      fieldBox('name', '项目名称', h('input', { id: 'pa-name', name: 'name', value: p.name, maxlength: 100 }), { wide: true }),
      fieldBox('goal', '预期目标', h('textarea', { id: 'pa-goal', name: 'goal', rows: 3 }, p.goal || ''), { wide: true }),
      fieldBox('summary', '项目内容', h('textarea', { id: 'pa-summary', name: 'summary', rows: 3 }, p.summary || ''), { wide: true }),
      text('note', '修改说明')],
    file: [text('note', '备案意见')],
    return: [text('reason', '退回理由', true)],
    implement: [text('note', '实施说明')],
    review: [
      fieldBox('year', '年度', h('input', { id: 'pa-year', name: 'year', type: 'number', value: String(thisYear()) }), { required: true }),
      fieldBox('quarter', '季度', h('select', { id: 'pa-quarter', name: 'quarter', value: String(q) }, [1, 2, 3, 4].map((n) => h('option', { value: String(n) }, `第${n}季度`))), { required: true }),
      fieldBox('result', '评审结果', h('select', { id: 'pa-result', name: 'result' }, h('option', { value: 'approved' }, '通过'), h('option', { value: 'returned' }, '退回')), { required: true }),
      text('reason', '退回理由（退回时必填）'), text('note', '评审意见')],
    conclude: [text('note', '结题报告', true)],
    accept: [text('onsite', '现场查看情况', true), num('expert_score', '专家评分', '0–100 分'), num('satisfaction', '问卷满意度（%）', '0–100')],
    evaluate: [num('goal_rate', '目标实现率（%）'), num('mass_rate', '群众满意率（%）'), num('benefit', '综合效益（分）'), num('promotion', '可推广性（分）')],
    reward: [text('reward', '激励措施', true), fieldBox('reward_yuan', '奖励金额（元）', h('input', { id: 'pa-reward_yuan', name: 'reward_yuan', type: 'number', min: 0, step: '0.01' })), text('note', '说明')],
  }[action] || [];
  const form = h('form', { class: 'card form project-action', testid: `action-form-${action}`, novalidate: true },
    h('h3', null, ACTION_NAME[action]), h('div', { class: 'form-grid' }, fields), msg,
    h('div', { class: 'actions' },
      h('button', { class: 'btn btn-primary', type: 'submit', testid: 'action-submit' }, `确认${ACTION_NAME[action]}`),
      h('button', { class: 'btn', type: 'button', onclick: () => form.remove() }, '取消')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    msg.replaceChildren();
    const body = { version: p.version };
    for (const el of form.elements) {
      if (!el.name || el.value.trim() === '') continue;
      if (el.name === 'reward_yuan') body.reward_fen = Math.round(Number(el.value) * 100);
      else body[el.name] = el.type === 'number' || el.name === 'quarter' ? Number(el.value) : el.value.trim();
    }
    let url = `/api/v1/projects/${p.id}/stage`;
    if (action === 'return') url = `/api/v1/projects/${p.id}/return`;
    else if (action === 'review') url = `/api/v1/projects/${p.id}/reviews`;
    else body.stage = action === 'resubmit' ? 'apply' : action;
    try {
      await api.post(url, body);
      toast(`已${ACTION_NAME[action]}`);
      done();
    } catch (err) {
      if (!(err.field && showFieldError(form, err.field, err.message))) msg.append(errorBox(err));
    }
  });
  return form;
}

async function renderDetail(view, id) {
  const box = h('div', { testid: 'project-detail' }, loading());
  view.append(h('p', null, h('a', { href: BASE }, '← 返回项目列表')), box);
  let p;
  try {
    p = await api.get(`/api/v1/projects/${id}`);
  } catch (e) {
    replace(box, errorBox(e));
    return;
  }
  const formBox = h('div', { testid: 'action-box' });
  const actions = (p.actions || []).map((a) => h('button', {
    class: `btn${a === 'return' ? '' : ' btn-primary'}`, type: 'button', testid: `action-${a}`,
    onclick: () => { replace(formBox, actionForm(p, a, rerender)); formBox.querySelector('textarea, input, select')?.focus(); },
  }, ACTION_NAME[a] || a));
  const ev = p.evaluation;
  const acc = p.acceptance;
  replace(box,
    h('div', { class: 'page-head' }, h('h2', { testid: 'project-name' }, p.name),
      p.leader_led ? h('span', { class: 'badge' }, '书记领衔') : null,
      h('span', { class: `badge${p.returned ? ' badge-warn' : ''}`, testid: 'project-status' }, p.status_name)),
    stageBar(p),
    p.returned ? notice(`申报已退回：${p.return_reason || ''}`, 'error', 'project-returned') : null,
    h('div', { class: 'actions project-actions', testid: 'project-actions' },
      actions.length ? actions : h('span', { class: 'hint' }, p.stage === 'reward' ? '项目已完成全部阶段' : '当前没有需要您办理的事项')),
    formBox,
    h('div', { class: 'card' }, h('dl', { class: 'kv-list' },
      row('项目类型', p.type_name), row('年度', String(p.year)), row('所属组织', p.org_name), row('牵头组织', p.lead_org_name),
      row('负责书记', p.secretary_name), row('计划周期', p.start_on || p.end_on ? `${p.start_on || ''} 至 ${p.end_on || ''}` : ''),
      row('项目经费', yuan(p.budget_fen)), row('预期目标', p.goal), row('项目内容', p.summary), row('结题报告', p.conclude_report),
      acc ? row('验收', `${acc.onsite || ''}；专家评分 ${acc.expert_score}；问卷满意度 ${acc.satisfaction}%`) : null,
      ev ? row('评估', h('span', { testid: 'project-score' }, `${ev.score.toFixed(2)} 分（${ev.grade}）：目标实现率 ${ev.goal_rate} × ${ev.weights.goal_rate}%，群众满意率 ${ev.mass_rate} × ${ev.weights.mass_rate}%，综合效益 ${ev.benefit} × ${ev.weights.benefit}%，可推广性 ${ev.promotion} × ${ev.weights.promotion}%`)) : null,
      p.reward ? row('激励', `${p.reward.text}${p.reward.fen ? `（${yuan(p.reward.fen)}）` : ''}`) : null)),
    h('h3', null, '季度评审'),
    p.reviews.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'grid', testid: 'review-table' },
      h('thead', null, h('tr', null, ['季度', '结果', '理由 / 意见', '评审日期', '评审人'].map((t) => h('th', null, t)))),
      h('tbody', null, p.reviews.map((r) => h('tr', { testid: 'review-row', dataset: { result: r.result } },
        h('td', null, `${r.year}年第${r.quarter}季度`), h('td', null, r.result_name),
        h('td', null, [r.reason, r.note].filter(Boolean).join('；')), h('td', null, r.reviewed_on), h('td', null, r.reviewer))))))
      : h('p', { class: 'empty' }, '暂无季度评审'),
    h('h3', null, '项目进度台账'),
    h('ol', { class: 'project-ledger', testid: 'ledger' }, p.ledger.map((l) => h('li', { testid: 'ledger-row', dataset: { action: l.action } },
      h('span', { class: 'ledger-date' }, l.date), h('strong', null, LEDGER_NAME[l.action] || l.action),
      h('span', { class: 'ledger-who' }, l.actor), l.note ? h('div', { class: 'ledger-note' }, l.note) : null))));
}
