// 记录步骤: the form for one step of 发展党员, with the inputs the step needs (docs/API.md table):
// member pickers for talkers / contacts / introducers, vote counts, 公示 dates, training, 政审 result…
// A refusal (422) shows the server's message with the rule id and keeps the input; 409 offers a reload.
import { api, qs } from './api.js';
import { h, replace, notice } from './dom.js';
import { orgPicker } from './org_picker.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';
import { stepName } from './recruit_labels.js';
import { ruleError } from './recruits.js';

let uid = 0;

// Several members of a branch (full members), chosen one by one with the search picker; shown as chips.
export function memberMultiPicker({ branchId, name, testid, max = 0, initial = [] }) {
  const chosen = [...initial]; // [{id, name}]
  const chips = h('ul', { class: 'chips', testid: `${testid}-chosen` });
  const picker = orgPicker({
    id: `mp-${++uid}`, name, testid, noun: '党员', minChars: 0, placeholder: '输入姓名查找本支部正式党员',
    search: async (q) => {
      const r = await api.get(`/api/v1/members${qs({ org: branchId, q, category: 'full', state: 'active', per_page: 20 })}`);
      return { items: r.items || [], total: r.total ?? (r.items || []).length };
    },
    describe: (m) => {
      const on = chosen.some((c) => String(c.id) === String(m.id));
      return {
        label: m.name, main: m.name, sub: m.org_name ? `（${m.org_name}）` : '', note: on ? '已选' : (m.id_number || ''),
        disabled: on || (max > 0 && chosen.length >= max),
      };
    },
    onChange: (m) => {
      if (!m) return;
      if (!chosen.some((c) => String(c.id) === String(m.id))) chosen.push({ id: m.id, name: m.name });
      draw();
      setTimeout(() => picker.set(null), 0);
    },
  });
  function draw() {
    replace(chips, chosen.map((c, i) => h('li', { class: 'chip', testid: 'chip', dataset: { id: c.id } }, c.name,
      h('button', {
        type: 'button', class: 'chip-x', 'aria-label': `移除 ${c.name}`,
        onclick: () => { chosen.splice(i, 1); draw(); },
      }, '×'))));
  }
  draw();
  return {
    el: h('div', { class: 'multi-picker' }, chips, picker.el),
    input: picker.input,
    get ids() { return chosen.map((c) => Number(c.id)); },
  };
}

// What each step asks for. kind: people | text | textarea | select | int | date | bool | radio | opinions | group
const METHODS = ['党员推荐', '群团组织推优', '党组织推荐'];
const MEETING = [
  { key: 'present_voting', kind: 'int', label: '实到会有表决权党员数', required: true, min: 0 },
  { key: 'in_favour', kind: 'int', label: '赞成票', required: true, min: 0 },
  { key: 'against', kind: 'int', label: '反对票', min: 0 },
  { key: 'abstain', kind: 'int', label: '弃权票', min: 0 },
  { key: 'excused', kind: 'people', label: '请假党员（不计入应到会人数）', wide: true },
];
export const STEP_FIELDS = {
  2: [{ key: 'talkers', kind: 'people', label: '谈话人', required: true, wide: true }],
  3: [{ key: 'method', kind: 'select', label: '推荐方式', options: METHODS, required: true }],
  5: [{ key: 'contacts', kind: 'people', label: '培养联系人（1–2 名正式党员）', required: true, max: 2, wide: true }],
  6: [{ key: 'content', kind: 'textarea', label: '考察内容', required: true }],
  7: [
    { key: 'opinions', kind: 'opinions', label: '听取意见' },
    { key: 'committee_agreed', kind: 'bool', label: '支部委员会讨论同意' },
  ],
  9: [{ key: 'introducers', kind: 'people', label: '入党介绍人（2 名正式党员）', required: true, max: 2, wide: true }],
  10: [{ key: 'result', kind: 'radio', label: '政治审查结论', options: [['passed', '合格'], ['failed', '不合格']], required: true }],
  11: [
    { key: 'days', kind: 'int', label: '培训天数', min: 0 },
    { key: 'hours', kind: 'int', label: '培训学时', min: 0, hint: '须不少于 3 天或 24 学时' },
  ],
  12: [{ key: 'committee_agreed', kind: 'bool', label: '支部委员会审查同意' }],
  13: [
    { key: 'publicity_start', kind: 'date', label: '公示开始', required: true },
    { key: 'publicity_end', kind: 'date', label: '公示结束', required: true },
    { key: 'leaving_unit_within_3_months', kind: 'bool', label: '3 个月内将离开工作单位' },
  ],
  15: MEETING,
  16: [{ key: 'talkers', kind: 'people', label: '上级党委谈话人', wide: true }],
  17: [{ key: 'extension_reason', kind: 'textarea', label: '超过 3 个月审批的原因（如有）' }],
  19: [{ key: 'group_id', kind: 'group', label: '编入党小组' }],
  21: [{ key: 'content', kind: 'textarea', label: '考察内容', required: true }],
  23: MEETING,
  91: [{ key: 'content', kind: 'textarea', label: '回访考察情况', required: true }],
  92: [{ key: 'reported_by', kind: 'text', label: '报告人（向县级党委组织部门事前报告）', required: true }],
  95: [{ key: 'reason', kind: 'textarea', label: '不予发展/淘汰原因', required: true }],
  96: [
    { key: 'months', kind: 'int', label: '延长月数（6–12）', required: true, min: 6, max: 12 },
    { key: 'reason', kind: 'textarea', label: '延长原因', required: true },
  ],
  97: [{ key: 'reason', kind: 'textarea', label: '取消资格原因', required: true }],
};
const PEOPLE_KEYS = new Set(['talkers', 'contacts', 'introducers']);
const OPINIONS = [['group', '党小组'], ['contacts', '培养联系人'], ['members', '党员'], ['masses', '群众']];

function today() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

// recruit: the detail record; next: the entry from recruit.next (or {step} for another step);
// onSaved(record), onReload(), onCancel().
export function stepForm({ recruit, next, onSaved, onReload, onCancel }) {
  const step = Number(next.step);
  const fields = STEP_FIELDS[step] || [];
  const ctrls = {}; // key -> {get(), input}
  const t = today();
  const doneOn = h('input', {
    id: `s-done_on-${step}`, name: 'done_on', type: 'date', testid: 'step-done_on',
    value: next.earliest && next.earliest <= t ? next.earliest : '', max: t,
  });
  const note = h('textarea', { id: `s-note-${step}`, name: 'note', rows: 2, testid: 'step-note' });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'assertive', testid: 'step-msg' });
  const dateHint = [next.earliest ? `最早 ${next.earliest}` : '', next.latest ? `最迟 ${next.latest}` : ''].filter(Boolean).join('，');

  const boxes = fields.map((f) => control(f));
  const form = h('form', { class: 'step-form card', novalidate: true, testid: 'step-form', dataset: { step }, onsubmit: submit },
    h('h3', null, `记录第 ${step} 步：${next.name || stepName(step)}`),
    msg,
    h('div', { class: 'form-grid' },
      fieldBox('done_on', '办理日期', doneOn, { required: true, hint: dateHint || null }),
      boxes,
      fieldBox('note', '说明', note, { wide: true })),
    h('div', { class: 'form-actions' },
      h('button', { class: 'btn btn-primary', type: 'submit', testid: 'step-save' }, '保存'),
      h('button', { class: 'btn', type: 'button', testid: 'step-cancel', onclick: () => onCancel && onCancel() }, '取消')));

  function control(f) {
    const isPeople = f.kind === 'people';
    const name = isPeople && PEOPLE_KEYS.has(f.key) ? `people.${f.key}` : `data.${f.key}`;
    const id = `s-${f.key}-${step}-${++uid}`;
    const tid = `step-${f.key}`;
    let input;
    let box;
    switch (f.kind) {
      case 'people': {
        const mp = memberMultiPicker({ branchId: recruit.org_id, name, testid: tid, max: f.max || 0 });
        ctrls[f.key] = { name, people: PEOPLE_KEYS.has(f.key), get: () => mp.ids, f };
        return fieldBox(name, f.label, mp.input, { required: f.required, wide: true, control: mp.el });
      }
      case 'textarea':
        input = h('textarea', { id, name, rows: 2, testid: tid });
        ctrls[f.key] = { name, get: () => input.value.trim(), f };
        return fieldBox(name, f.label, input, { required: f.required, wide: true, hint: f.hint });
      case 'select':
        input = h('select', { id, name, testid: tid }, h('option', { value: '' }, '请选择'), f.options.map((o) => h('option', { value: o }, o)));
        ctrls[f.key] = { name, get: () => input.value, f };
        break;
      case 'int':
        input = h('input', { id, name, type: 'number', inputmode: 'numeric', min: f.min, max: f.max, step: 1, testid: tid, class: 'narrow-num' });
        ctrls[f.key] = { name, get: () => (input.value === '' ? null : Number(input.value)), f };
        break;
      case 'date':
        input = h('input', { id, name, type: 'date', testid: tid });
        ctrls[f.key] = { name, get: () => input.value, f };
        break;
      case 'bool':
        input = h('input', { id, name, type: 'checkbox', testid: tid, checked: f.key === 'committee_agreed' ? false : undefined });
        ctrls[f.key] = { name, get: () => input.checked, f };
        return fieldBox(name, f.label, input, { bool: true });
      case 'radio': {
        const radios = f.options.map(([v, text]) => h('label', { class: 'check' },
          h('input', { type: 'radio', name, value: v, testid: `${tid}-${v}` }), ` ${text}`));
        box = h('div', { class: 'radio-row', role: 'radiogroup', 'aria-label': f.label }, radios);
        input = box.querySelector('input');
        ctrls[f.key] = { name, get: () => (box.querySelector('input:checked') || {}).value || '', f };
        input.id = id;
        return fieldBox(name, f.label, input, { required: f.required, wide: true, control: box });
      }
      case 'opinions': {
        const rows = OPINIONS.map(([k, text]) => {
          const cb = h('input', { type: 'checkbox', testid: `step-opinion-${k}` });
          const tx = h('input', { type: 'text', placeholder: `${text}意见（如：同意）`, 'aria-label': `${text}意见`, testid: `step-opinion-${k}-text` });
          cb.addEventListener('change', () => { if (cb.checked && !tx.value) tx.value = '同意'; });
          return { k, cb, tx, el: h('div', { class: 'opinion-row' }, h('label', { class: 'check' }, cb, ` 已听取${text}意见`), tx) };
        });
        box = h('div', { class: 'opinions' }, rows.map((r) => r.el));
        input = rows[0].cb;
        input.id = id;
        input.name = name;
        ctrls[f.key] = {
          name,
          get: () => Object.fromEntries(rows.filter((r) => r.cb.checked).map((r) => [r.k, r.tx.value.trim() || '同意'])),
          f,
        };
        return fieldBox(name, f.label, input, { wide: true, control: box });
      }
      case 'group': {
        input = h('select', { id, name, testid: tid }, h('option', { value: '' }, '不编入党小组'));
        api.get(`/api/v1/orgs/${recruit.org_id}/children`).then((r) => {
          const items = (Array.isArray(r) ? r : r.items || []).filter((o) => o.kind === 'group');
          input.append(...items.map((o) => h('option', { value: o.id }, o.name)));
        }).catch(() => {});
        ctrls[f.key] = { name, get: () => (input.value ? Number(input.value) : null), f };
        break;
      }
      default:
        input = h('input', { id, name, testid: tid });
        ctrls[f.key] = { name, get: () => input.value.trim(), f };
    }
    return fieldBox(name, f.label, input, { required: f.required, hint: f.hint });
  }

  async function submit(ev) {
    ev.preventDefault();
    clearFieldErrors(form);
    msg.replaceChildren();
    const errs = [];
    if (!doneOn.value) errs.push(['done_on', '请填写办理日期']);
    const body = { step, version: recruit.version, done_on: doneOn.value };
    const people = {};
    const data = {};
    for (const [key, c] of Object.entries(ctrls)) {
      const v = c.get();
      const empty = v === null || v === '' || (Array.isArray(v) && !v.length);
      if (c.f.required && empty) { errs.push([c.name, `请填写${c.f.label.replace(/（.*$/, '')}`]); continue; }
      if (empty) continue;
      if (c.people) people[key] = v; else data[key] = v;
    }
    if (errs.length) { errs.reverse().forEach(([k, m]) => showFieldError(form, k, m)); return; }
    if (Object.keys(people).length) body.people = people;
    if (Object.keys(data).length) body.data = data;
    if (note.value.trim()) body.note = note.value.trim();
    const btn = form.querySelector('[type=submit]');
    btn.disabled = true;
    try {
      const r = await api.post(`/api/v1/recruits/${recruit.id}/steps`, body);
      onSaved && onSaved(r);
    } catch (e) {
      if (e.status === 409) {
        msg.append(notice(h('span', null, e.message || '该记录已被他人修改',
          h('button', { class: 'btn btn-sm', type: 'button', testid: 'step-reload', onclick: () => onReload && onReload() }, '重新加载')), 'warn', 'step-conflict'));
      } else if (e.status === 422 || e.rule) {
        msg.append(ruleError(e));
        if (e.field && e.field !== 'step') showFieldError(form, e.field, e.message);
        msg.scrollIntoView({ block: 'nearest' });
      } else {
        msg.append(notice(e.message, 'error'));
      }
    } finally {
      btn.disabled = false;
    }
  }
  return form;
}
