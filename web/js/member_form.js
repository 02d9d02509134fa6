// 党员信息 form (the national collection form's fields): create with POST, edit with PATCH + version.
// 所在党支部 is a search picker over the caller's scope; 党小组 lists the chosen branch's groups.
import { api, ApiError } from './api.js';
import { h, notice, replace } from './dom.js';
import { codeOptions, codeList } from './codes.js';
import { orgPicker } from './org_picker.js';
import { searchScopeBranches } from './branches.js';

export const FIELDS = [
  { key: 'name', label: '姓名', type: 'text', group: 0, required: true, max: 50 },
  { key: 'gender', label: '性别', type: 'code', table: 'gender', group: 0, required: true },
  { key: 'id_number', label: '公民身份号码', type: 'text', group: 0, required: true, masked: true, max: 18 },
  { key: 'ethnicity', label: '民族', type: 'code', table: 'ethnicity', group: 0, required: true },
  { key: 'birth_date', label: '出生日期', type: 'date', group: 0, required: true },
  { key: 'education', label: '学历', type: 'code', table: 'education', group: 0 },
  { key: 'category', label: '人员类别', type: 'code', table: 'category', group: 1, required: true },
  { key: 'org_id', label: '所在党支部', type: 'org', group: 1, required: true },
  { key: 'group_id', label: '党小组', type: 'group', group: 1 },
  { key: 'join_date', label: '入党日期', type: 'date', group: 1, required: true },
  { key: 'full_date', label: '转为正式党员日期', type: 'date', group: 1 },
  { key: 'party_status', label: '党籍状态', type: 'code', table: 'party_status', group: 1 },
  { key: 'lost_contact', label: '失联党员', type: 'bool', group: 1 },
  { key: 'lost_since', label: '失联日期', type: 'date', group: 1, onlyIf: 'lost_contact' },
  { key: 'floating', label: '流动党员', type: 'bool', group: 1 },
  { key: 'job', label: '工作岗位', type: 'code', table: 'job', group: 2 },
  { key: 'person_type', label: '人员身份', type: 'code', table: 'person_type', group: 2 },
  { key: 'work_unit', label: '工作单位', type: 'text', group: 2, max: 60 },
  { key: 'phone', label: '联系电话', type: 'tel', group: 2, masked: true, max: 20 },
  { key: 'address', label: '家庭住址', type: 'text', group: 2, wide: true, max: 80 },
  { key: 'grid', label: '网格', type: 'text', group: 2, max: 30 },
];
const GROUPS = ['基本信息', '党籍信息', '工作与联系方式'];

// Shows a server error next to its field; returns false if the field is not on this form.
export function showFieldError(form, field, message, labelText) {
  const box = form.querySelector(`[data-error-for="${field}"]`);
  if (!box) return false;
  const input = form.querySelector(`[name="${field}"]`);
  box.textContent = labelText && !message.includes(labelText) ? `${labelText}：${message}` : message;
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    input.closest('.field')?.classList.add('has-error');
    input.focus();
  }
  return true;
}

export function clearFieldErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const el of form.querySelectorAll('.has-error')) el.classList.remove('has-error');
}

// opts.control: the element to place instead of `input` when the input sits inside a widget (a picker).
export function fieldBox(key, labelText, input, opts = {}) {
  const errId = `err-${key}`;
  const more = input.getAttribute('aria-describedby');
  input.setAttribute('aria-describedby', more && !more.split(' ').includes(errId) ? `${errId} ${more}` : errId);
  return h('div', { class: `field${opts.wide ? ' wide' : ''}${opts.bool ? ' field-bool' : ''}`, testid: `field-${key}` },
    opts.bool ? h('label', { class: 'check' }, input, ` ${labelText}`)
      : [h('label', { for: input.id }, labelText, opts.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
        opts.control || input],
    opts.hint ? h('div', { class: 'hint' }, opts.hint) : null,
    h('div', { class: 'field-error', id: errId, 'aria-live': 'polite', dataset: { errorFor: key }, testid: `field-error-${key}` }));
}

function genderFromId(id) {
  const d = Number(id[16]);
  const male = codeList('gender').find((c) => c.name === '男');
  const female = codeList('gender').find((c) => c.name === '女');
  return d % 2 ? (male ? male.code : '1') : (female ? female.code : '2');
}

// member: existing record (edit) or null (new). defaults: initial values for a new record
// (org_id with org_name preselects the branch).
export function memberForm({ member, defaults = {}, onSaved, onReload }) {
  const isNew = !member;
  const orig = member || {};
  const inputs = {};
  let branchPicker = null;
  const groups = { seq: 0, branchId: null }; // branchId: the branch whose 党小组 the select lists

  function makeInput(f) {
    const id = `f-${f.key}`;
    const v = isNew ? (defaults[f.key] ?? '') : (orig[f.key] ?? '');
    const common = { id, name: f.key, testid: `input-${f.key}` };
    switch (f.type) {
      case 'code':
        return h('select', { ...common, value: v }, codeOptions(f.table, v));
      case 'org':
        branchPicker = orgPicker({
          ...common, noun: '党支部', minChars: 0, search: searchScopeBranches,
          placeholder: '输入支部名称查找',
          value: v ? { id: v, name: (isNew ? defaults.org_name : orig.org_name) || `组织 ${v}` } : null,
          describe: (o) => ({
            label: o.name, main: o.name, sub: o.kind === 'joint_branch' ? '（联合党支部）' : '', note: o.code || '',
          }),
          onChange: (o) => loadGroups(o ? o.id : null, null),
        });
        return branchPicker.input;
      case 'group':
        return h('select', { ...common, disabled: true }, h('option', { value: '' }, '不分配党小组'));
      case 'bool':
        return h('input', { ...common, type: 'checkbox', checked: !!v });
      case 'date':
        return h('input', { ...common, type: 'date', value: String(v).slice(0, 10) });
      case 'tel':
        return h('input', { ...common, type: 'tel', inputmode: 'tel', value: v, maxlength: f.max, autocomplete: 'off' });
      default:
        return h('input', { ...common, type: 'text', value: v, maxlength: f.max, autocomplete: 'off',
          ...(f.key === 'id_number' ? { spellcheck: 'false', inputmode: 'text', class: 'mono' } : {}) });
    }
  }

  for (const f of FIELDS) inputs[f.key] = makeInput(f);

  // 党小组 of the chosen branch, from GET /orgs/{branch}/children.
  async function loadGroups(branchId, keep) {
    const sel = inputs.group_id;
    const my = ++groups.seq;
    groups.branchId = null;
    sel.disabled = true;
    replace(sel, h('option', { value: '' }, branchId ? '正在加载党小组……' : '请先选择党支部'));
    if (!branchId) return;
    try {
      const r = await api.get(`/api/v1/orgs/${branchId}/children`);
      if (my !== groups.seq) return;
      const list = (Array.isArray(r) ? r : (r.items || [])).filter((o) => o.kind === 'group');
      replace(sel, h('option', { value: '' }, list.length ? '不分配党小组' : '不分配党小组（本支部未设党小组）'),
        list.map((g) => h('option', { value: g.id }, g.name)));
      sel.value = keep && list.some((g) => String(g.id) === String(keep)) ? String(keep) : '';
      sel.disabled = !list.length;
      groups.branchId = branchId;
    } catch (e) {
      if (my !== groups.seq) return;
      replace(sel, h('option', { value: '' }, `党小组加载失败：${e.message}`));
    }
  }

  // 出生日期 and 性别 follow the ID number (GB 11643: digits 7-14 birth date, 17th odd = male).
  inputs.id_number.addEventListener('input', () => {
    const id = inputs.id_number.value.trim();
    if (!/^\d{17}[\dXx]$/.test(id)) return;
    const b = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
    if (!Number.isNaN(Date.parse(b))) inputs.birth_date.value = b;
    inputs.gender.value = genderFromId(id);
  });

  // 失联日期 only matters (and is required) for a member marked 失联.
  const syncLost = () => {
    const box = inputs.lost_since.closest('.field');
    if (box) box.hidden = !inputs.lost_contact.checked;
  };
  inputs.lost_contact.addEventListener('change', syncLost);

  const formMsg = h('div', { class: 'form-msg', 'aria-live': 'polite', testid: 'form-message' });
  const saveBtn = h('button', { class: 'btn btn-primary', type: 'submit', testid: 'member-save' }, isNew ? '保存' : '保存修改');
  const form = h('form', { class: 'member-form', novalidate: true, testid: 'member-form', onsubmit: submit },
    GROUPS.map((g, i) => h('fieldset', null, h('legend', null, g),
      h('div', { class: 'form-grid' }, FIELDS.filter((f) => f.group === i).map((f) => fieldBox(f.key, f.label, inputs[f.key], {
        required: f.required, wide: f.wide, bool: f.type === 'bool', control: f.type === 'org' ? branchPicker.el : null,
        hint: f.masked && !isNew ? '已脱敏显示；如需更正请直接输入新值' : null,
      }))))),
    formMsg,
    h('div', { class: 'form-actions' }, saveBtn, h('a', { class: 'btn', href: '#/members' }, '返回名册')));

  function value(f) {
    const el = inputs[f.key];
    if (f.type === 'bool') return el.checked;
    if (f.type === 'org') return branchPicker.value ? Number(branchPicker.value.id) : null;
    const v = el.value.trim();
    if (f.type === 'group') return v ? Number(v) : null;
    if (f.key === 'id_number') return v.toUpperCase();
    return v;
  }

  function body() {
    const out = {};
    for (const f of FIELDS) {
      if (f.onlyIf && !inputs[f.onlyIf].checked) continue;
      // 党小组 only once the select lists the chosen branch's groups (else the server keeps or clears it).
      if (f.type === 'group' && (!groups.branchId || !branchPicker.value
        || String(groups.branchId) !== String(branchPicker.value.id))) continue;
      const v = value(f);
      if (isNew) {
        if (f.type === 'bool' || (v !== '' && v !== null)) out[f.key] = v;
        continue;
      }
      const was = orig[f.key];
      if (f.type === 'bool' ? !!was === v : String(was ?? '') === String(v ?? '')) continue;
      if (f.masked && v === '') continue; // masked values are never cleared by accident
      out[f.key] = v === '' && f.type === 'date' ? null : v;
    }
    // A 党小组 belongs to one branch: moving to another branch leaves the group.
    if (!isNew && 'org_id' in out && orig.group_id && !('group_id' in out)) out.group_id = null;
    return out;
  }

  async function submit(ev) {
    ev.preventDefault();
    clearFieldErrors(form);
    formMsg.replaceChildren();
    if (!branchPicker.value) {
      showFieldError(form, 'org_id', inputs.org_id.value.trim() ? '请从查找结果中选择所在党支部' : '请选择所在党支部', '所在党支部');
      formMsg.append(notice('请根据提示修改标红的项目后再保存', 'error', 'form-error'));
      return;
    }
    const b = body();
    if (!isNew && !Object.keys(b).length) {
      formMsg.append(notice('没有需要保存的修改', 'info'));
      return;
    }
    if (!isNew) b.version = orig.version;
    saveBtn.disabled = true;
    try {
      const saved = isNew ? await api.post('/api/v1/members', b) : await api.patch(`/api/v1/members/${orig.id}`, b);
      onSaved(saved);
    } catch (e) {
      showError(e);
    } finally {
      saveBtn.disabled = false;
    }
  }

  function showError(e) {
    if (!(e instanceof ApiError)) { formMsg.append(notice(String(e.message || e), 'error')); return; }
    if (e.status === 409 && !isNew && e.field !== 'id_number') {
      formMsg.append(h('div', { class: 'notice notice-error', role: 'alert', testid: 'conflict' },
        '该党员信息已被他人修改，您的修改未保存。',
        h('button', { class: 'btn', type: 'button', testid: 'conflict-reload', onclick: onReload }, '重新加载最新信息')));
      return;
    }
    const f = FIELDS.find((x) => x.key === e.field);
    if (e.field && showFieldError(form, e.field, e.message, f ? f.label : '')) {
      formMsg.append(notice('请根据提示修改标红的项目后再保存', 'error', 'form-error'));
      return;
    }
    formMsg.append(notice(e.message, 'error', 'form-error'));
  }

  syncLost();
  loadGroups(branchPicker.value ? branchPicker.value.id : null, isNew ? defaults.group_id : orig.group_id);
  return form;
}
