// 积分明细: the append-only ledger of the subtree with filters; 冲正 appends a reversing entry (with the
// reason); 录入 enters a manual entry or a branch finding (检查发现) for an indicator of the set in force.
import { api, qs } from './api.js';
import { h, replace, loading, toast, fmtDate, fmtTime } from './dom.js';
import { navigate } from './router.js';
import { isManager, isAdmin, role } from './session.js';
import { orgPicker } from './org_picker.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';
import { searchScopeBranches } from './branches.js';
import { today } from './life_labels.js';
import {
  pointsOrg, pointsTabs, pointsHead, orgChooser, periodPicker, ptsCell, errBox, pager, loadSources, sourceName,
  TARGETS, SOURCE_NAMES,
} from './points_common.js';

const FIELD_LABELS = {
  target: '对象类型', subject_id: '对象', indicator: '指标', event_on: '发生日期', count: '次数', evidence: '依据', inspector: '检查人',
};

// The set in force for a month at an org (null when none); cached per org and month.
const setCache = new Map();
export async function currentSet(orgId, month) {
  const key = `${orgId}|${month}`;
  if (!setCache.has(key)) {
    setCache.set(key, api.get(`/api/v1/points/sets/current${qs({ org: orgId, period: month })}`)
      .catch((e) => { setCache.delete(key); if (e.status === 404) return null; throw e; }));
  }
  return setCache.get(key);
}
export function forgetSets() { setCache.clear(); }

export async function renderPointsLedger(view, query) {
  view.append(loading());
  const org = await pointsOrg(query);
  const f = {
    target: query.get('target') || '', subject: query.get('subject') || '', subject_name: query.get('subject_name') || '',
    indicator: query.get('indicator') || '', period: query.get('period') || '', source: query.get('source') || '',
  };
  const page = Math.max(1, Number(query.get('page')) || 1);
  const go = (changes) => navigate(`#/points/ledger${qs({ org: query.get('org') || '', ...f, ...changes })}`);
  const sources = await loadSources().catch(() => []);
  let set = null;
  if (org) set = await currentSet(org.id, '').catch(() => null);

  const msg = h('div', { 'aria-live': 'polite', testid: 'ledger-msg' });
  const formBox = h('div', { testid: 'entry-form-box' });
  const addBtn = isManager() && h('button', {
    class: 'btn btn-primary', type: 'button', testid: 'entry-add', 'aria-expanded': 'false',
    onclick: () => {
      const open = !formBox.firstChild;
      addBtn.setAttribute('aria-expanded', String(open));
      if (open) replace(formBox, entryForm(org, { onSaved: () => { formBox.replaceChildren(); addBtn.setAttribute('aria-expanded', 'false'); load(); }, onCancel: () => { formBox.replaceChildren(); addBtn.setAttribute('aria-expanded', 'false'); } }));
      else formBox.replaceChildren();
    },
  }, '录入');

  const sel = (testid, label, value, opts, key) => h('select', {
    'aria-label': label, testid, value,
    onchange: (e) => go({ [key]: e.target.value, page: '' }),
  }, opts.map(([v, n]) => h('option', { value: v }, n)));
  const codes = ((set && set.indicators) || []).map((i) => [i.code, `${i.code} ${i.name}`]);
  if (f.indicator && !codes.some((c) => c[0] === f.indicator)) codes.unshift([f.indicator, f.indicator]);
  const srcOpts = [['', '全部来源'], ['manual', SOURCE_NAMES.manual], ['claim', SOURCE_NAMES.claim], ['reversal', SOURCE_NAMES.reversal],
    ...sources.filter((s) => s.code !== 'manual').map((s) => [s.code, s.name])];
  const filters = h('div', { class: 'filters ledger-filters' },
    sel('ledger-target', '对象类型', f.target, [['', '全部对象'], ['member', '党员'], ['branch', '党支部']], 'target'),
    sel('ledger-indicator', '指标', f.indicator, [['', '全部指标'], ...codes], 'indicator'),
    periodPicker(f.period, (p) => go({ period: p, page: '' }), { allowAll: true, testid: 'ledger-period' }),
    sel('ledger-source', '来源', f.source, srcOpts, 'source'),
    f.subject ? h('span', { class: 'badge chip', testid: 'ledger-subject' }, `仅看：${f.subject_name || `#${f.subject}`} `,
      h('button', { class: 'chip-x', type: 'button', 'aria-label': '取消', onclick: () => go({ subject: '', subject_name: '', page: '' }) }, '×')) : null);
  const box = h('div', { testid: 'ledger-box' }, loading());
  view.replaceChildren(pointsHead('积分明细', org, addBtn), pointsTabs('ledger'),
    h('div', { class: 'toolbar' }, orgChooser(org)), h('div', { class: 'toolbar' }, filters), formBox, msg, box);
  if (!org) { box.replaceChildren(); return; }

  async function load() {
    let r;
    try {
      r = await api.get(`/api/v1/points/entries${qs({
        org: org.id, target: f.target, subject: f.subject, indicator: f.indicator, period: f.period, source: f.source, page, per_page: 50,
      })}`);
    } catch (e) { replace(box, errBox(e)); return; }
    const items = r.items || [];
    if (!items.length) { replace(box, h('p', { class: 'empty', testid: 'ledger-empty' }, '没有符合条件的积分记录')); return; }
    replace(box, h('ul', { class: 'ledger-list', testid: 'ledger-list' }, items.map(entryItem)), pager(r, (p) => go({ page: p })));
  }

  function entryItem(en) {
    const canReverse = isManager() && !en.reversed_by && !en.reverses_id;
    const out = h('div', { 'aria-live': 'polite' });
    const revBox = h('div', { class: 'reverse-box', hidden: true });
    const reason = h('input', { type: 'text', maxlength: 500, placeholder: '冲正原因（必填）', 'aria-label': '冲正原因', testid: 'reverse-reason' });
    const confirmBtn = h('button', {
      class: 'btn btn-sm btn-primary', type: 'button', testid: 'reverse-confirm',
      onclick: async () => {
        out.replaceChildren();
        if (!reason.value.trim()) { reason.setAttribute('aria-invalid', 'true'); reason.focus(); return; }
        confirmBtn.disabled = true;
        try {
          await api.post(`/api/v1/points/entries/${en.id}/reverse`, { reason: reason.value.trim() });
          toast('已冲正');
          load();
        } catch (e) { out.append(errBox(e)); confirmBtn.disabled = false; }
      },
    }, '确认冲正');
    revBox.append(reason, confirmBtn, h('button', { class: 'btn btn-sm', type: 'button', onclick: () => { revBox.hidden = true; } }, '取消'));
    const ind = en.indicator || {};
    return h('li', {
      class: `ledger-entry${en.reversed_by ? ' reversed' : ''}${en.reverses_id ? ' reversal' : ''}`,
      testid: 'ledger-entry', dataset: { id: en.id, subject: en.subject_id, reversed: en.reversed_by ? String(en.reversed_by) : '' },
    },
    h('div', { class: 'le-main' },
      h('span', { class: 'le-date' }, fmtDate(en.event_on)),
      h('a', { class: 'le-subject', href: `#/points/${en.target === 'branch' ? 'branches' : 'members'}/${en.subject_id}` }, en.subject_name || `#${en.subject_id}`),
      h('span', { class: 'le-ind', testid: 'le-indicator' }, `${ind.name || ind.code || ''}`),
      h('span', { class: 'le-pts', testid: 'le-points' }, ptsCell(en.points))),
    h('div', { class: 'le-meta muted small' },
      `${TARGETS[en.target] || ''} · ${en.org_name || ''} · ${sourceName(en.source)}`,
      en.reversed_by ? h('span', { class: 'badge status-rejected', testid: 'le-reversed' }, `已冲正（#${en.reversed_by}）`) : null,
      en.reverses_id ? h('span', { class: 'badge', testid: 'le-reversal' }, `冲正 #${en.reverses_id}`) : null,
      h('span', { class: 'le-id' }, ` #${en.id} · ${fmtTime(en.created_at)}`)),
    en.evidence ? h('div', { class: 'le-evidence', testid: 'le-evidence' }, en.evidence) : null,
    en.inspector ? h('div', { class: 'muted small' }, `检查人：${en.inspector}`) : null,
    canReverse ? h('div', { class: 'row-actions' },
      h('button', { class: 'btn btn-sm', type: 'button', testid: 'entry-reverse', onclick: () => { revBox.hidden = false; reason.focus(); } }, '冲正'),
      revBox) : null,
    out);
  }

  await load();
}

// 录入: a manual entry for a member or (org admins) a branch finding with evidence and inspector.
export function entryForm(org, { onSaved, onCancel }) {
  const admin = isAdmin();
  let target = 'member';
  const form = h('form', { class: 'card entry-form', novalidate: true, testid: 'entry-form' });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite', testid: 'entry-msg' });
  const targetSel = h('select', { id: 'pe-target', name: 'target', testid: 'entry-target', disabled: !admin },
    h('option', { value: 'member' }, '党员'), admin ? h('option', { value: 'branch' }, '党支部（检查发现）') : null);
  const mkPicker = () => (target === 'member' ? orgPicker({
    id: 'pe-subject', name: 'subject_id', testid: 'entry-subject', noun: '党员', placeholder: '输入姓名查找',
    search: async (q) => {
      const r = await api.get(`/api/v1/members${qs({ org: org ? org.id : '', q, per_page: 20 })}`);
      return { items: r.items || [], total: r.total ?? (r.items || []).length };
    },
    describe: (m) => ({ label: m.name, main: m.name, sub: m.org_name || '' }),
  }) : orgPicker({
    id: 'pe-subject', name: 'subject_id', testid: 'entry-subject', noun: '党支部', placeholder: '输入名称查找',
    search: searchScopeBranches, describe: (o) => ({ label: o.name, main: o.name, sub: o.parent_name || '' }),
  }));
  let picker = mkPicker();
  const subjectSlot = h('div', null, picker.el);
  const eventOn = h('input', { id: 'pe-event', name: 'event_on', type: 'date', max: today(), value: today(), testid: 'entry-event-on', required: true });
  const indSel = h('select', { id: 'pe-indicator', name: 'indicator', testid: 'entry-indicator', required: true });
  const count = h('input', { id: 'pe-count', name: 'count', type: 'number', min: 1, max: 100, step: 1, value: '1', inputmode: 'numeric', testid: 'entry-count' });
  const evidence = h('textarea', { id: 'pe-evidence', name: 'evidence', rows: 2, maxlength: 500, testid: 'entry-evidence' });
  const inspector = h('input', { id: 'pe-inspector', name: 'inspector', type: 'text', maxlength: 60, testid: 'entry-inspector' });
  const inspectorField = fieldBox('inspector', '检查人', inspector);
  const preview = h('span', { class: 'muted', testid: 'entry-preview' });
  let indicators = [];

  async function fillIndicators() {
    const month = (eventOn.value || today()).slice(0, 7);
    indSel.replaceChildren(h('option', { value: '' }, '正在加载……'));
    let set = null;
    try { set = org ? await currentSet(org.id, month) : null; } catch (e) { msg.replaceChildren(errBox(e)); }
    indicators = ((set && set.indicators) || []).filter((i) => i.target === target && i.source === 'manual'
      && (role() !== 'secretary' || i.approver === 'secretary'));
    replace(indSel, h('option', { value: '' }, indicators.length ? '请选择指标' : '没有可手工录入的指标'),
      indicators.map((i) => h('option', { value: i.code }, `${i.category ? `${i.category} · ` : ''}${i.name}（${i.sign === 'deduct' ? '−' : '+'}${i.points}）`)));
    updatePreview();
  }
  function updatePreview() {
    const ind = indicators.find((i) => i.code === indSel.value);
    const n = Math.max(1, Number(count.value) || 1);
    preview.textContent = ind ? `计 ${ind.sign === 'deduct' ? '−' : '+'}${Math.round(ind.points * n * 10) / 10} 分` : '';
  }
  targetSel.addEventListener('change', () => {
    target = targetSel.value;
    picker = mkPicker();
    subjectSlot.replaceChildren(picker.el);
    inspectorField.hidden = target !== 'branch';
    fillIndicators();
  });
  let lastMonth = eventOn.value.slice(0, 7);
  eventOn.addEventListener('change', () => {
    if (eventOn.value.slice(0, 7) !== lastMonth) { lastMonth = eventOn.value.slice(0, 7); fillIndicators(); }
  });
  indSel.addEventListener('change', updatePreview);
  count.addEventListener('input', updatePreview);
  inspectorField.hidden = true;

  const save = h('button', { class: 'btn btn-primary', type: 'submit', testid: 'entry-save' }, '保存');
  form.append(h('h3', null, '录入积分'),
    h('div', { class: 'form-grid' },
      fieldBox('target', '对象类型', targetSel),
      fieldBox('subject_id', '对象', picker.input, { control: subjectSlot, required: true }),
      fieldBox('event_on', '发生日期', eventOn, { required: true }),
      fieldBox('indicator', '指标', indSel, { required: true }),
      fieldBox('count', '次数', count, { hint: preview }),
      inspectorField,
      fieldBox('evidence', '依据 / 情况说明', evidence, { wide: true })),
    msg,
    h('div', { class: 'form-actions' }, save, h('button', { class: 'btn', type: 'button', testid: 'entry-cancel', onclick: onCancel }, '取消')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    msg.replaceChildren();
    const subj = picker.value;
    if (!subj) { showFieldError(form, 'subject_id', '请从查找结果中选择对象'); return; }
    if (!indSel.value) { showFieldError(form, 'indicator', '请选择指标'); return; }
    const body = {
      target, subject_id: subj.id, indicator: indSel.value, event_on: eventOn.value,
      count: Math.max(1, Number(count.value) || 1), evidence: evidence.value.trim() || undefined,
    };
    if (target === 'branch' && inspector.value.trim()) body.inspector = inspector.value.trim();
    save.disabled = true;
    try {
      await api.post('/api/v1/points/entries', body);
      toast('已录入');
      onSaved();
    } catch (e) {
      save.disabled = false;
      if (!(e.field && !e.rule && showFieldError(form, e.field, e.message, FIELD_LABELS[e.field]))) msg.append(errBox(e));
    }
  });
  fillIndicators();
  return form;
}
