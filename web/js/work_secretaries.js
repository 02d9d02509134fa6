// 第一书记 (#/work/secretaries): dispatches to villages — the list with filters (层级, 在岗日期, 姓名/单位) and
// export, the form (new and edit, with the "3+1" team), and the detail with attendance at the village branch's
// meetings, the five duties and one goal per year, work days per month and the funds coordinated (in fen).
import { api, qs } from './api.js';
import { h, replace, notice, loading, toast } from './dom.js';
import { orgReady } from './layout.js';
import { navigate } from './router.js';
import { ruleError } from './recruits.js';
import { isAdmin } from './session.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';

const BASE = '#/work/secretaries';
const PER = 50;
export const LEVELS = [{ key: 'province', name: '省级' }, { key: 'city', name: '市级' }, { key: 'county', name: '县级' }];
export const DUTIES = [
  { key: 'organization', name: '建强基层组织' }, { key: 'economy', name: '推动经济发展' },
  { key: 'service', name: '为民办事服务' }, { key: 'governance', name: '提升治理水平' },
  { key: 'civility', name: '加强精神文明' }, { key: 'goal', name: '一个目标' },
];
const TEAM_MAX = 8;
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

// 12345678 → "123,456.78" (integer arithmetic: no float rounding of money)
export function yuan(fen) {
  const n = Math.abs(Math.trunc(Number(fen) || 0));
  const s = `${Math.floor(n / 100).toLocaleString('en-US')}.${String(n % 100).padStart(2, '0')}`;
  return fen < 0 ? `-${s}` : s;
}

// "1,234.5" → 123450; null if not an amount with at most two decimals
export function toFen(text) {
  const m = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(String(text).replace(/[,，\s]/g, ''));
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
}

function errorBox(e) {
  return e.rule ? ruleError(e) : notice(e.message, 'error', 'fs-error');
}

export async function render(view, sub, query) {
  if (sub === '/new') return renderForm(view, null);
  const m = /^\/(\d+)(\/edit)?$/.exec(sub || '');
  if (m && m[2]) {
    try { return renderForm(view, await api.get(`/api/v1/first-secretaries/${m[1]}`)); } catch (e) { view.append(errorBox(e)); return; }
  }
  if (m) return renderDetail(view, Number(m[1]));
  return renderList(view, query);
}

// ---- list ----------------------------------------------------------------------------------

async function renderList(view, query) {
  const sel = await orgReady();
  const f = { org: sel ? sel.id : '', level: query.get('level') || '', active_on: query.get('active_on') || '', q: query.get('q') || '' };
  const page = Number(query.get('page')) || 1;
  const go = (over) => navigate(`${BASE}${qs({ ...f, org: '', ...over })}`);
  const level = h('select', { name: 'level', 'aria-label': '派出层级', testid: 'filter-level', value: f.level, onchange: (e) => go({ level: e.target.value, page: '' }) },
    h('option', { value: '' }, '全部层级'), LEVELS.map((l) => h('option', { value: l.key }, l.name)));
  const active = h('input', { type: 'date', name: 'active_on', value: f.active_on, 'aria-label': '在岗日期', title: '在岗日期', testid: 'filter-active', onchange: (e) => go({ active_on: e.target.value, page: '' }) });
  const q = h('input', { type: 'search', name: 'q', value: f.q, placeholder: '姓名、单位或村', 'aria-label': '姓名、单位或村', class: 'search-input', testid: 'filter-q' });
  view.append(h('div', { class: 'work-toolbar' }, level, h('label', { class: 'inline-label' }, '在岗于 ', active),
    h('button', { class: 'btn', type: 'button', testid: 'filter-today', onclick: () => go({ active_on: today(), page: '' }) }, '当前在岗'),
    h('form', { class: 'search-form', onsubmit: (e) => { e.preventDefault(); go({ q: q.value.trim(), page: '' }); } },
      q, h('button', { class: 'btn', type: 'submit' }, '查询')),
    h('a', { class: 'btn', href: `/api/v1/first-secretaries${qs({ ...f, format: 'xlsx' })}`, download: 'first-secretaries.xlsx', testid: 'fs-export' }, '导出 Excel'),
    isAdmin() ? h('a', { class: 'btn btn-primary', href: `${BASE}/new`, testid: 'fs-new' }, '选派第一书记') : null));
  const box = h('div', { testid: 'fs-list' }, loading());
  view.append(box);
  try {
    const r = await api.get(`/api/v1/first-secretaries${qs({ ...f, page, per_page: PER })}`);
    const items = r.items || [];
    if (!items.length) { replace(box, h('p', { class: 'empty', testid: 'fs-empty' }, '没有符合条件的第一书记')); return; }
    replace(box, h('div', { class: 'table-wrap' }, h('table', { class: 'grid', testid: 'fs-table' },
      h('thead', null, h('tr', null, ['姓名', '驻村党组织', '派出层级', '派出单位', '任期', '状态', '会议出席', '驻村天数', '协调资金（元）'].map((t) => h('th', null, t)))),
      h('tbody', null, items.map((x) => h('tr', { testid: 'fs-row', dataset: { id: x.id } },
        h('td', null, h('a', { href: `${BASE}/${x.id}` }, x.name)), h('td', null, x.org_name), h('td', null, x.level_name),
        h('td', null, x.unit), h('td', null, `${x.term_start} 至 ${x.term_end}`),
        h('td', null, h('span', { class: `badge ${x.active ? 'state-active' : 'state-removed'}` }, x.active ? '在岗' : (x.term_start > today() ? '未到岗' : '已期满'))),
        h('td', { class: 'num' }, `${x.meetings_present}/${x.meetings}`), h('td', { class: 'num' }, String(x.workdays_total)),
        h('td', { class: 'num' }, yuan(x.funds_total_fen))))))),
    h('div', { class: 'pager' }, `共 ${r.total} 人`,
      page > 1 ? h('button', { class: 'btn', type: 'button', onclick: () => go({ page: page - 1 }) }, '上一页') : null,
      page * PER < r.total ? h('button', { class: 'btn', type: 'button', onclick: () => go({ page: page + 1 }) }, '下一页') : null));
  } catch (e) {
    replace(box, errorBox(e));
  }
}

// ---- form ----------------------------------------------------------------------------------

async function membersOf(orgId) {
  if (!orgId) return [];
  try {
    const r = await api.get(`/api/v1/members${qs({ org: orgId, state: 'active', per_page: 200, sort: 'name' })}`);
    return r.items || [];
  } catch { return []; }
}

async function renderForm(view, s) {
  const sel = await orgReady();
  let orgs = [];
  try { orgs = (await api.get(`/api/v1/orgs${qs({ org: sel ? sel.id : '', kind: 'branches', per_page: 200 })}`)).items || []; } catch { /* empty */ }
  if (s && !orgs.some((o) => o.id === s.org_id)) orgs.unshift({ id: s.org_id, name: s.org_name });
  const val = (k) => (s && s[k] !== null && s[k] !== undefined ? String(s[k]) : '');
  const input = (name, attrs = {}) => h('input', { id: `fs-${name}`, name, value: val(name), ...attrs });
  const orgSel = h('select', { id: 'fs-org_id', name: 'org_id', testid: 'fs-org' }, h('option', { value: '' }, '请选择村党支部'), orgs.map((o) => h('option', { value: String(o.id) }, o.name)));
  orgSel.value = s ? String(s.org_id) : '';
  const memberSel = h('select', { id: 'fs-member_id', name: 'member_id', testid: 'fs-member' }, h('option', { value: '' }, '不是本县党员 / 不关联'));
  async function fillMembers() {
    const list = await membersOf(Number(orgSel.value));
    const keep = s && s.member_id && !list.some((m) => m.id === s.member_id) ? [{ id: s.member_id, name: s.member_name || `党员 ${s.member_id}` }] : [];
    memberSel.replaceChildren(h('option', { value: '' }, '不是本县党员 / 不关联'), [...keep, ...list].map((m) => h('option', { value: String(m.id) }, m.name)));
    memberSel.value = s && s.member_id ? String(s.member_id) : '';
  }
  orgSel.addEventListener('change', fillMembers);
  fillMembers();
  const levelSel = h('select', { id: 'fs-level', name: 'level' }, LEVELS.map((l) => h('option', { value: l.key }, l.name)));
  levelSel.value = s ? s.level : 'county';
  const teamBox = h('div', { class: 'fs-team-rows', testid: 'fs-team' });
  const addRow = (m = {}) => {
    if (teamBox.children.length >= TEAM_MAX) return;
    const row = h('div', { class: 'fs-team-row', testid: 'fs-team-row' },
      h('input', { name: 'team_name', value: m.name || '', placeholder: '姓名', 'aria-label': '帮扶队员姓名', maxlength: 50 }),
      h('input', { name: 'team_role', value: m.role || '', placeholder: '分工（如 驻村队员）', 'aria-label': '分工', maxlength: 30 }),
      h('button', { class: 'btn btn-ghost', type: 'button', 'aria-label': '删除该队员', onclick: () => row.remove() }, '删除'));
    teamBox.append(row);
  };
  (s ? s.team : [{}, {}, {}]).forEach(addRow);
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card form', testid: 'fs-form', novalidate: true },
    h('div', { class: 'form-grid' },
      fieldBox('org_id', '驻村党支部', orgSel, { required: true }),
      fieldBox('member_id', '关联党员档案', memberSel, { hint: '本县党员可直接关联，姓名随档案' }),
      fieldBox('name', '姓名', input('name', { maxlength: 50, testid: 'fs-name' }), { hint: '未关联档案时必填' }),
      fieldBox('level', '派出层级', levelSel, { required: true }),
      fieldBox('unit', '派出单位', input('unit', { maxlength: 100, testid: 'fs-unit' }), { required: true }),
      fieldBox('term_start', '任期开始', input('term_start', { type: 'date', testid: 'fs-start' }), { required: true }),
      fieldBox('term_end', '任期结束', input('term_end', { type: 'date', testid: 'fs-end' }), { required: true }),
      fieldBox('note', '备注', h('textarea', { id: 'fs-note', name: 'note', rows: 2, maxlength: 2000, value: val('note') }), { wide: true })),
    h('fieldset', { class: 'fs-team-set' }, h('legend', null, '“3+1”帮扶队伍'), teamBox,
      h('button', { class: 'btn', type: 'button', testid: 'fs-team-add', onclick: () => addRow() }, '添加队员'),
      h('div', { class: 'field-error', dataset: { errorFor: 'team' } })),
    h('p', { class: 'hint' }, '同一村同一时间只能有一名第一书记，任期不能与已有选派重叠。'),
    msg,
    h('div', { class: 'actions' },
      h('button', { class: 'btn btn-primary', type: 'submit', testid: 'fs-submit' }, '保存'),
      h('a', { class: 'btn', href: s ? `${BASE}/${s.id}` : BASE }, '取消')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    msg.replaceChildren();
    const v = (n) => form.elements[n].value.trim();
    const team = [...teamBox.querySelectorAll('.fs-team-row')].map((r) => ({
      name: r.querySelector('[name=team_name]').value.trim(), role: r.querySelector('[name=team_role]').value.trim() || null,
    })).filter((m) => m.name);
    const body = {
      org_id: Number(orgSel.value) || null, member_id: Number(memberSel.value) || null, name: v('name') || null,
      level: levelSel.value, unit: v('unit'), term_start: v('term_start') || null, term_end: v('term_end') || null,
      note: v('note') || null, team,
    };
    if (!body.org_id) { showFieldError(form, 'org_id', '请选择驻村党支部'); return; }
    if (!body.unit) { showFieldError(form, 'unit', '请填写派出单位'); return; }
    try {
      const r = s ? await api.patch(`/api/v1/first-secretaries/${s.id}`, { version: s.version, ...body })
        : await api.post('/api/v1/first-secretaries', body);
      toast('已保存');
      navigate(`${BASE}/${r.id}`);
    } catch (err) {
      if (!(err.field && showFieldError(form, err.field, err.message))) msg.append(errorBox(err));
    }
  });
  view.append(h('h2', null, s ? `编辑：${s.name}` : '选派第一书记'), form);
}

// ---- detail --------------------------------------------------------------------------------

const kv = (k, v, testid) => h('div', { class: 'kv' }, h('dt', null, k), h('dd', { testid }, v === null || v === undefined || v === '' ? '—' : v));

function termYears(s) {
  const out = [];
  for (let y = Number(s.term_end.slice(0, 4)); y >= Number(s.term_start.slice(0, 4)); y--) out.push(y);
  return out;
}

async function renderDetail(view, id) {
  const box = h('div', { testid: 'fs-detail' }, loading());
  view.append(box);
  let s;
  try { s = await api.get(`/api/v1/first-secretaries/${id}`); } catch (e) { replace(box, errorBox(e)); return; }
  const msg = h('div', { 'aria-live': 'polite', testid: 'fs-msg' });
  const nowYear = Number(today().slice(0, 4));
  let dutyYear = termYears(s).includes(nowYear) ? nowYear : termYears(s)[0];

  async function save(fn, done) {
    msg.replaceChildren();
    try { s = await fn(); toast(done); draw(); } catch (e) { msg.append(errorBox(e)); }
  }

  function dutiesCard() {
    const yearSel = h('select', { 'aria-label': '年度', testid: 'fs-duty-year', onchange: (e) => { dutyYear = Number(e.target.value); draw(); } },
      termYears(s).map((y) => h('option', { value: String(y) }, `${y}年`)));
    yearSel.value = String(dutyYear);
    const cur = (k) => s.duties.find((d) => d.year === dutyYear && d.duty === k) || {};
    const rows = DUTIES.map((d) => h('tr', { testid: 'fs-duty', dataset: { duty: d.key } },
      h('th', { scope: 'row' }, d.name),
      h('td', null, h('textarea', { name: `plan-${d.key}`, rows: 2, maxlength: 2000, placeholder: '工作计划', 'aria-label': `${d.name} 工作计划`, value: cur(d.key).plan || '' })),
      h('td', null, h('textarea', { name: `result-${d.key}`, rows: 2, maxlength: 2000, placeholder: '完成情况', 'aria-label': `${d.name} 完成情况`, value: cur(d.key).result || '' }))));
    const form = h('form', { class: 'card', testid: 'fs-duties', novalidate: true },
      h('h3', null, '五项职责和一个目标 ', yearSel),
      h('div', { class: 'table-wrap' }, h('table', { class: 'grid fs-duties' },
        h('thead', null, h('tr', null, h('th', null, '职责'), h('th', null, '工作计划'), h('th', null, '完成情况'))), h('tbody', null, rows))),
      h('div', { class: 'actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'fs-duties-save' }, '保存本年度')));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const items = DUTIES.map((d) => ({
        duty: d.key, plan: form.elements[`plan-${d.key}`].value.trim() || null, result: form.elements[`result-${d.key}`].value.trim() || null,
      }));
      save(() => api.put(`/api/v1/first-secretaries/${s.id}/duties`, { year: dutyYear, items }), '职责记录已保存');
    });
    return form;
  }

  function workdaysCard() {
    const month = h('input', { type: 'month', id: 'fs-wd-month', name: 'month', value: today().slice(0, 7), testid: 'fs-wd-month' });
    const days = h('input', { type: 'number', id: 'fs-wd-days', name: 'days', min: 0, max: 31, inputmode: 'numeric', testid: 'fs-wd-days' });
    const form = h('form', { class: 'inline-form', novalidate: true, testid: 'fs-wd-form' },
      fieldBox('month', '月份', month), fieldBox('days', '驻村天数', days),
      h('button', { class: 'btn btn-primary', type: 'submit', testid: 'fs-wd-save' }, '记录'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearFieldErrors(form);
      msg.replaceChildren();
      try {
        s = await api.put(`/api/v1/first-secretaries/${s.id}/workdays`, { month: month.value, days: Number(days.value) || 0 });
        toast('驻村天数已记录');
        draw();
      } catch (err) {
        if (!(err.field && showFieldError(form, err.field, err.message))) msg.append(errorBox(err));
      }
    });
    return h('section', { class: 'card', testid: 'fs-workdays' }, h('h3', null, `驻村工作日（合计 ${s.workdays_total} 天）`),
      s.workdays.length ? h('ul', { class: 'fs-months' }, s.workdays.map((w) => h('li', { testid: 'fs-wd-row' }, `${w.month}：${w.days} 天${w.note ? `（${w.note}）` : ''}`)))
        : h('p', { class: 'muted' }, '还没有记录。'), form);
  }

  function fundsCard() {
    const title = h('input', { id: 'fs-fund-title', name: 'title', maxlength: 100, testid: 'fs-fund-title' });
    const amount = h('input', { id: 'fs-fund-amount', name: 'amount_fen', inputmode: 'decimal', placeholder: '元，如 12000.50', testid: 'fs-fund-amount' });
    const on = h('input', { id: 'fs-fund-on', name: 'funded_on', type: 'date', value: today() });
    const source = h('input', { id: 'fs-fund-source', name: 'source', maxlength: 100, placeholder: '如 派出单位、财政专项' });
    const form = h('form', { class: 'inline-form', novalidate: true, testid: 'fs-fund-form' },
      fieldBox('title', '项目名称', title), fieldBox('amount_fen', '金额（元）', amount), fieldBox('funded_on', '到位日期', on), fieldBox('source', '资金来源', source),
      h('button', { class: 'btn btn-primary', type: 'submit', testid: 'fs-fund-add' }, '添加'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearFieldErrors(form);
      msg.replaceChildren();
      const fen = toFen(amount.value);
      if (!title.value.trim()) { showFieldError(form, 'title', '请填写项目名称'); return; }
      if (!fen) { showFieldError(form, 'amount_fen', '请填写金额（元），最多两位小数'); return; }
      try {
        s = await api.post(`/api/v1/first-secretaries/${s.id}/funds`, { title: title.value.trim(), amount_fen: fen, funded_on: on.value || null, source: source.value.trim() || null });
        toast('已添加');
        draw();
      } catch (err) {
        if (!(err.field && showFieldError(form, err.field, err.message))) msg.append(errorBox(err));
      }
    });
    return h('section', { class: 'card', testid: 'fs-funds' }, h('h3', null, '协调项目和资金 ', h('span', { testid: 'fs-funds-total' }, `合计 ${yuan(s.funds_total_fen)} 元`)),
      s.funds.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'grid' },
        h('thead', null, h('tr', null, ['项目', '金额（元）', '到位日期', '来源', ''].map((t) => h('th', null, t)))),
        h('tbody', null, s.funds.map((f) => h('tr', { testid: 'fs-fund-row' }, h('td', null, f.title), h('td', { class: 'num' }, yuan(f.amount_fen)),
          h('td', null, f.funded_on), h('td', null, f.source || ''),
          h('td', null, h('button', { class: 'btn btn-ghost', type: 'button', onclick: () => {
            if (window.confirm(`删除“${f.title}”？`)) save(() => api.del(`/api/v1/first-secretaries/${s.id}/funds/${f.id}`), '已删除');
          } }, '删除')))))))
        : h('p', { class: 'muted' }, '还没有记录。'), form);
  }

  function draw() {
    const a = s.attendance || { meetings: 0, present: 0 };
    replace(box,
      h('h2', null, `第一书记：${s.name}`),
      h('section', { class: 'card' }, h('dl', { class: 'kv-list' },
        kv('驻村党组织', s.org_name, 'fs-org-name'), kv('派出层级', s.level_name), kv('派出单位', s.unit, 'fs-unit-value'),
        kv('任期', `${s.term_start} 至 ${s.term_end}`), kv('状态', s.active ? '在岗' : '不在任期内'),
        kv('关联党员', s.member_name), kv('“3+1”帮扶队伍', s.team_names.join('、'), 'fs-team-names'), kv('备注', s.note)),
      isAdmin() ? h('div', { class: 'actions' }, h('a', { class: 'btn', href: `${BASE}/${s.id}/edit`, testid: 'fs-edit' }, '编辑')) : null),
      h('section', { class: 'card', testid: 'fs-attendance' }, h('h3', null, '参加村党支部组织生活'),
        s.member_id ? h('p', null, `任期内支部召开会议 ${a.meetings} 次，参加 `, h('strong', { testid: 'fs-att-present' }, String(a.present)), ' 次（来自会议签到记录）')
          : h('p', { class: 'muted' }, '未关联党员档案，无法从会议签到统计；可在“编辑”中关联。')),
      msg, dutiesCard(), workdaysCard(), fundsCard(),
      h('p', null, h('a', { href: BASE }, '返回列表')));
  }
  draw();
}
