// 人才储备 (#/work/talents): reserve pools (优秀青年, 技术能手, 优秀妇女, 退役军人, 返乡人才) — counts per pool, the
// list with filters and export, the form (new and edit) and the detail with the status steps
// 储备 → 已推荐为入党积极分子 → 已发展, or 退出 with a reason. No ID or phone numbers are kept here.
import { api, qs } from './api.js';
import { h, replace, notice, loading, toast } from './dom.js';
import { orgReady } from './layout.js';
import { navigate } from './router.js';
import { ruleError } from './recruits.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';

const BASE = '#/work/talents';
const PER = 50;
export const POOLS = [
  { key: 'youth', name: '优秀青年' }, { key: 'skilled', name: '技术能手' }, { key: 'women', name: '优秀妇女' },
  { key: 'veteran', name: '退役军人' }, { key: 'returnee', name: '返乡人才' }, { key: 'other', name: '其他' },
];
export const STATUSES = [
  { key: 'reserve', name: '储备' }, { key: 'recommended', name: '已推荐为入党积极分子' },
  { key: 'developed', name: '已发展' }, { key: 'withdrawn', name: '退出' },
];
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

function errorBox(e) {
  return e.rule ? ruleError(e) : notice(e.message, 'error', 'talent-error');
}

export async function render(view, sub, query) {
  if (sub === '/new') return renderForm(view, null);
  const m = /^\/(\d+)$/.exec(sub || '');
  if (m) return renderDetail(view, Number(m[1]));
  return renderList(view, query);
}

// ---- list ----------------------------------------------------------------------------------

async function renderList(view, query) {
  const sel = await orgReady();
  const f = { org: sel ? sel.id : '', pool: query.get('pool') || '', status: query.get('status') || '', q: query.get('q') || '' };
  const page = Number(query.get('page')) || 1;
  const go = (over) => navigate(`${BASE}${qs({ ...f, org: '', ...over })}`);
  const select = (name, label, options, value) => h('select', {
    name, 'aria-label': label, testid: `filter-${name}`, value,
    onchange: (e) => go({ [name]: e.target.value, page: '' }),
  }, h('option', { value: '' }, `全部${label}`), options.map((o) => h('option', { value: o.key }, o.name)));
  const q = h('input', { type: 'search', name: 'q', value: f.q, placeholder: '姓名', 'aria-label': '姓名', class: 'search-input', testid: 'filter-q' });
  const summary = h('div', { class: 'grid-summary', testid: 'talent-summary' });
  view.append(summary,
    h('div', { class: 'work-toolbar' }, select('pool', '人才库', POOLS, f.pool), select('status', '状态', STATUSES, f.status),
      h('form', { class: 'search-form', onsubmit: (e) => { e.preventDefault(); go({ q: q.value.trim(), page: '' }); } },
        q, h('button', { class: 'btn', type: 'submit' }, '查询')),
      h('a', { class: 'btn', href: `/api/v1/talents${qs({ ...f, format: 'xlsx' })}`, download: 'talents.xlsx', testid: 'talent-export' }, '导出 Excel'),
      h('a', { class: 'btn btn-primary', href: `${BASE}/new`, testid: 'talent-new' }, '登记储备人才')));
  const box = h('div', { testid: 'talent-list' }, loading());
  view.append(box);
  try {
    const s = await api.get(`/api/v1/talents/summary${qs({ org: f.org })}`);
    replace(summary, s.pools.map((p) => h('a', {
      class: `grid-stat${f.pool === p.pool ? ' active' : ''}`, href: `${BASE}${qs({ pool: p.pool })}`, testid: 'talent-pool', dataset: { pool: p.pool },
    }, h('strong', null, String(p.total)), h('span', null, p.pool_name),
    h('small', null, `储备 ${p.reserve} · 推荐 ${p.recommended} · 发展 ${p.developed}`))));
  } catch { summary.hidden = true; }
  try {
    const r = await api.get(`/api/v1/talents${qs({ ...f, page, per_page: PER })}`);
    const items = r.items || [];
    if (!items.length) { replace(box, h('p', { class: 'empty', testid: 'talent-empty' }, '没有符合条件的储备人才')); return; }
    replace(box, h('div', { class: 'table-wrap' }, h('table', { class: 'grid', testid: 'talent-table' },
      h('thead', null, h('tr', null, ['姓名', '人才库', '性别', '出生年份', '学历', '职业', '所在组织', '状态'].map((t) => h('th', null, t)))),
      h('tbody', null, items.map((x) => h('tr', { testid: 'talent-row', dataset: { id: x.id, status: x.status } },
        h('td', null, h('a', { href: `${BASE}/${x.id}` }, x.name)), h('td', null, x.pool_name), h('td', null, x.gender_name || ''),
        h('td', null, x.birth_year ? String(x.birth_year) : ''), h('td', null, x.education || ''), h('td', null, x.occupation || ''),
        h('td', null, x.org_name), h('td', null, h('span', { class: `badge talent-${x.status}` }, x.status_name))))))),
    pager(r.total, page, (n) => go({ page: n })));
  } catch (e) {
    replace(box, errorBox(e));
  }
}

function pager(total, page, go) {
  const pages = Math.max(1, Math.ceil(total / PER));
  return h('div', { class: 'pager' }, `共 ${total} 人`,
    page > 1 ? h('button', { class: 'btn', type: 'button', onclick: () => go(page - 1) }, '上一页') : null,
    ` 第 ${page}/${pages} 页 `,
    page < pages ? h('button', { class: 'btn', type: 'button', onclick: () => go(page + 1) }, '下一页') : null);
}

// ---- form ----------------------------------------------------------------------------------

async function renderForm(view, t) {
  const sel = await orgReady();
  let orgs = [];
  if (!t) {
    try { orgs = ((await api.get(`/api/v1/orgs${qs({ org: sel ? sel.id : '', per_page: 200 })}`)).items || []).filter((o) => o.kind !== 'group'); } catch { /* empty */ }
    if (sel && sel.kind !== 'group' && !orgs.some((o) => o.id === sel.id)) orgs.unshift(sel);
  }
  const val = (k) => (t && t[k] !== null && t[k] !== undefined ? String(t[k]) : '');
  const input = (name, attrs = {}) => h('input', { id: `tf-${name}`, name, value: val(name), ...attrs });
  const orgSel = t ? h('input', { id: 'tf-org_id', name: 'org_id', value: t.org_name, disabled: true })
    : h('select', { id: 'tf-org_id', name: 'org_id' }, orgs.map((o) => h('option', { value: String(o.id) }, o.name)));
  if (!t && sel && orgs.some((o) => o.id === sel.id)) orgSel.value = String(sel.id);
  const poolSel = h('select', { id: 'tf-pool', name: 'pool' }, POOLS.map((p) => h('option', { value: p.key }, p.name)));
  const genderSel = h('select', { id: 'tf-gender', name: 'gender' }, h('option', { value: '' }, '请选择'), h('option', { value: '1' }, '男'), h('option', { value: '2' }, '女'));
  if (t) { poolSel.value = t.pool; genderSel.value = t.gender; }
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card form', testid: 'talent-form', novalidate: true },
    h('div', { class: 'form-grid' },
      fieldBox('org_id', '所在组织', orgSel, { required: true }),
      fieldBox('pool', '人才库', poolSel, { required: true }),
      fieldBox('name', '姓名', input('name', { maxlength: 30 }), { required: true }),
      fieldBox('gender', '性别', genderSel, { required: true }),
      fieldBox('birth_year', '出生年份', input('birth_year', { type: 'number', min: 1930, max: 2020, inputmode: 'numeric' })),
      fieldBox('education', '学历', input('education', { maxlength: 20, list: 'talent-edu' })),
      fieldBox('occupation', '职业/特长', input('occupation', { maxlength: 40 })),
      fieldBox('recommended_by', '推荐人/单位', input('recommended_by', { maxlength: 40 })),
      fieldBox('listed_on', '入库日期', input('listed_on', { type: 'date', value: t ? t.listed_on : today() })),
      fieldBox('notes', '备注', input('notes', { maxlength: 200 }), { wide: true })),
    h('datalist', { id: 'talent-edu' }, ['研究生', '大学本科', '大专', '中专', '高中', '初中'].map((x) => h('option', { value: x }))),
    h('p', { class: 'hint' }, '只登记基本情况，不录入身份证号和电话号码。'),
    msg,
    h('div', { class: 'actions' },
      h('button', { class: 'btn btn-primary', type: 'submit', testid: 'talent-submit' }, '保存'),
      h('a', { class: 'btn', href: t ? `${BASE}/${t.id}` : BASE }, '取消')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    msg.replaceChildren();
    const v = (n) => form.elements[n].value.trim();
    const body = {
      pool: v('pool'), name: v('name'), gender: v('gender') || null, birth_year: Number(v('birth_year')) || null,
      education: v('education') || null, occupation: v('occupation') || null, recommended_by: v('recommended_by') || null,
      listed_on: v('listed_on') || null, notes: v('notes') || null,
    };
    if (!body.name) { showFieldError(form, 'name', '请填写姓名'); return; }
    if (!body.gender) { showFieldError(form, 'gender', '请选择性别'); return; }
    try {
      const r = t ? await api.patch(`/api/v1/talents/${t.id}`, { version: t.version, ...body })
        : await api.post('/api/v1/talents', { org_id: Number(orgSel.value) || null, ...body });
      toast('已保存');
      navigate(`${BASE}/${r.id}`);
    } catch (err) {
      if (!(err.field && showFieldError(form, err.field, err.message))) msg.append(errorBox(err));
    }
  });
  view.append(h('h2', null, t ? `编辑：${t.name}` : '登记储备人才'), t || orgs.length ? form : notice('所选组织下没有可登记的党组织', 'info'));
}

// ---- detail --------------------------------------------------------------------------------

const row = (k, v) => h('div', { class: 'kv' }, h('dt', null, k), h('dd', null, v === null || v === undefined || v === '' ? '—' : String(v)));

// the status steps possible now: [{status, label, field (text asked), required}]
function nextSteps(t) {
  if (t.status === 'reserve') {
    return [{ status: 'recommended', label: '推荐为入党积极分子', field: 'note', text: '推荐说明' },
      { status: 'withdrawn', label: '退出', field: 'reason', text: '退出原因', required: true }];
  }
  if (t.status === 'recommended') {
    return [{ status: 'developed', label: '已发展', field: null },
      { status: 'withdrawn', label: '退出', field: 'reason', text: '退出原因', required: true }];
  }
  return [];
}

async function renderDetail(view, id) {
  const box = h('div', { testid: 'talent-detail' }, loading());
  view.append(box);
  let t;
  try { t = await api.get(`/api/v1/talents/${id}`); } catch (e) { replace(box, errorBox(e)); return; }
  const msg = h('div', { 'aria-live': 'polite', testid: 'talent-msg' });
  const stepBox = h('div', { class: 'project-actions', testid: 'talent-steps' });
  function stepForm(s) {
    const text = s.field ? h('input', { id: `ts-${s.field}`, name: s.field, maxlength: 200 }) : null;
    const on = h('input', { id: 'ts-on', name: 'on', type: 'date', value: today() });
    const form = h('form', { class: 'card form', testid: `step-form-${s.status}`, novalidate: true },
      h('div', { class: 'form-grid' }, fieldBox('on', '日期', on, { required: true }),
        text ? fieldBox(s.field, s.text, text, { required: s.required, wide: true }) : null),
      h('div', { class: 'actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'step-submit' }, `确认${s.label}`),
        h('button', { class: 'btn', type: 'button', onclick: () => draw() }, '取消')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearFieldErrors(form);
      msg.replaceChildren();
      const body = { version: t.version, status: s.status, on: on.value || null };
      if (text) body[s.field] = text.value.trim() || null;
      if (s.required && !body[s.field]) { showFieldError(form, s.field, `请填写${s.text}`); return; }
      try {
        t = await api.post(`/api/v1/talents/${t.id}/status`, body);
        toast(`已${s.label}`);
        draw();
      } catch (err) {
        if (!(err.field && showFieldError(form, err.field, err.message))) msg.append(errorBox(err));
      }
    });
    return form;
  }
  function draw() {
    const steps = nextSteps(t);
    // 发起发展: the recruitment form pre-filled from this record; saving it moves the talent to 已发展
    const develop = t.status === 'recommended'
      ? h('a', { class: 'btn btn-primary', href: `#/recruits/new?talent=${t.id}`, testid: 'talent-develop' }, '发起发展') : null;
    replace(stepBox, develop, steps.map((s) => h('button', {
      class: `btn${s.status === 'withdrawn' ? '' : ' btn-primary'}`, type: 'button', testid: `step-${s.status}`,
      onclick: () => replace(stepBox, stepForm(s)),
    }, s.label)), h('button', { class: 'btn', type: 'button', testid: 'talent-edit', onclick: () => { view.replaceChildren(); renderForm(view, t); } }, '编辑'));
    replace(box, h('div', { class: 'card' },
      h('h2', { testid: 'talent-title' }, t.name, ' ', h('span', { class: `badge talent-${t.status}`, testid: 'talent-status' }, t.status_name)),
      h('dl', { class: 'kv-list' }, row('人才库', t.pool_name), row('性别', t.gender_name), row('出生年份', t.birth_year),
        row('学历', t.education), row('职业/特长', t.occupation), row('所在组织', t.org_name), row('推荐人/单位', t.recommended_by),
        row('入库日期', t.listed_on),
        t.recommended_on ? row('推荐为入党积极分子', `${t.recommended_on}${t.recommend_note ? `（${t.recommend_note}）` : ''}`) : null,
        t.developed_on ? row('发展日期', t.developed_on) : null,
        t.recruit_id ? h('div', { class: 'kv' }, h('dt', null, '发展党员记录'),
          h('dd', null, h('a', { href: `#/recruits/${t.recruit_id}`, testid: 'talent-recruit' }, '查看入党申请人档案'))) : null,
        t.withdrawn_on ? row('退出', `${t.withdrawn_on}：${t.withdraw_reason || ''}`) : null,
        row('备注', t.notes)),
      t.status === 'recommended' ? h('p', { class: 'hint', testid: 'talent-recruit-hint' },
        '已推荐为入党积极分子：点“发起发展”登记其入党申请，表单带入姓名和所在党支部，保存后此处记为“已发展”。') : null,
      msg, stepBox, h('div', { class: 'actions' }, h('a', { class: 'btn', href: BASE }, '返回列表'))));
  }
  draw();
}
