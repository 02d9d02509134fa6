// 志愿服务 (#/work/volunteers): service activities (list with filters and export, form with participants),
// teams (list, form with members), and the hours per member and year (服务时长统计) with export.
// Hours are per participant, 0.1–24 with one decimal.
import { api, qs } from './api.js';
import { h, replace, notice, loading, toast } from './dom.js';
import { orgReady } from './layout.js';
import { navigate } from './router.js';
import { ruleError } from './recruits.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';

const BASE = '#/work/volunteers';
const PER = 50;
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

function errorBox(e) {
  return e.rule ? ruleError(e) : notice(e.message, 'error', 'vol-error');
}

function subTabs(active) {
  const tabs = [{ key: '', name: '服务活动' }, { key: '/teams', name: '服务队' }, { key: '/hours', name: '时长统计' }];
  return h('div', { class: 'vol-tabs', role: 'tablist', testid: 'vol-tabs' }, tabs.map((t) => h('a', {
    class: `btn${t.key === active ? ' btn-primary' : ''}`, href: `${BASE}${t.key}`, role: 'tab', 'aria-selected': t.key === active ? 'true' : 'false',
  }, t.name)));
}

export async function render(view, sub, query) {
  const s = sub || '';
  if (s === '/hours') { view.append(subTabs('/hours')); return renderHours(view, query); }
  if (s === '/teams') { view.append(subTabs('/teams')); return renderTeams(view, query); }
  if (s === '/teams/new') return renderTeamForm(view, null);
  let m = /^\/teams\/(\d+)$/.exec(s);
  if (m) {
    try { return renderTeamForm(view, await api.get(`/api/v1/volunteer-teams/${m[1]}`)); } catch (e) { view.append(errorBox(e)); return; }
  }
  if (s === '/new') return renderActivityForm(view, null, query);
  m = /^\/(\d+)$/.exec(s);
  if (m) {
    try { return renderActivityForm(view, await api.get(`/api/v1/volunteer-activities/${m[1]}`), query); } catch (e) { view.append(errorBox(e)); return; }
  }
  view.append(subTabs(''));
  return renderActivities(view, query);
}

function pager(total, page, go, noun) {
  return h('div', { class: 'pager' }, `共 ${total} ${noun}`,
    page > 1 ? h('button', { class: 'btn', type: 'button', onclick: () => go({ page: page - 1 }) }, '上一页') : null,
    page * PER < total ? h('button', { class: 'btn', type: 'button', onclick: () => go({ page: page + 1 }) }, '下一页') : null);
}

const table = (testid, heads, rows) => h('div', { class: 'table-wrap' }, h('table', { class: 'grid', testid },
  h('thead', null, h('tr', null, heads.map((t) => h('th', null, t)))), h('tbody', null, rows)));

// ---- activities ----------------------------------------------------------------------------

async function renderActivities(view, query) {
  const sel = await orgReady();
  const f = { org: sel ? sel.id : '', team: query.get('team') || '', from: query.get('from') || '', to: query.get('to') || '', q: query.get('q') || '' };
  const page = Number(query.get('page')) || 1;
  const go = (over) => navigate(`${BASE}${qs({ ...f, org: '', ...over })}`);
  let teams = [];
  try { teams = (await api.get(`/api/v1/volunteer-teams${qs({ org: f.org, per_page: 200 })}`)).items || []; } catch { /* empty */ }
  const teamSel = h('select', { name: 'team', 'aria-label': '服务队', testid: 'filter-team', value: f.team, onchange: (e) => go({ team: e.target.value, page: '' }) },
    h('option', { value: '' }, '全部服务队'), teams.map((t) => h('option', { value: String(t.id) }, t.name)));
  teamSel.value = f.team;
  const date = (name, label) => h('input', { type: 'date', name, value: f[name], 'aria-label': label, title: label, testid: `filter-${name}`, onchange: (e) => go({ [name]: e.target.value, page: '' }) });
  const q = h('input', { type: 'search', name: 'q', value: f.q, placeholder: '服务内容或地点', 'aria-label': '服务内容或地点', class: 'search-input', testid: 'filter-q' });
  view.append(h('div', { class: 'work-toolbar' }, teamSel, date('from', '开始日期'), date('to', '结束日期'),
    h('form', { class: 'search-form', onsubmit: (e) => { e.preventDefault(); go({ q: q.value.trim(), page: '' }); } }, q, h('button', { class: 'btn', type: 'submit' }, '查询')),
    h('a', { class: 'btn', href: `/api/v1/volunteer-activities${qs({ ...f, format: 'xlsx' })}`, download: 'volunteer-activities.xlsx', testid: 'vol-export' }, '导出 Excel'),
    h('a', { class: 'btn btn-primary', href: `${BASE}/new${qs({ team: f.team })}`, testid: 'vol-new' }, '登记服务活动')));
  const box = h('div', { testid: 'vol-list' }, loading());
  view.append(box);
  if (!teams.length) { replace(box, h('p', { class: 'empty', testid: 'vol-no-team' }, '还没有志愿服务队，请先在“服务队”中建立。')); return; }
  try {
    const r = await api.get(`/api/v1/volunteer-activities${qs({ ...f, page, per_page: PER })}`);
    const items = r.items || [];
    if (!items.length) { replace(box, h('p', { class: 'empty', testid: 'vol-empty' }, '没有符合条件的服务活动')); return; }
    replace(box, table('vol-table', ['日期', '服务内容', '服务队', '地点', '每人时长', '参加党员'], items.map((x) => h('tr', { testid: 'vol-row', dataset: { id: x.id } },
      h('td', null, x.held_on), h('td', null, h('a', { href: `${BASE}/${x.id}` }, x.title)), h('td', null, x.team_name), h('td', null, x.place || ''),
      h('td', { class: 'num' }, `${x.hours} 小时`), h('td', null, `${x.participant_count} 人：${x.participant_names.join('、')}`)))),
    pager(r.total, page, go, '次'));
  } catch (e) {
    replace(box, errorBox(e));
  }
}

// checkboxes of people: [{id, name}], checked ids
function peoplePicker(name, people, checked) {
  const set = new Set(checked);
  return h('div', { class: 'vol-people', role: 'group', testid: `${name}-picker` }, people.length ? people.map((p) => h('label', { class: 'check vol-person' },
    h('input', { type: 'checkbox', name, value: String(p.id), checked: set.has(p.id) }), ` ${p.name}`)) : h('span', { class: 'muted' }, '该组织没有在册党员'));
}

async function roster(orgId) {
  if (!orgId) return [];
  try { return ((await api.get(`/api/v1/members${qs({ org: orgId, state: 'active', per_page: 200, sort: 'name' })}`)).items || []).map((m) => ({ id: m.id, name: m.name })); } catch { return []; }
}

const checkedIds = (form, name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((c) => Number(c.value));

async function renderActivityForm(view, a, query) {
  const sel = await orgReady();
  let teams = [];
  try { teams = (await api.get(`/api/v1/volunteer-teams${qs({ org: sel ? sel.id : '', per_page: 200 })}`)).items || []; } catch { /* empty */ }
  if (!teams.length && !a) { view.append(notice('还没有志愿服务队，请先建立服务队。', 'info', 'vol-no-team')); return; }
  const teamSel = h('select', { id: 'va-team_id', name: 'team_id', testid: 'va-team' }, teams.map((t) => h('option', { value: String(t.id) }, t.name)));
  teamSel.value = a ? String(a.team_id) : (query.get('team') || (teams[0] ? String(teams[0].id) : ''));
  const val = (k) => (a && a[k] !== null && a[k] !== undefined ? String(a[k]) : '');
  const input = (name, attrs = {}) => h('input', { id: `va-${name}`, name, value: val(name), ...attrs });
  const peopleBox = h('div', null, loading());
  async function fillPeople() {
    const team = await api.get(`/api/v1/volunteer-teams/${teamSel.value}`).catch(() => null);
    const list = team ? await roster(team.org_id) : [];
    const extra = [...(team ? team.members : []), ...(a ? a.participants : [])].map((p) => ({ id: p.member_id, name: p.name }));
    const all = [...extra.filter((p, i) => extra.findIndex((x) => x.id === p.id) === i && !list.some((x) => x.id === p.id)), ...list];
    replace(peopleBox, peoplePicker('member_ids', all, a ? a.participants.map((p) => p.member_id) : (team ? team.members.map((p) => p.member_id) : [])));
  }
  teamSel.addEventListener('change', fillPeople);
  fillPeople();
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card form', testid: 'va-form', novalidate: true },
    h('div', { class: 'form-grid' },
      fieldBox('team_id', '服务队', teamSel, { required: true }),
      fieldBox('held_on', '服务日期', input('held_on', { type: 'date', value: a ? a.held_on : today(), max: today(), testid: 'va-date' }), { required: true }),
      fieldBox('title', '服务内容', input('title', { maxlength: 100, testid: 'va-title' }), { required: true }),
      fieldBox('place', '服务地点', input('place', { maxlength: 100 })),
      fieldBox('hours', '每人服务时长（小时）', input('hours', { type: 'number', min: 0.1, max: 24, step: 0.1, inputmode: 'decimal', testid: 'va-hours' }), { required: true, hint: '0.1 至 24，最多一位小数' }),
      fieldBox('note', '备注', h('textarea', { id: 'va-note', name: 'note', rows: 2, maxlength: 2000, value: val('note') }), { wide: true })),
    h('fieldset', null, h('legend', null, '参加的党员'), peopleBox, h('div', { class: 'field-error', dataset: { errorFor: 'member_ids' }, testid: 'field-error-member_ids' })),
    msg,
    h('div', { class: 'actions' },
      h('button', { class: 'btn btn-primary', type: 'submit', testid: 'va-submit' }, '保存'),
      a ? h('button', { class: 'btn', type: 'button', testid: 'va-delete', onclick: async () => {
        if (!window.confirm(`删除“${a.title}”？参加党员的服务时长随之减少。`)) return;
        try { await api.del(`/api/v1/volunteer-activities/${a.id}`); toast('已删除'); navigate(BASE); } catch (err) { msg.append(errorBox(err)); }
      } }, '删除') : null,
      h('a', { class: 'btn', href: BASE }, '返回')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    msg.replaceChildren();
    const v = (n) => form.elements[n].value.trim();
    const hours = Number(v('hours'));
    const body = { team_id: Number(teamSel.value) || null, held_on: v('held_on') || null, title: v('title'), place: v('place') || null, hours: v('hours') === '' ? null : hours, note: v('note') || null, member_ids: checkedIds(form, 'member_ids') };
    if (!body.title) { showFieldError(form, 'title', '请填写服务内容'); return; }
    if (!(hours > 0 && hours <= 24 && Math.abs(hours * 10 - Math.round(hours * 10)) < 1e-6)) { showFieldError(form, 'hours', '服务时长须在 0.1 至 24 小时之间，最多一位小数'); return; }
    if (!body.member_ids.length) { showFieldError(form, 'member_ids', '至少选择一名参加的党员'); return; }
    try {
      a ? await api.patch(`/api/v1/volunteer-activities/${a.id}`, { version: a.version, ...body }) : await api.post('/api/v1/volunteer-activities', body);
      toast('已保存');
      navigate(BASE);
    } catch (err) {
      if (!(err.field && showFieldError(form, err.field, err.message))) msg.append(errorBox(err));
    }
  });
  view.append(h('h2', null, a ? `服务活动：${a.title}` : '登记服务活动'), form);
}

// ---- teams ---------------------------------------------------------------------------------

async function renderTeams(view, query) {
  const sel = await orgReady();
  const f = { org: sel ? sel.id : '', q: query.get('q') || '' };
  const page = Number(query.get('page')) || 1;
  const go = (over) => navigate(`${BASE}/teams${qs({ ...f, org: '', ...over })}`);
  const q = h('input', { type: 'search', name: 'q', value: f.q, placeholder: '队名或队长', 'aria-label': '队名或队长', class: 'search-input' });
  view.append(h('div', { class: 'work-toolbar' },
    h('form', { class: 'search-form', onsubmit: (e) => { e.preventDefault(); go({ q: q.value.trim(), page: '' }); } }, q, h('button', { class: 'btn', type: 'submit' }, '查询')),
    h('a', { class: 'btn', href: `/api/v1/volunteer-teams${qs({ ...f, format: 'xlsx' })}`, download: 'volunteer-teams.xlsx', testid: 'team-export' }, '导出 Excel'),
    h('a', { class: 'btn btn-primary', href: `${BASE}/teams/new`, testid: 'team-new' }, '建立服务队')));
  const box = h('div', { testid: 'team-list' }, loading());
  view.append(box);
  try {
    const r = await api.get(`/api/v1/volunteer-teams${qs({ ...f, page, per_page: PER })}`);
    const items = r.items || [];
    if (!items.length) { replace(box, h('p', { class: 'empty', testid: 'team-empty' }, '还没有志愿服务队')); return; }
    replace(box, table('team-table', ['服务队', '所属组织', '队长', '队员', '活动次数'], items.map((x) => h('tr', { testid: 'team-row', dataset: { id: x.id } },
      h('td', null, h('a', { href: `${BASE}/teams/${x.id}` }, x.name)), h('td', null, x.org_name), h('td', null, x.leader || ''),
      h('td', null, `${x.member_count} 人${x.member_names.length ? `：${x.member_names.join('、')}` : ''}`),
      h('td', { class: 'num' }, h('a', { href: `${BASE}${qs({ team: x.id })}` }, String(x.activities)))))),
    pager(r.total, page, go, '支'));
  } catch (e) {
    replace(box, errorBox(e));
  }
}

async function renderTeamForm(view, t) {
  const sel = await orgReady();
  let orgs = [];
  try { orgs = ((await api.get(`/api/v1/orgs${qs({ org: sel ? sel.id : '', per_page: 200 })}`)).items || []).filter((o) => o.kind !== 'group'); } catch { /* empty */ }
  if (sel && sel.kind !== 'group' && !orgs.some((o) => o.id === sel.id)) orgs.unshift(sel);
  if (t && !orgs.some((o) => o.id === t.org_id)) orgs.unshift({ id: t.org_id, name: t.org_name });
  const orgSel = h('select', { id: 'vt-org_id', name: 'org_id', testid: 'vt-org' }, orgs.map((o) => h('option', { value: String(o.id) }, o.name)));
  orgSel.value = t ? String(t.org_id) : (sel && orgs.some((o) => o.id === sel.id) ? String(sel.id) : (orgs[0] ? String(orgs[0].id) : ''));
  const val = (k) => (t && t[k] !== null && t[k] !== undefined ? String(t[k]) : '');
  const peopleBox = h('div', null, loading());
  async function fillPeople() {
    const list = await roster(Number(orgSel.value));
    const kept = (t ? t.members : []).map((p) => ({ id: p.member_id, name: p.name })).filter((p) => !list.some((x) => x.id === p.id));
    replace(peopleBox, peoplePicker('member_ids', [...kept, ...list], t ? t.members.map((p) => p.member_id) : []));
  }
  orgSel.addEventListener('change', fillPeople);
  fillPeople();
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card form', testid: 'vt-form', novalidate: true },
    h('div', { class: 'form-grid' },
      fieldBox('org_id', '所属组织', orgSel, { required: true }),
      fieldBox('name', '服务队名称', h('input', { id: 'vt-name', name: 'name', maxlength: 50, value: val('name'), testid: 'vt-name' }), { required: true }),
      fieldBox('leader', '队长', h('input', { id: 'vt-leader', name: 'leader', maxlength: 50, value: val('leader') })),
      fieldBox('note', '备注', h('textarea', { id: 'vt-note', name: 'note', rows: 2, maxlength: 2000, value: val('note') }), { wide: true })),
    h('fieldset', null, h('legend', null, '队员'), peopleBox, h('div', { class: 'field-error', dataset: { errorFor: 'member_ids' } })),
    t ? h('p', { class: 'muted' }, `已开展活动 ${t.activities} 次，累计服务 ${t.person_hours} 人·小时。`) : null,
    msg,
    h('div', { class: 'actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'vt-submit' }, '保存'), h('a', { class: 'btn', href: `${BASE}/teams` }, '返回')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    msg.replaceChildren();
    const body = { org_id: Number(orgSel.value) || null, name: form.elements.name.value.trim(), leader: form.elements.leader.value.trim() || null, note: form.elements.note.value.trim() || null, member_ids: checkedIds(form, 'member_ids') };
    if (!body.name) { showFieldError(form, 'name', '请填写服务队名称'); return; }
    try {
      t ? await api.patch(`/api/v1/volunteer-teams/${t.id}`, { version: t.version, ...body }) : await api.post('/api/v1/volunteer-teams', body);
      toast('已保存');
      navigate(`${BASE}/teams`);
    } catch (err) {
      if (!(err.field && showFieldError(form, err.field, err.message))) msg.append(errorBox(err));
    }
  });
  view.append(h('h2', null, t ? `服务队：${t.name}` : '建立志愿服务队'), form);
}

// ---- hours ---------------------------------------------------------------------------------

async function renderHours(view, query) {
  const sel = await orgReady();
  const y = Number(today().slice(0, 4));
  const f = { org: sel ? sel.id : '', year: query.get('year') || String(y) };
  const page = Number(query.get('page')) || 1;
  const go = (over) => navigate(`${BASE}/hours${qs({ ...f, org: '', ...over })}`);
  const years = [];
  for (let i = y; i >= y - 5; i--) years.push(h('option', { value: String(i) }, `${i}年`));
  const yearSel = h('select', { 'aria-label': '年度', testid: 'hours-year', onchange: (e) => go({ year: e.target.value, page: '' }) }, years);
  yearSel.value = f.year;
  view.append(h('div', { class: 'work-toolbar' }, yearSel,
    h('a', { class: 'btn', href: `/api/v1/volunteer-hours${qs({ ...f, format: 'xlsx' })}`, download: 'volunteer-hours.xlsx', testid: 'hours-export' }, '导出 Excel')));
  const box = h('div', { testid: 'hours-list' }, loading());
  view.append(box);
  try {
    const r = await api.get(`/api/v1/volunteer-hours${qs({ ...f, page, per_page: PER })}`);
    const items = r.items || [];
    if (!items.length) { replace(box, h('p', { class: 'empty', testid: 'hours-empty' }, `${f.year} 年还没有志愿服务记录`)); return; }
    replace(box, table('hours-table', ['姓名', '所在组织', '参加活动', '服务时长（小时）'], items.map((x) => h('tr', { testid: 'hours-row', dataset: { member: x.member_id } },
      h('td', null, x.name), h('td', null, x.org_name), h('td', { class: 'num' }, `${x.activities} 次`), h('td', { class: 'num' }, String(x.hours))))),
    pager(r.total, page, go, '人'));
  } catch (e) {
    replace(box, errorBox(e));
  }
}

// 我的志愿服务 card for the member's phone page (me.js)
export function myVolunteerCard() {
  const year = Number(today().slice(0, 4));
  const body = h('div', { 'aria-live': 'polite' }, loading());
  api.get(`/api/v1/me/volunteer-hours?year=${year}`).then((r) => {
    body.replaceChildren(
      h('div', { class: 'me-hours' }, h('span', { class: 'me-hours-num', testid: 'me-vol-hours' }, String(r.hours)), h('span', { class: 'me-hours-target' }, ` 小时 · ${r.activities} 次活动`)),
      r.items.length ? h('ul', { class: 'me-meetings' }, r.items.slice(0, 10).map((x) => h('li', { class: 'me-meeting', testid: 'me-vol-item' },
        h('div', { class: 'me-meeting-top' }, h('span', { class: 'me-meeting-date' }, x.held_on), h('span', null, `${x.hours} 小时`)),
        h('div', { class: 'me-meeting-kind' }, x.title, h('span', { class: 'muted' }, ` · ${x.team_name}`)))))
        : h('p', { class: 'muted', testid: 'me-vol-empty' }, '今年还没有志愿服务记录。'));
  }).catch((e) => body.replaceChildren(notice(e.message, 'error', 'me-vol-error')));
  return h('section', { class: 'me-card', testid: 'me-volunteer' }, h('h2', null, `我的志愿服务（${year}年）`), body);
}
