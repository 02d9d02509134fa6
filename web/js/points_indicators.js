// 指标: the indicator set in force (kept per top-level org, versioned) and its history; 新版本 opens an editor
// prefilled from the set in force (or the recommended template when there is none). A new version applies
// from its first month on; earlier months keep theirs. Field errors land next to the field.
import { api, qs } from './api.js';
import { h, replace, loading, toast, notice, fmtTime } from './dom.js';
import { isAdmin } from './session.js';
import { rerender } from './router.js';
import { KINDS, kindName } from './life_labels.js';
import { CATEGORIES } from './life_appraisal.js';
import { showFieldError, clearFieldErrors } from './member_form.js';
import { forgetSets } from './points_ledger.js';
import {
  pointsOrg, pointsTabs, pointsHead, orgChooser, errBox, loadSources, sourceName, fmtPts, thisMonth, topOrgId,
  TARGETS, SIGNS, CAP_PERIODS, APPROVERS,
} from './points_common.js';

const PARAM_OPTIONS = {
  meeting_kind: [['', '任何会议'], ...KINDS.map((k) => [k.key, k.name])],
  appraisal_category: CATEGORIES.map((c) => [c.key, c.name]),
  task_timing: [['', '按期或逾期'], ['on_time', '按期完成'], ['late', '逾期完成']],
};
const paramName = (ind) => {
  if (!ind.source_param) return '';
  const k = KINDS.find((x) => x.key === ind.source_param);
  if (k) return kindName(k.key);
  const c = CATEGORIES.find((x) => x.key === ind.source_param);
  const t = PARAM_OPTIONS.task_timing.find(([k]) => k && k === ind.source_param);
  return c ? c.name : t ? t[1] : ind.source_param;
};

export async function renderPointsIndicators(view, query) {
  view.append(loading());
  const org = await pointsOrg(query);
  const sources = await loadSources().catch(() => []);
  const top = topOrgId(org);
  const box = h('div', { testid: 'indicators-box' }, loading());
  const editBox = h('div', { testid: 'set-editor-box' });
  const newBtn = isAdmin() && h('button', { class: 'btn btn-primary', type: 'button', testid: 'set-new', onclick: () => openEditor() }, '新版本');
  view.replaceChildren(pointsHead('积分指标', org, newBtn), pointsTabs('indicators'), h('div', { class: 'toolbar' }, orgChooser(org)), editBox, box);
  if (!org) { box.replaceChildren(); return; }

  let current = null;
  let versions = [];
  try {
    const [cur, list] = await Promise.all([
      api.get(`/api/v1/points/sets/current${qs({ org: org.id })}`).catch((e) => { if (e.status === 404) return null; throw e; }),
      api.get(`/api/v1/points/sets${qs({ org: org.id })}`),
    ]);
    current = cur;
    versions = list.items || [];
  } catch (e) { replace(box, errBox(e)); return; }

  const upcoming = versions.filter((v) => current ? v.version > current.version : true);
  replace(box,
    current ? h('div', { class: 'card', testid: 'set-current', dataset: { version: current.version } },
      h('h3', null, `当前指标（第 ${current.version} 版，${current.effective_from} 起）`),
      current.note ? h('p', { class: 'muted' }, current.note) : null,
      indicatorTable(current.indicators || []))
      : notice('尚未制定积分指标。请点击“新版本”从推荐指标开始。', 'info', 'set-none'),
    upcoming.length ? notice(`已制定 ${upcoming.map((v) => `第 ${v.version} 版（${v.effective_from} 起）`).join('、')}，到期自动生效。`, 'info', 'set-upcoming') : null,
    versions.length ? h('div', { class: 'card', testid: 'set-versions' }, h('h3', null, '版本记录'),
      versions.map((v) => h('details', { class: 'set-version', testid: 'set-version', dataset: { version: v.version } },
        h('summary', null, `第 ${v.version} 版 · ${v.effective_from} 起 · ${(v.indicators || []).length} 项指标`,
          h('span', { class: 'muted small' }, ` · ${fmtTime(v.created_at)}${v.note ? ` · ${v.note}` : ''}`)),
        indicatorTable(v.indicators || [])))) : null);

  async function openEditor() {
    newBtn.disabled = true;
    let start = current;
    if (!start) {
      try { start = await api.get('/api/v1/points/sets/template'); } catch (e) { editBox.replaceChildren(errBox(e)); newBtn.disabled = false; return; }
    }
    replace(editBox, setEditor({
      orgId: top, start, sources, fromTemplate: !current,
      onSaved: () => { forgetSets(); rerender(); },
      onCancel: () => { editBox.replaceChildren(); newBtn.disabled = false; },
    }));
    editBox.scrollIntoView({ block: 'start' });
  }
}

function indicatorTable(list) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'grid ind-table', testid: 'ind-table' },
    h('thead', null, h('tr', null, ['代码', '名称', '类别', '对象', '分值', '上限', '来源', '审核人'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, list.map((i) => h('tr', { testid: 'ind-row', dataset: { code: i.code } },
      h('td', { class: 'mono' }, i.code),
      h('th', { scope: 'row' }, i.name),
      h('td', null, i.category || ''),
      h('td', null, TARGETS[i.target] || i.target),
      h('td', null, h('span', { class: `pts ${i.sign === 'deduct' ? 'pts-minus' : 'pts-plus'}` }, `${i.sign === 'deduct' ? '−' : '+'}${fmtPts(i.points)}`)),
      h('td', null, Number(i.cap) > 0 ? `${CAP_PERIODS[i.cap_period] || ''} ${fmtPts(i.cap)}` : '—'),
      h('td', null, sourceName(i.source), i.source_param ? h('span', { class: 'muted small' }, ` ${paramName(i)}`) : null),
      h('td', null, i.source === 'manual' ? APPROVERS[i.approver] || i.approver : '—'))))));
}

// The editor: one row of inputs per indicator. Inputs are named like the API's error fields
// (indicators[3].code) so a refusal lands next to its field.
function setEditor({ orgId, start, sources, fromTemplate, onSaved, onCancel }) {
  const form = h('form', { class: 'card set-editor', novalidate: true, testid: 'set-editor' });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite', testid: 'set-msg' });
  const month = thisMonth();
  const eff = h('input', { type: 'month', name: 'effective_from', min: month, value: month, testid: 'set-effective', required: true, id: 'set-effective' });
  const note = h('input', { type: 'text', name: 'note', maxlength: 500, testid: 'set-note', id: 'set-note', placeholder: '如：按县委组织部2026年文件调整' });
  const tbody = h('tbody');
  const rows = [];

  const opt = (pairs, v) => pairs.map(([k, n]) => h('option', { value: k, selected: k === (v ?? '') }, n));
  const srcFor = (target) => sources.filter((s) => !s.target || s.target === target || s.code === 'manual');

  function addRow(ind = {}, at = rows.length) {
    const r = { el: null };
    const inp = (key, props) => h('input', { ...props, name: '', dataset: { key }, 'aria-label': key });
    const code = inp('code', { type: 'text', maxlength: 32, value: ind.code || '', class: 'ie-code mono' });
    const name = inp('name', { type: 'text', maxlength: 60, value: ind.name || '', class: 'ie-name' });
    const category = inp('category', { type: 'text', maxlength: 60, value: ind.category || '', class: 'ie-cat' });
    const target = h('select', { dataset: { key: 'target' }, class: 'ie-target' }, opt(Object.entries(TARGETS), ind.target || 'member'));
    const sign = h('select', { dataset: { key: 'sign' } }, opt(Object.entries(SIGNS), ind.sign || 'award'));
    const points = inp('points', { type: 'number', min: 0.1, max: 100, step: 0.1, value: ind.points ?? 1, class: 'ie-num' });
    const cap = inp('cap', { type: 'number', min: 0, step: 0.1, value: ind.cap ?? 0, class: 'ie-num', title: '0 表示不设上限' });
    const capPeriod = h('select', { dataset: { key: 'cap_period' } }, opt(Object.entries(CAP_PERIODS), ind.cap_period || 'month'));
    const source = h('select', { dataset: { key: 'source' }, class: 'ie-source' });
    const param = h('select', { dataset: { key: 'source_param' }, class: 'ie-param' });
    const approver = h('select', { dataset: { key: 'approver' } }, opt(Object.entries(APPROVERS), ind.approver || 'secretary'));
    const fillSource = (v) => {
      source.replaceChildren(...opt(srcFor(target.value).map((s) => [s.code, s.name]), v));
      if (!source.value) source.value = 'manual';
    };
    const fillParam = (v) => {
      const s = sources.find((x) => x.code === source.value);
      const pairs = s && s.param ? PARAM_OPTIONS[s.param] || [] : [];
      param.replaceChildren(...opt(pairs.length ? pairs : [['', '—']], v));
      param.disabled = !pairs.length;
      approver.disabled = source.value !== 'manual';
      if (target.value === 'branch') approver.value = 'org_admin';
    };
    fillSource(ind.source || 'manual');
    fillParam(ind.source_param || '');
    target.addEventListener('change', () => { fillSource(source.value); fillParam(''); });
    source.addEventListener('change', () => fillParam(''));
    const del = h('button', { class: 'btn btn-sm', type: 'button', 'aria-label': '删除此行', testid: 'ie-del', onclick: () => remove(r) }, '删除');
    const up = h('button', { class: 'btn btn-sm', type: 'button', 'aria-label': '上移', onclick: () => move(r, -1) }, '↑');
    const cell = (ctl) => h('td', null, ctl, h('div', { class: 'field-error', 'aria-live': 'polite' }));
    r.ctl = { code, name, category, target, sign, points, cap, cap_period: capPeriod, source, source_param: param, approver };
    r.el = h('tr', { testid: 'ie-row' },
      cell(code), cell(name), cell(category), cell(target), cell(sign), cell(points), cell(cap), cell(capPeriod),
      cell(source), cell(param), cell(approver), h('td', { class: 'ie-actions' }, up, del, h('div', { class: 'field-error ie-row-error', 'aria-live': 'polite' })));
    rows.splice(at, 0, r);
    renumber();
    return r;
  }
  function remove(r) { rows.splice(rows.indexOf(r), 1); renumber(); }
  function move(r, d) {
    const i = rows.indexOf(r);
    const j = i + d;
    if (j < 0 || j >= rows.length) return;
    rows.splice(i, 1);
    rows.splice(j, 0, r);
    renumber();
  }
  // Names and error boxes follow the row's position (the API's indicators[i]).
  function renumber() {
    tbody.replaceChildren(...rows.map((r) => r.el));
    rows.forEach((r, i) => {
      for (const [key, el] of Object.entries(r.ctl)) {
        const f = `indicators[${i}].${key}`;
        el.name = f;
        el.setAttribute('aria-label', `第 ${i + 1} 行 ${COLS[key] || key}`);
        el.parentElement.querySelector('.field-error').dataset.errorFor = f;
      }
      r.el.querySelector('.ie-row-error').dataset.errorFor = `indicators[${i}]`;
    });
    count.textContent = `共 ${rows.length} 项`;
  }
  const count = h('span', { class: 'muted', testid: 'ie-count' });
  for (const ind of start.indicators || []) addRow(ind);
  const num = (el) => (el.value === '' ? null : Number(el.value));
  const body = () => ({
    org_id: orgId, effective_from: eff.value, note: note.value.trim() || undefined,
    indicators: rows.map((r) => {
      const c = r.ctl;
      return {
        code: c.code.value.trim(), name: c.name.value.trim(), category: c.category.value.trim(), target: c.target.value,
        sign: c.sign.value, points: num(c.points), cap: num(c.cap) ?? 0, cap_period: c.cap_period.value, source: c.source.value,
        source_param: c.source_param.value || null, approver: c.target.value === 'branch' ? 'org_admin' : c.approver.value,
      };
    }),
  });
  const save = h('button', { class: 'btn btn-primary', type: 'submit', testid: 'set-save' }, '保存为新版本');
  form.append(
    h('h3', null, fromTemplate ? '新建积分指标（从推荐指标开始）' : `新版本（基于第 ${start.version} 版）`),
    h('div', { class: 'form-grid' },
      h('div', { class: 'field' }, h('label', { for: 'set-effective' }, '起始月份', h('span', { class: 'req' }, ' *')), eff,
        h('div', { class: 'hint' }, '从该月起按新版本计分；不能早于本月，也不能落在已发布的期间内'),
        h('div', { class: 'field-error', dataset: { errorFor: 'effective_from' }, testid: 'field-error-effective_from' })),
      h('div', { class: 'field' }, h('label', { for: 'set-note' }, '说明'), note,
        h('div', { class: 'field-error', dataset: { errorFor: 'note' } }))),
    h('div', { class: 'table-wrap ie-wrap' }, h('table', { class: 'grid ie-table', testid: 'ie-table' },
      h('thead', null, h('tr', null, Object.values(COLS).map((t) => h('th', { scope: 'col' }, t)), h('th', null, ''))),
      tbody)),
    h('div', { class: 'form-actions' },
      h('button', { class: 'btn', type: 'button', testid: 'ie-add', onclick: () => { const r = addRow(); r.ctl.code.focus(); } }, '添加指标'), count),
    h('div', { class: 'field-error', dataset: { errorFor: 'indicators' } }),
    msg,
    h('div', { class: 'form-actions' }, save, h('button', { class: 'btn', type: 'button', testid: 'set-cancel', onclick: onCancel }, '取消')));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    msg.replaceChildren();
    save.disabled = true;
    try {
      const r = await api.post('/api/v1/points/sets', body());
      toast(`已保存第 ${r.version} 版指标，${r.effective_from} 起生效`);
      onSaved(r);
    } catch (e) {
      save.disabled = false;
      if (!placeError(form, e)) msg.append(errBox(e));
    }
  });
  return form;
}

const COLS = {
  code: '代码', name: '名称', category: '类别', target: '对象', sign: '加/扣', points: '分值', cap: '上限', cap_period: '上限周期',
  source: '来源', source_param: '来源参数', approver: '审核人',
};

// indicators[3].code → that input; indicators[3] → the row; else a top-level field.
function placeError(form, e) {
  if (!e.field) return false;
  const field = e.field.replace(/^indicators\.(\d+)(\.|$)/, 'indicators[$1]$2');
  if (showFieldError(form, field, e.message)) return true;
  const m = /^indicators\[(\d+)\]/.exec(field);
  if (m) {
    const box = form.querySelector(`[data-error-for="indicators[${m[1]}]"]`);
    if (box) {
      box.textContent = e.message;
      box.closest('tr').classList.add('has-error');
      box.closest('tr').scrollIntoView({ block: 'center' });
      return true;
    }
  }
  return false;
}
