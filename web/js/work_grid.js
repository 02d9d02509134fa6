// 网格管理 (#/work/grid): 村党支部 → 片党小组 → 户党员. The household list with filters, bulk assignment to a
// 联系户党员 and export; the household form (new and edit); the coverage report per branch and 党小组.
import { api, qs } from './api.js';
import { h, replace, notice, loading, toast } from './dom.js';
import { orgReady } from './layout.js';
import { navigate } from './router.js';
import { ruleError } from './recruits.js';
import { isBranchKind } from './branches.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';

const BASE = '#/work/grid';
const PER = 50;

function errorBox(e) {
  return e.rule ? ruleError(e) : notice(e.message, 'error', 'grid-error');
}

const pct = (v) => (v === null || v === undefined ? '—' : `${Number(v).toFixed(1)}%`);

export async function render(view, sub, query) {
  if (sub === '/new') return renderForm(view, null, query);
  if (sub === '/coverage') return renderCoverage(view);
  const m = /^\/(\d+)$/.exec(sub || '');
  if (m) return renderDetail(view, Number(m[1]));
  return renderList(view, query);
}

function subTabs(active) {
  return h('div', { class: 'work-toolbar grid-subtabs' },
    h('a', { class: `btn${active === 'list' ? ' btn-primary' : ''}`, href: BASE, testid: 'grid-tab-list' }, '户列表'),
    h('a', { class: `btn${active === 'coverage' ? ' btn-primary' : ''}`, href: `${BASE}/coverage`, testid: 'grid-tab-coverage' }, '覆盖率'));
}

// members of a branch (active, in register) for the 联系户党员 pickers; cached per page view
const memberCache = new Map();
async function branchMembers(branchId) {
  if (!memberCache.has(branchId)) {
    memberCache.set(branchId, api.get(`/api/v1/members${qs({ org: branchId, per_page: 200 })}`)
      .then((r) => (r.items || []).filter((m) => m.org_id === branchId && m.state === 'active'))
      .catch(() => []));
  }
  return memberCache.get(branchId);
}

// ---- list ----------------------------------------------------------------------------------

async function renderList(view, query) {
  memberCache.clear();
  const sel = await orgReady();
  const f = { org: sel ? sel.id : '', assigned: query.get('assigned') || '', q: query.get('q') || '', group: query.get('group') || '' };
  const page = Number(query.get('page')) || 1;
  const go = (over) => navigate(`${BASE}${qs({ ...f, org: '', ...over })}`);
  const q = h('input', { type: 'search', name: 'q', value: f.q, placeholder: '户主或住址', 'aria-label': '户主或住址', class: 'search-input', testid: 'filter-q' });
  const assigned = h('select', {
    name: 'assigned', 'aria-label': '联系情况', testid: 'filter-assigned', value: f.assigned,
    onchange: (e) => go({ assigned: e.target.value, page: '' }),
  }, h('option', { value: '' }, '全部户'), h('option', { value: '1' }, '已联系'), h('option', { value: '0' }, '未联系'));
  view.append(subTabs('list'),
    h('div', { class: 'work-toolbar' }, assigned,
      h('form', { class: 'search-form', onsubmit: (e) => { e.preventDefault(); go({ q: q.value.trim(), page: '' }); } },
        q, h('button', { class: 'btn', type: 'submit' }, '查询')),
      h('a', { class: 'btn', href: `/api/v1/grid/households${qs({ ...f, format: 'xlsx' })}`, download: 'grid_households.xlsx', testid: 'grid-export' }, '导出 Excel'),
      h('button', { class: 'btn', type: 'button', testid: 'grid-import-toggle', onclick: () => { importBox.hidden = !importBox.hidden; } }, '导入'),
      h('a', { class: 'btn btn-primary', href: `${BASE}/new`, testid: 'grid-new' }, '登记农户')));
  const importBox = importPanel(sel, () => load());
  view.append(importBox);
  const msg = h('div', { 'aria-live': 'polite', testid: 'grid-msg' });
  const bulk = h('div', { class: 'grid-bulk', testid: 'grid-bulk', hidden: true });
  const box = h('div', { testid: 'grid-list' }, loading());
  view.append(msg, bulk, box);
  let items = [];
  const checked = new Set();

  async function drawBulk() {
    const rows = items.filter((x) => checked.has(x.id));
    bulk.hidden = rows.length === 0;
    if (!rows.length) { bulk.replaceChildren(); return; }
    const branches = new Set(rows.map((x) => x.org_id));
    if (branches.size > 1) {
      replace(bulk, h('span', null, `已选 ${rows.length} 户，分属 ${branches.size} 个党支部：批量分配须为同一党支部的户`));
      return;
    }
    const branchId = rows[0].org_id;
    const memberSel = h('select', { 'aria-label': '联系户党员', testid: 'bulk-member' }, h('option', { value: '' }, '正在加载……'));
    const btn = h('button', { class: 'btn btn-primary', type: 'button', testid: 'bulk-assign' }, '分配');
    const clear = h('button', { class: 'btn', type: 'button', testid: 'bulk-unassign' }, '取消分配');
    replace(bulk, h('span', { testid: 'bulk-count' }, `已选 ${rows.length} 户，分配给 `), memberSel, btn, clear);
    const members = await branchMembers(branchId);
    replace(memberSel, h('option', { value: '' }, '请选择党员'), members.map((m) => h('option', { value: String(m.id) }, m.name)));
    const send = async (memberId) => {
      msg.replaceChildren();
      btn.disabled = clear.disabled = true;
      try {
        const r = await api.post('/api/v1/grid/assign', { member_id: memberId, household_ids: rows.map((x) => x.id) });
        toast(memberId ? `已分配 ${r.changed} 户` : `已取消 ${r.changed} 户的分配`);
        checked.clear();
        await load();
      } catch (e) {
        msg.append(errorBox(e));
        btn.disabled = clear.disabled = false;
      }
    };
    btn.addEventListener('click', () => {
      if (!memberSel.value) { msg.replaceChildren(notice('请选择联系户党员', 'error', 'grid-error')); return; }
      send(Number(memberSel.value));
    });
    clear.addEventListener('click', () => send(null));
  }

  async function load() {
    try {
      const r = await api.get(`/api/v1/grid/households${qs({ ...f, page, per_page: PER })}`);
      items = r.items || [];
      drawBulk();
      if (!items.length) { replace(box, h('p', { class: 'empty', testid: 'grid-empty' }, '没有符合条件的农户')); return; }
      const all = h('input', {
        type: 'checkbox', 'aria-label': '全选', testid: 'grid-check-all',
        onchange: (e) => { for (const x of items) (e.target.checked ? checked.add(x.id) : checked.delete(x.id)); load(); },
      });
      all.checked = items.every((x) => checked.has(x.id));
      replace(box, h('div', { class: 'table-wrap' }, h('table', { class: 'grid', testid: 'grid-table' },
        h('thead', null, h('tr', null, h('th', null, all), ['户主', '住址', '人口', '党支部', '党小组（网格）', '联系户党员'].map((t) => h('th', null, t)))),
        h('tbody', null, items.map((x) => {
          const cb = h('input', {
            type: 'checkbox', 'aria-label': `选择 ${x.head_name}`, testid: 'grid-check',
            onchange: (e) => { (e.target.checked ? checked.add(x.id) : checked.delete(x.id)); drawBulk(); },
          });
          cb.checked = checked.has(x.id);
          return h('tr', { testid: 'grid-row', dataset: { id: x.id, assigned: x.assigned ? '1' : '0' } },
            h('td', null, cb),
            h('td', null, h('a', { href: `${BASE}/${x.id}` }, x.head_name)),
            h('td', null, x.address), h('td', null, String(x.size)), h('td', null, x.org_name),
            h('td', null, x.group_name || '—'),
            h('td', null, x.member_name || h('span', { class: 'badge badge-warn' }, '未联系')));
        })))),
      pager(r.total, page, (n) => go({ page: n })));
    } catch (e) {
      replace(box, errorBox(e));
    }
  }
  await load();
}

// Households of one branch from a CSV/XLSX table; all or nothing, bad rows listed.
function importPanel(sel, done) {
  const branchSel = h('select', { id: 'gi-org', 'aria-label': '导入到党支部', testid: 'grid-import-org' });
  const file = h('input', { id: 'gi-file', type: 'file', accept: '.csv,.xlsx', testid: 'grid-import-file' });
  const dry = h('input', { type: 'checkbox', testid: 'grid-import-dry' });
  const result = h('div', { 'aria-live': 'polite', testid: 'grid-import-result' });
  const go = h('button', { class: 'btn btn-primary', type: 'button', testid: 'grid-import-go' }, '开始导入');
  const box = h('div', { class: 'card grid-import', testid: 'grid-import', hidden: true },
    h('p', { class: 'hint' }, '第一行为表头：户主、住址（必填），户人口、党小组、联系户党员、备注（选填）。有错误时整表不导入。'),
    h('div', { class: 'work-toolbar' }, branchSel, file, h('label', { class: 'check' }, dry, ' 只校验不导入'), go), result);
  api.get(`/api/v1/orgs${qs({ org: sel ? sel.id : '', kind: 'branches', per_page: 200 })}`).then((r) => {
    const list = r.items || [];
    if (sel && isBranchKind(sel.kind) && !list.some((b) => b.id === sel.id)) list.unshift(sel);
    replace(branchSel, list.map((b) => h('option', { value: String(b.id) }, b.name)));
  }).catch(() => {});
  go.addEventListener('click', async () => {
    result.replaceChildren();
    const f = file.files && file.files[0];
    if (!f || !branchSel.value) { result.append(notice('请选择党支部和文件', 'error', 'grid-error')); return; }
    go.disabled = true;
    try {
      const r = await api.upload(`/api/v1/grid/households/import${qs({ org: branchSel.value, dry_run: dry.checked ? 1 : '' })}`, f);
      result.append(notice(r.dry_run ? `校验通过，可导入 ${r.imported} 户（未写入）` : `成功导入 ${r.imported} 户`, 'ok', 'grid-import-ok'));
      if (!r.dry_run) done();
    } catch (e) {
      result.append(errorBox(e));
      const rows = (e.body && e.body.rows) || [];
      if (rows.length) {
        result.append(h('div', { class: 'table-wrap' }, h('table', { class: 'grid', testid: 'grid-import-errors' },
          h('thead', null, h('tr', null, h('th', null, '行'), h('th', null, '问题'))),
          h('tbody', null, rows.map((x) => h('tr', null, h('td', null, String(x.row)), h('td', null, x.message)))))));
      }
    } finally { go.disabled = false; }
  });
  return box;
}

function pager(total, page, go) {
  const pages = Math.max(1, Math.ceil(total / PER));
  return h('div', { class: 'pager' }, `共 ${total} 户`,
    page > 1 ? h('button', { class: 'btn', type: 'button', onclick: () => go(page - 1) }, '上一页') : null,
    ` 第 ${page}/${pages} 页 `,
    page < pages ? h('button', { class: 'btn', type: 'button', onclick: () => go(page + 1) }, '下一页') : null);
}

// ---- form (new and edit) -------------------------------------------------------------------

async function renderForm(view, hh) {
  const sel = await orgReady();
  let branches = [];
  if (!hh) {
    try {
      branches = (await api.get(`/api/v1/orgs${qs({ org: sel ? sel.id : '', kind: 'branches', per_page: 200 })}`)).items || [];
    } catch { /* stays empty */ }
    if (sel && isBranchKind(sel.kind) && !branches.some((b) => b.id === sel.id)) branches.unshift(sel);
  }
  const input = (name, attrs = {}) => h('input', { id: `gf-${name}`, name, ...attrs });
  const orgSel = hh ? h('input', { id: 'gf-org_id', name: 'org_id', value: hh.org_name, disabled: true })
    : h('select', { id: 'gf-org_id', name: 'org_id', required: true }, branches.map((b) => h('option', { value: String(b.id) }, b.name)));
  const groupSel = h('select', { id: 'gf-group_id', name: 'group_id' });
  const memberSel = h('select', { id: 'gf-member_id', name: 'member_id' });
  const branchId = () => (hh ? hh.org_id : Number(orgSel.value));
  async function loadBranch() {
    const id = branchId();
    if (!id) return;
    replace(groupSel, h('option', { value: '' }, '正在加载……'));
    replace(memberSel, h('option', { value: '' }, '正在加载……'));
    let groups = [];
    try { groups = ((await api.get(`/api/v1/orgs${qs({ org: id, kind: 'group', per_page: 200 })}`)).items || []).filter((g) => g.parent_id === id); } catch { /* none */ }
    const members = await branchMembers(id);
    replace(groupSel, h('option', { value: '' }, '未划入党小组'), groups.map((g) => h('option', { value: String(g.id) }, g.name)));
    replace(memberSel, h('option', { value: '' }, '暂不分配'), members.map((m) => h('option', { value: String(m.id) }, m.name)));
    if (hh) {
      groupSel.value = hh.group_id ? String(hh.group_id) : '';
      memberSel.value = hh.member_id ? String(hh.member_id) : '';
    }
  }
  if (!hh) orgSel.addEventListener('change', loadBranch);
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card form', testid: 'grid-form', novalidate: true },
    h('div', { class: 'form-grid' },
      fieldBox('org_id', '所在党支部', orgSel, { required: true }),
      fieldBox('group_id', '网格（党小组）', groupSel),
      fieldBox('head_name', '户主姓名', input('head_name', { maxlength: 30, required: true, value: hh ? hh.head_name : '' }), { required: true }),
      fieldBox('address', '住址', input('address', { maxlength: 80, required: true, value: hh ? hh.address : '' }), { required: true }),
      fieldBox('size', '户人口', input('size', { type: 'number', min: 1, max: 50, inputmode: 'numeric', value: String(hh ? hh.size : 1) }), { required: true }),
      fieldBox('member_id', '联系户党员', memberSel, { hint: '须为本党支部的在册党员' }),
      fieldBox('notes', '备注', input('notes', { maxlength: 200, value: hh && hh.notes ? hh.notes : '' }), { wide: true })),
    msg,
    h('div', { class: 'actions' },
      h('button', { class: 'btn btn-primary', type: 'submit', testid: 'grid-submit' }, '保存'),
      h('a', { class: 'btn', href: hh ? `${BASE}/${hh.id}` : BASE }, '取消')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    msg.replaceChildren();
    const v = (n) => form.elements[n].value.trim();
    const body = {
      group_id: Number(v('group_id')) || null, member_id: Number(v('member_id')) || null, head_name: v('head_name'),
      address: v('address'), size: Number(v('size')) || 0, notes: v('notes') || null,
    };
    if (!body.head_name) { showFieldError(form, 'head_name', '请填写户主姓名'); return; }
    if (!body.address) { showFieldError(form, 'address', '请填写住址'); return; }
    try {
      const r = hh ? await api.patch(`/api/v1/grid/households/${hh.id}`, { version: hh.version, ...body })
        : await api.post('/api/v1/grid/households', { org_id: branchId() || null, ...body });
      toast('已保存');
      navigate(`${BASE}/${r.id}`);
    } catch (err) {
      if (!(err.field && showFieldError(form, err.field, err.message))) msg.append(errorBox(err));
    }
  });
  view.append(subTabs('list'), h('h2', null, hh ? `编辑：${hh.head_name}户` : '登记农户'),
    hh || branches.length ? form : notice('所选组织下没有党支部，请在左侧选择村党支部', 'info', 'grid-nobranch'));
  if (hh || branches.length) await loadBranch();
}

// ---- detail --------------------------------------------------------------------------------

const row = (k, v) => h('div', { class: 'kv' }, h('dt', null, k), h('dd', null, v === null || v === undefined || v === '' ? '—' : String(v)));

async function renderDetail(view, id) {
  memberCache.clear();
  const box = h('div', { testid: 'grid-detail' }, loading());
  view.append(subTabs('list'), box);
  let hh;
  try { hh = await api.get(`/api/v1/grid/households/${id}`); } catch (e) { replace(box, errorBox(e)); return; }
  const msg = h('div', { 'aria-live': 'polite' });
  const edit = h('button', { class: 'btn btn-primary', type: 'button', testid: 'grid-edit' }, '编辑');
  const del = h('button', { class: 'btn', type: 'button', testid: 'grid-delete' }, '删除（已迁出）');
  edit.addEventListener('click', () => { view.replaceChildren(); renderForm(view, hh); });
  del.addEventListener('click', async () => {
    if (!window.confirm(`确定删除 ${hh.head_name} 户？`)) return;
    try {
      await api.del(`/api/v1/grid/households/${hh.id}${qs({ version: hh.version })}`);
      toast('已删除');
      navigate(BASE);
    } catch (e) { msg.append(errorBox(e)); }
  });
  replace(box, h('div', { class: 'card' },
    h('h2', { testid: 'grid-detail-title' }, `${hh.head_name}户`),
    h('dl', { class: 'kv-list' }, row('住址', hh.address), row('户人口', hh.size), row('党支部', hh.org_name),
      row('网格（党小组）', hh.group_name || '未划入党小组'),
      h('div', { class: 'kv' }, h('dt', null, '联系户党员'), h('dd', { testid: 'grid-detail-member' }, hh.member_name || '未联系')),
      row('分配日期', hh.assigned_on), row('备注', hh.notes)),
    msg, h('div', { class: 'actions' }, edit, del, h('a', { class: 'btn', href: BASE }, '返回列表'))));
}

// ---- coverage ------------------------------------------------------------------------------

async function renderCoverage(view) {
  const sel = await orgReady();
  const org = sel ? sel.id : '';
  view.append(subTabs('coverage'), h('div', { class: 'work-toolbar' },
    h('a', { class: 'btn', href: `/api/v1/grid/coverage${qs({ org, format: 'xlsx' })}`, download: 'grid_coverage.xlsx', testid: 'coverage-export' }, '导出 Excel'),
    h('a', { class: 'btn', href: `${BASE}${qs({ assigned: '0' })}`, testid: 'coverage-unassigned' }, '查看未联系户')));
  const box = h('div', { testid: 'coverage' }, loading());
  view.append(box);
  await loadCoverage(box, org, 1);
}

// a city or a province (more branches than compliance.list_max) answers one page of branches; the total is all of them
async function loadCoverage(box, org, page) {
  let c;
  try { c = await api.get(`/api/v1/grid/coverage${qs({ org, page: page > 1 ? page : '' })}`); } catch (e) { replace(box, errorBox(e)); return; }
  const t = c.total;
  const pages = c.page ? Math.max(1, Math.ceil((t.branches || 0) / (c.per_page || 50))) : 1;
  const pager = pages > 1 && h('div', { class: 'pager', testid: 'coverage-pager' },
    h('span', null, `共 ${t.branches} 个党支部，第 ${page} / ${pages} 页`),
    page > 1 && h('button', { class: 'btn btn-sm', type: 'button', onclick: () => loadCoverage(box, org, page - 1) }, '上一页'),
    page < pages && h('button', { class: 'btn btn-sm', type: 'button', onclick: () => loadCoverage(box, org, page + 1) }, '下一页'));
  const head = ['户数', '已联系', '未联系', '覆盖率', '党员', '联系户党员'];
  // a row of households in no 党小组 has no members of its own to count
  const cells = (r) => [r.households, r.assigned, r.unassigned, pct(r.coverage), 'group_id' in r && !r.group_id ? '—' : r.members, r.members_with_households]
    .map((v, i) => h('td', { class: 'num', dataset: { col: ['households', 'assigned', 'unassigned', 'coverage', 'members', 'with'][i] } }, String(v)));
  replace(box,
    h('div', { class: 'grid-summary', testid: 'coverage-total' },
      h('div', { class: 'grid-stat' }, h('strong', null, String(t.households)), h('span', null, '登记户数')),
      h('div', { class: 'grid-stat' }, h('strong', null, String(t.assigned)), h('span', null, '党员联系户')),
      h('div', { class: 'grid-stat' }, h('strong', { testid: 'coverage-rate' }, pct(t.coverage)), h('span', null, '覆盖率')),
      h('div', { class: 'grid-stat' }, h('strong', null, `${t.members_with_households}/${t.members}`), h('span', null, '联系户党员/党员'))),
    h('h3', null, '按党支部'),
    h('div', { class: 'table-wrap' }, h('table', { class: 'grid', testid: 'coverage-branches' },
      h('thead', null, h('tr', null, h('th', null, '党支部'), head.map((x) => h('th', null, x)))),
      h('tbody', null, c.branches.map((r) => h('tr', { testid: 'coverage-branch', dataset: { id: r.org_id } },
        h('td', null, r.org_name), cells(r)))))),
    pager,
    h('h3', null, '按党小组（网格）'),
    c.groups.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'grid', testid: 'coverage-groups' },
      h('thead', null, h('tr', null, h('th', null, '党支部'), h('th', null, '党小组'), head.map((x) => h('th', null, x)))),
      h('tbody', null, c.groups.map((r) => h('tr', { testid: 'coverage-group' },
        h('td', null, r.org_name), h('td', null, r.group_name), cells(r))))))
      : h('p', { class: 'empty' }, '还没有登记农户'));
}
