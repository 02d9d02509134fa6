// 组织生活 · 冬春轮训: trainings organized by the selected 党委/党总支 for several of its branches (one 集中学习
// meeting per branch, everyone present unless corrected later in that branch's meeting), the year's list and
// the create form; training.* refusals in a rule-error box.
import { api, qs } from './api.js';
import { h, replace, notice, loading, toast } from './dom.js';
import { orgReady } from './layout.js';
import { navigate } from './router.js';
import { isBranchKind } from './branches.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';
import { ruleError } from './recruits.js';
import { lifeTabs, lifeHead } from './life.js';
import { today } from './life_labels.js';

function yearOptions() {
  const y = Number(today().slice(0, 4));
  const out = [];
  for (let i = y; i >= y - 5; i--) out.push(h('option', { value: String(i) }, `${i}年`));
  return out;
}

export async function renderLifeTrainings(view, query) {
  view.append(loading());
  const org = await orgReady();
  view.replaceChildren();
  const year = query.get('year') || today().slice(0, 4);
  const yearSel = h('select', {
    'aria-label': '年度', testid: 'training-year', value: year,
    onchange: (e) => navigate(`#/life/trainings${qs({ year: e.target.value })}`),
  }, yearOptions());
  const msg = h('div', { 'aria-live': 'polite' });
  const wrap = h('div', { class: 'table-wrap', testid: 'training-list' });
  const organizer = org && !isBranchKind(org.kind) && org.kind !== 'group';
  view.append(lifeHead('冬春轮训', org), lifeTabs('trainings'),
    h('div', { class: 'toolbar' }, h('div', { class: 'filters' }, yearSel)), msg, wrap,
    organizer ? await trainingForm(org) : notice('冬春轮训由党委、党总支或组织部门组织：请在左侧选择上级党组织后登记。', 'info', 'training-hint'));

  try {
    const r = await api.get(`/api/v1/trainings${qs({ org: org ? org.id : '', year, per_page: 100 })}`);
    const items = r.items || [];
    if (!items.length) { replace(wrap, h('p', { class: 'empty', testid: 'training-empty' }, `${year}年没有轮训记录`)); return; }
    replace(wrap, h('table', { class: 'grid', testid: 'training-table' },
      h('thead', null, h('tr', null, ['日期', '时间', '主题', '组织单位', '地点', '授课人', '学时', '参训支部']
        .map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, items.map((t) => {
        const more = h('div', { class: 'tr-detail' });
        return h('tr', { testid: 'training-row', dataset: { id: t.id } },
          h('td', null, String(t.held_on || '').slice(0, 10)),
          h('td', null, t.start_time ? `${t.start_time}–${t.end_time || ''}` : ''),
          h('td', { class: 'wrap' }, t.topic, more),
          h('td', null, t.org_name || ''),
          h('td', null, t.place || ''),
          h('td', null, t.lecturer || ''),
          h('td', null, t.hours != null ? String(t.hours) : ''),
          h('td', null, h('button', {
            class: 'btn btn-sm', type: 'button', testid: 'training-branches',
            onclick: async (e) => {
              e.target.disabled = true;
              try {
                const d = await api.get(`/api/v1/trainings/${t.id}`);
                replace(more, h('ul', { class: 'file-list' }, (d.branches || []).map((b) => h('li', null,
                  h('a', { href: `#/life/${b.meeting_id}` }, b.org_name),
                  b.counts ? h('span', { class: 'muted' }, ` 出席 ${b.counts.present} · 请假 ${b.counts.leave} · 缺席 ${b.counts.absent}`) : null))));
              } catch (err) { replace(more, notice(err.message, 'error')); }
            },
          }, `${t.branch_count ?? ''} 个支部`)));
      }))));
    if ((r.total || 0) > items.length) wrap.append(h('p', { class: 'muted' }, `共 ${r.total} 次，只显示最近 ${items.length} 次`));
  } catch (e) {
    msg.append(notice(e.message, 'error', 'list-error'));
  }
}

async function trainingForm(org) {
  let branches = [];
  let loadErr = null;
  try {
    const r = await api.get(`/api/v1/orgs${qs({ org: org.id, kind: 'branches', per_page: 200 })}`);
    branches = (r.items || []).filter((b) => !b.dissolved_on && String(b.id) !== String(org.id));
  } catch (e) { loadErr = e; }
  const inp = (key, attrs = {}) => h('input', { id: `tr-${key}`, name: key, testid: `training-${key}`, autocomplete: 'off', ...attrs });
  const topic = inp('topic', { maxlength: 100 });
  const heldOn = inp('held_on', { type: 'date', max: today(), value: today() });
  const start = inp('start_time', { type: 'time', value: '09:00' });
  const end = inp('end_time', { type: 'time', value: '11:00' });
  const hours = inp('hours', { type: 'number', min: 0.1, max: 24, step: 0.1, inputmode: 'decimal', class: 'narrow-num', value: '2' });
  const place = inp('place', { maxlength: 100 });
  const lecturer = inp('lecturer', { maxlength: 50 });
  const boxes = branches.map((b) => h('label', { testid: 'training-branch' },
    h('input', { type: 'checkbox', value: String(b.id), dataset: { id: b.id } }), b.name));
  const branchList = h('div', { class: 'tr-branches', id: 'tr-branches', role: 'group', 'aria-label': '参训党支部' },
    boxes.length ? boxes : h('span', { class: 'muted' }, loadErr ? loadErr.message : '本组织下没有党支部'));
  const all = h('button', {
    class: 'btn btn-sm', type: 'button', testid: 'training-all-branches',
    onclick: () => { const on = boxes.some((l) => !l.firstChild.checked); boxes.forEach((l) => { l.firstChild.checked = on; }); },
  }, '全选/取消');
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite', testid: 'training-msg' });
  const save = h('button', { class: 'btn btn-primary', type: 'submit', testid: 'training-save' }, '登记轮训');
  const form = h('form', { class: 'card meeting-form', novalidate: true, testid: 'training-form', onsubmit: submit },
    h('h3', null, '登记冬春轮训'),
    h('div', { class: 'form-grid' },
      fieldBox('topic', '主题', topic, { required: true, wide: true }),
      fieldBox('held_on', '日期', heldOn, { required: true }),
      fieldBox('start_time', '开始时间', start, { required: true }),
      fieldBox('end_time', '结束时间', end, { required: true }),
      fieldBox('hours', '学时', hours, { required: true }),
      fieldBox('place', '地点', place),
      fieldBox('lecturer', '授课人', lecturer),
      h('div', { class: 'field wide', testid: 'field-branches' },
        h('label', { for: 'tr-branches' }, '参训党支部', h('span', { class: 'req', 'aria-hidden': 'true' }, ' *'), ' ', all),
        branchList,
        h('div', { class: 'hint' }, '各支部在册党员默认全部出席；个别缺席、请假可在该支部的会议记录中更正。'),
        h('div', { class: 'field-error', 'aria-live': 'polite', dataset: { errorFor: 'branches' }, testid: 'field-error-branches' }))),
    msg,
    h('div', { class: 'form-actions' }, save));

  async function submit(ev) {
    ev.preventDefault();
    clearFieldErrors(form);
    msg.replaceChildren();
    const ids = boxes.filter((l) => l.firstChild.checked).map((l) => Number(l.firstChild.value));
    const errs = [];
    if (!topic.value.trim()) errs.push(['topic', '请填写主题']);
    if (!heldOn.value) errs.push(['held_on', '请填写日期']);
    if (!start.value) errs.push(['start_time', '请填写开始时间']);
    if (!end.value) errs.push(['end_time', '请填写结束时间']);
    if (start.value && end.value && end.value <= start.value) errs.push(['end_time', '结束时间须晚于开始时间']);
    if (hours.value === '') errs.push(['hours', '请填写学时']);
    if (!ids.length) errs.push(['branches', '请至少选择一个党支部']);
    if (errs.length) {
      errs.reverse().forEach(([k, t]) => {
        if (k === 'branches') form.querySelector('[data-error-for="branches"]').textContent = t;
        else showFieldError(form, k, t);
      });
      return;
    }
    const body = {
      org_id: Number(org.id), branches: ids, topic: topic.value.trim(), held_on: heldOn.value,
      start_time: start.value, end_time: end.value, hours: Number(hours.value), attendance: [],
    };
    if (place.value.trim()) body.place = place.value.trim();
    if (lecturer.value.trim()) body.lecturer = lecturer.value.trim();
    save.disabled = true;
    try {
      await api.post('/api/v1/trainings', body);
      toast(`已登记轮训（${ids.length} 个支部）`);
      navigate(`#/life/trainings${qs({ year: body.held_on.slice(0, 4) })}`);
    } catch (e) {
      if (e.rule && (/^training\./.test(e.rule) || !e.field || !showFieldError(form, e.field, e.message))) msg.append(ruleError(e));
      else if (!e.rule && !(e.field && showFieldError(form, e.field, e.message))) msg.append(notice(e.message, 'error'));
    } finally {
      save.disabled = false;
    }
  }
  return form;
}
