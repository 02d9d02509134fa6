// 工作台账 · 走访结对: visit records (who, when, where/whom, what was found, the follow-up) with a request made from
// a visit's findings, and the 结对帮扶 pairings (member ↔ household or 困难党员).
import { api, qs } from './api.js';
import { h, replace, notice, loading, toast } from './dom.js';
import { orgReady } from './layout.js';
import { navigate } from './router.js';
import { fieldBox } from './member_form.js';
import { CATEGORIES, orgChoices, membersOf, submitForm, input, select, todayText } from './work_requests.js';

const BASE = '#/work/visits';
const PER_PAGE = 30;
const filters = { q: '', followup: '', page: 1 };
const pfilters = { q: '', active: true, page: 1 };
const FOLLOWUPS = [['open', '待跟进'], ['overdue', '跟进逾期'], ['closed', '已跟进']];

// the module's own box: the tabs above it (work.js) stay when a page replaces its content
export async function render(outer, sub) {
  const view = h('div', { class: 'work-module' });
  outer.append(view);
  const m = /^\/(\d+)$/.exec(sub);
  if (sub === '/new') return renderNewVisit(view);
  if (sub === '/pairings') return renderPairings(view);
  if (sub === '/pairings/new') return renderNewPairing(view);
  if (m) return renderVisit(view, Number(m[1]));
  return renderVisits(view);
}

function subTabs(active) {
  return h('div', { class: 'work-toolbar', role: 'tablist' },
    h('a', { class: `btn${active === 'visits' ? ' btn-primary' : ''}`, href: BASE, testid: 'vs-tab-visits' }, '走访记录'),
    h('a', { class: `btn${active === 'pairings' ? ' btn-primary' : ''}`, href: `${BASE}/pairings`, testid: 'vs-tab-pairings' }, '结对帮扶'));
}

function pagerOf(pager, total, f, load) {
  const pages = Math.max(1, Math.ceil(total / PER_PAGE));
  replace(pager, h('span', null, `共 ${total} 条`),
    h('button', { class: 'btn', type: 'button', disabled: f.page <= 1, onclick: () => { f.page -= 1; load(); } }, '上一页'),
    h('span', null, `第 ${f.page} / ${pages} 页`),
    h('button', { class: 'btn', type: 'button', disabled: f.page >= pages, onclick: () => { f.page += 1; load(); } }, '下一页'));
}

async function renderVisits(view) {
  view.append(loading());
  const org = await orgReady();
  view.replaceChildren();
  const search = h('input', { type: 'search', value: filters.q, placeholder: '走访对象、地点或发现', 'aria-label': '搜索走访', class: 'search-input', testid: 'vs-search' });
  const fsel = h('select', {
    'aria-label': '跟进状态', value: filters.followup, testid: 'vs-filter-followup',
    onchange: (e) => { filters.followup = e.target.value; filters.page = 1; load(); },
  }, h('option', { value: '' }, '全部'), FOLLOWUPS.map(([k, n]) => h('option', { value: k }, n)));
  const exportXlsx = h('a', { class: 'btn', testid: 'export-xlsx', download: '走访记录.xlsx' }, '导出 Excel');
  const box = h('div', { class: 'table-wrap' });
  const pager = h('div', { class: 'pager' });
  const msg = h('div', { 'aria-live': 'polite' });
  view.append(
    h('div', { class: 'page-head' }, h('h2', null, '走访记录', org ? h('small', null, ` · ${org.name}`) : null),
      h('div', { class: 'actions' }, h('a', { class: 'btn btn-primary', href: `${BASE}/new`, testid: 'vs-new' }, '登记走访'), exportXlsx)),
    subTabs('visits'),
    h('div', { class: 'work-toolbar' },
      h('form', { class: 'search-form', role: 'search', onsubmit: (e) => { e.preventDefault(); filters.q = search.value; filters.page = 1; load(); } },
        search, h('button', { class: 'btn btn-primary', type: 'submit' }, '搜索')), fsel),
    msg, box, pager);
  async function load() {
    const p = { org: org ? org.id : '', q: filters.q.trim(), followup: filters.followup };
    exportXlsx.href = `/api/v1/visits${qs({ ...p, format: 'xlsx' })}`;
    msg.replaceChildren();
    try {
      const r = await api.get(`/api/v1/visits${qs({ ...p, page: filters.page, per_page: PER_PAGE })}`);
      const items = r.items || [];
      if (!items.length) replace(box, h('p', { class: 'empty', testid: 'vs-empty' }, '没有走访记录'));
      else {
        replace(box, h('table', { class: 'grid', testid: 'vs-table' },
          h('thead', null, h('tr', null, ['走访日期', '走访对象和地点', '走访党员', '走访发现', '跟进', '诉求'].map((x) => h('th', { scope: 'col' }, x)))),
          h('tbody', null, items.map((v) => h('tr', { testid: 'vs-row', dataset: { id: v.id, followup: v.followup_status } },
            h('td', null, v.visited_on), h('td', null, h('a', { href: `${BASE}/${v.id}`, testid: 'vs-link' }, v.place)),
            h('td', null, (v.member_names || []).join('、')), h('td', { class: 'rq-content' }, v.findings),
            h('td', { class: v.overdue ? 'work-overdue' : '' }, v.followup_status_name, v.followup_due ? ` ${v.followup_due}` : ''),
            h('td', null, v.request_id ? h('a', { href: `#/work/requests/${v.request_id}` }, '查看诉求') : ''))))));
      }
      pagerOf(pager, r.total || 0, filters, load);
    } catch (e) { msg.append(notice(e.message, 'error', 'list-error')); }
  }
  await load();
}

// the member checkboxes of an org, re-filled when the org changes
function memberChecks(container, members, name = 'member_ids') {
  replace(container, members.length ? members.map((m) => h('label', { class: 'check vs-member' },
    h('input', { type: 'checkbox', name, value: String(m.id), testid: 'vs-member' }), ` ${m.name}`)) : h('span', { class: 'muted' }, '该组织下没有党员'));
}

async function renderNewVisit(view) {
  view.append(loading());
  const org = await orgReady();
  const orgs = await orgChoices(org);
  view.replaceChildren();
  const orgSel = select('org_id', orgs.map((o) => h('option', { value: String(o.id) }, o.name)));
  const members = h('div', { class: 'vs-members', id: 'f-member_ids', name: 'member_ids', tabindex: '-1' });
  const pairingSel = select('pairing_id', [h('option', { value: '' }, '无')]);
  const refill = async () => {
    memberChecks(members, await membersOf(Number(orgSel.value)));
    try {
      const ps = (await api.get(`/api/v1/pairings${qs({ org: orgSel.value, active: 1, per_page: 100 })}`)).items || [];
      replace(pairingSel, h('option', { value: '' }, '无'), ps.map((p) => h('option', { value: String(p.id) }, `${p.member_name} ↔ ${p.target_name}`)));
    } catch { /* no pairings to offer */ }
  };
  orgSel.addEventListener('change', refill);
  const f = {
    visited_on: input('visited_on', { type: 'date', value: todayText(), max: todayText() }),
    place: input('place', { maxlength: 100, placeholder: '如：李德福家（东村5组）' }),
    findings: input('findings', { rows: 3, maxlength: 2000 }),
    followup: input('followup', { rows: 2, maxlength: 2000 }),
    followup_due: input('followup_due', { type: 'date' }),
  };
  const makeReq = h('input', { type: 'checkbox', id: 'f-make-request', testid: 'vs-make-request' });
  const requester = input('requester', { maxlength: 30 });
  const category = select('category', [h('option', { value: '' }, '请选择'), ...CATEGORIES.map(([k, n]) => h('option', { value: k }, n))]);
  const reqBox = h('div', { class: 'form-grid', hidden: true }, fieldBox('requester', '诉求人', requester), fieldBox('category', '诉求类别', category));
  makeReq.addEventListener('change', () => { reqBox.hidden = !makeReq.checked; });
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', {
    class: 'card', testid: 'vs-form', novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      const body = {
        org_id: Number(orgSel.value), visited_on: f.visited_on.value, place: f.place.value, findings: f.findings.value,
        member_ids: [...members.querySelectorAll('input:checked')].map((x) => Number(x.value)),
        followup: f.followup.value || undefined, followup_due: f.followup_due.value || undefined,
        pairing_id: pairingSel.value ? Number(pairingSel.value) : undefined,
      };
      if (makeReq.checked) body.request = { requester: requester.value, category: category.value };
      const r = await submitForm(form, msg, () => api.post('/api/v1/visits', body));
      if (r) { toast(r.request_id ? '走访已登记，并生成民情诉求' : '走访已登记'); navigate(`${BASE}/${r.id}`); }
    },
  },
  h('div', { class: 'form-grid' },
    fieldBox('org_id', '所属组织', orgSel, { required: true }), fieldBox('visited_on', '走访日期', f.visited_on, { required: true }),
    fieldBox('place', '走访对象和地点', f.place, { required: true }), fieldBox('pairing_id', '结对关系', pairingSel),
    fieldBox('member_ids', '走访党员', members, { required: true, wide: true }),
    fieldBox('findings', '走访发现', f.findings, { required: true, wide: true }),
    fieldBox('followup', '需跟进事项', f.followup, { wide: true }), fieldBox('followup_due', '跟进期限', f.followup_due)),
  h('label', { class: 'check' }, makeReq, ' 把走访发现登记为民情诉求'), reqBox,
  msg,
  h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'vs-save' }, '保存'), h('a', { class: 'btn', href: BASE }, '取消')));
  view.append(h('div', { class: 'page-head' }, h('h2', null, '登记走访')), form);
  await refill();
}

async function renderVisit(view, id) {
  view.append(loading());
  let v;
  try { v = await api.get(`/api/v1/visits/${id}`); } catch (e) { view.replaceChildren(notice(e.message, 'error', 'page-error')); return; }
  view.replaceChildren();
  const rows = [['所属组织', v.org_name], ['走访日期', v.visited_on], ['走访对象和地点', v.place], ['走访党员', (v.member_names || []).join('、')],
    ['走访发现', v.findings], ['需跟进事项', v.followup ? `${v.followup}（期限 ${v.followup_due}）` : null],
    ['跟进结果', v.followup_result ? `${v.followup_result}（${v.followup_closed_on}）` : null],
    ['民情诉求', v.request_id ? h('a', { href: `#/work/requests/${v.request_id}`, testid: 'vs-request-link' }, `诉求 ${v.request_id}`) : null]];
  view.append(h('div', { class: 'page-head' }, h('h2', null, `走访 · ${v.place}`), h('div', { class: 'actions' }, h('a', { class: 'btn', href: BASE }, '返回列表'))),
    h('div', { class: 'card', testid: 'vs-detail' },
      h('p', null, h('span', { class: `badge${v.overdue ? ' status-rejected' : ''}`, testid: 'vs-followup-status' }, v.followup_status_name)),
      h('dl', { class: 'rq-dl' }, rows.filter(([, x]) => x).flatMap(([k, x]) => [h('dt', null, k), h('dd', null, x)]))));
  const reload = () => navigate(`${BASE}/${v.id}`);
  if (v.followup_status === 'open' || v.followup_status === 'overdue') {
    const result = input('result', { rows: 2, maxlength: 2000 });
    const msg = h('div', { 'aria-live': 'polite' });
    const form = h('form', {
      testid: 'vs-followup-form', novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        if (await submitForm(form, msg, () => api.post(`/api/v1/visits/${v.id}/followup`, { version: v.version, result: result.value }))) { toast('跟进已办结'); reload(); }
      },
    }, fieldBox('result', '跟进结果', result, { required: true, wide: true }),
    h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'vs-followup-close' }, '办结跟进')));
    view.append(h('div', { class: 'card' }, h('h3', null, '跟进办结'), form, msg));
  }
  if (!v.request_id) {
    const requester = input('requester', { maxlength: 30 });
    const category = select('category', [h('option', { value: '' }, '请选择'), ...CATEGORIES.map(([k, n]) => h('option', { value: k }, n))]);
    const msg = h('div', { 'aria-live': 'polite' });
    const form = h('form', {
      testid: 'vs-request-form', novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        const r = await submitForm(form, msg, () => api.post(`/api/v1/visits/${v.id}/request`, { version: v.version, requester: requester.value, category: category.value }));
        if (r) { toast('已生成民情诉求'); navigate(`#/work/requests/${r.id}`); }
      },
    }, h('div', { class: 'form-grid' }, fieldBox('requester', '诉求人', requester, { required: true }), fieldBox('category', '类别', category, { required: true })),
    h('div', { class: 'form-actions' }, h('button', { class: 'btn', type: 'submit', testid: 'vs-make-request-btn' }, '生成民情诉求')));
    view.append(h('div', { class: 'card' }, h('h3', null, '把走访发现登记为民情诉求'), form, msg));
  }
}

async function renderPairings(view) {
  view.append(loading());
  const org = await orgReady();
  view.replaceChildren();
  const search = h('input', { type: 'search', value: pfilters.q, placeholder: '党员、户主或住址', 'aria-label': '搜索结对', class: 'search-input' });
  const active = h('label', { class: 'check' }, h('input', {
    type: 'checkbox', checked: pfilters.active, onchange: (e) => { pfilters.active = e.target.checked; pfilters.page = 1; load(); },
  }), ' 只看进行中');
  const exportXlsx = h('a', { class: 'btn', testid: 'export-xlsx', download: '结对帮扶.xlsx' }, '导出 Excel');
  const box = h('div', { class: 'table-wrap' });
  const pager = h('div', { class: 'pager' });
  const msg = h('div', { 'aria-live': 'polite' });
  view.append(
    h('div', { class: 'page-head' }, h('h2', null, '结对帮扶', org ? h('small', null, ` · ${org.name}`) : null),
      h('div', { class: 'actions' }, h('a', { class: 'btn btn-primary', href: `${BASE}/pairings/new`, testid: 'pr-new' }, '新增结对'), exportXlsx)),
    subTabs('pairings'),
    h('div', { class: 'work-toolbar' },
      h('form', { class: 'search-form', role: 'search', onsubmit: (e) => { e.preventDefault(); pfilters.q = search.value; pfilters.page = 1; load(); } },
        search, h('button', { class: 'btn btn-primary', type: 'submit' }, '搜索')), active),
    msg, box, pager);
  async function load() {
    const p = { org: org ? org.id : '', q: pfilters.q.trim(), active: pfilters.active ? 1 : '' };
    exportXlsx.href = `/api/v1/pairings${qs({ ...p, format: 'xlsx' })}`;
    msg.replaceChildren();
    try {
      const r = await api.get(`/api/v1/pairings${qs({ ...p, page: pfilters.page, per_page: PER_PAGE })}`);
      const items = r.items || [];
      if (!items.length) replace(box, h('p', { class: 'empty', testid: 'pr-empty' }, '没有结对记录'));
      else {
        replace(box, h('table', { class: 'grid', testid: 'pr-table' },
          h('thead', null, h('tr', null, ['帮扶党员', '结对对象', '类型', '住址', '起止', '帮扶内容', ''].map((x) => h('th', { scope: 'col' }, x)))),
          h('tbody', null, items.map((p2) => h('tr', { testid: 'pr-row', dataset: { id: p2.id } },
            h('td', null, p2.member_name), h('td', null, p2.target_name), h('td', null, p2.target_kind_name),
            h('td', null, p2.household_address || ''), h('td', null, `${p2.start_on} 至 ${p2.end_on || '今'}`), h('td', { class: 'rq-content' }, p2.note || ''),
            h('td', null, p2.active ? h('button', {
              class: 'btn btn-sm', type: 'button', testid: 'pr-end',
              onclick: async () => {
                if (!window.confirm(`结束 ${p2.member_name} 与 ${p2.target_name} 的结对？`)) return;
                try { await api.post(`/api/v1/pairings/${p2.id}/end`, { version: p2.version }); toast('结对已结束'); load(); } catch (e) { msg.replaceChildren(notice(e.message, 'error')); }
              },
            }, '结束') : h('span', { class: 'muted' }, '已结束')))))));
      }
      pagerOf(pager, r.total || 0, pfilters, load);
    } catch (e) { msg.append(notice(e.message, 'error', 'list-error')); }
  }
  await load();
}

async function renderNewPairing(view) {
  view.append(loading());
  const org = await orgReady();
  const orgs = await orgChoices(org);
  view.replaceChildren();
  const orgSel = select('org_id', orgs.map((o) => h('option', { value: String(o.id) }, o.name)));
  const memberSel = select('member_id', []);
  const targetSel = select('target_member_id', []);
  const refill = async () => {
    const ms = await membersOf(Number(orgSel.value));
    const opts = () => [h('option', { value: '' }, '请选择党员'), ...ms.map((m) => h('option', { value: String(m.id) }, m.name))];
    replace(memberSel, opts());
    replace(targetSel, opts());
  };
  orgSel.addEventListener('change', refill);
  const kind = select('target_kind', [h('option', { value: 'household' }, '农户'), h('option', { value: 'member' }, '困难党员')]);
  const hname = input('household_name', { maxlength: 30 });
  const haddr = input('household_address', { maxlength: 100 });
  const start = input('start_on', { type: 'date', value: todayText() });
  const note = input('note', { rows: 2, maxlength: 2000 });
  const hh = h('div', { class: 'form-grid' }, fieldBox('household_name', '户主姓名', hname, { required: true }), fieldBox('household_address', '住址', haddr));
  const tm = h('div', { class: 'form-grid', hidden: true }, fieldBox('target_member_id', '困难党员', targetSel, { required: true }));
  kind.addEventListener('change', () => { hh.hidden = kind.value !== 'household'; tm.hidden = kind.value !== 'member'; });
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', {
    class: 'card', testid: 'pr-form', novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      const body = { org_id: Number(orgSel.value), member_id: memberSel.value ? Number(memberSel.value) : null, target_kind: kind.value, start_on: start.value, note: note.value || undefined };
      if (kind.value === 'household') Object.assign(body, { household_name: hname.value, household_address: haddr.value || undefined });
      else body.target_member_id = targetSel.value ? Number(targetSel.value) : null;
      if (await submitForm(form, msg, () => api.post('/api/v1/pairings', body))) { toast('结对已登记'); navigate(`${BASE}/pairings`); }
    },
  },
  h('div', { class: 'form-grid' }, fieldBox('org_id', '所属组织', orgSel, { required: true }), fieldBox('member_id', '帮扶党员', memberSel, { required: true }),
    fieldBox('target_kind', '结对对象', kind), fieldBox('start_on', '结对日期', start)),
  hh, tm, fieldBox('note', '帮扶内容', note, { wide: true }), msg,
  h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'pr-save' }, '保存'), h('a', { class: 'btn', href: `${BASE}/pairings` }, '取消')));
  view.append(h('div', { class: 'page-head' }, h('h2', null, '新增结对帮扶')), form);
  await refill();
}
