// 发展党员 · one person (#/recruits/ID): facts, the timeline of recorded steps with their attachments,
// what may be recorded next (记录 opens the step form), 百分制 scores, attachments and 导出档案.
import { api, qs } from './api.js';
import { h, replace, notice, loading, toast, fmtDate, fmtTime } from './dom.js';
import { loadCodes, codeName } from './codes.js';
import { rerender } from './router.js';
import {
  STEP_CODES, RECRUIT_STATUS, LEVEL, BLOCKED_BY, SCORE_BAND, REMINDER_KIND, URGENT_KINDS, SPECIAL_KINDS, LADDER_RESULT,
  stepName, label,
} from './recruit_labels.js';
import { stepForm } from './recruit_step_form.js';
import { ruleError } from './recruits.js';

const memberNames = new Map(); // member id -> name (people of the steps)

async function namesOf(ids) {
  const todo = [...new Set(ids.map(String))].filter((id) => !memberNames.has(id));
  await Promise.all(todo.map(async (id) => {
    try { const m = await api.get(`/api/v1/members/${id}`); memberNames.set(id, m.name); } catch { memberNames.set(id, `党员 ${id}`); }
  }));
}
const nameOf = (id) => memberNames.get(String(id)) || `党员 ${id}`;

function fmtSize(n) {
  if (n >= 1048576) return `${(n / 1048576).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} B`;
}

export async function renderRecruitDetail(view, id) {
  view.append(loading());
  const [r, att] = await Promise.all([
    api.get(`/api/v1/recruits/${id}`),
    api.get(`/api/v1/recruits/${id}/attachments`).catch(() => ({ items: [] })),
    loadCodes(),
  ]);
  const ids = [];
  for (const s of r.steps || []) {
    // people_names carries the names with the ids: no look-up for those
    for (const v of Object.values(s.people_names || {})) {
      if (Array.isArray(v)) for (const p of v) if (p && p.name) memberNames.set(String(p.id), p.name);
    }
    for (const v of Object.values(s.people || {})) if (Array.isArray(v)) ids.push(...v);
    if (s.data && Array.isArray(s.data.excused)) ids.push(...s.data.excused);
  }
  await namesOf(ids);
  let reminders = [];
  try {
    const rem = await api.get(`/api/v1/recruits/reminders${qs({ org: r.org_id })}`);
    reminders = (Array.isArray(rem) ? rem : rem.items || []).filter((x) => String(x.recruit_id) === String(r.id));
  } catch { /* reminders are a courtesy here */ }
  view.replaceChildren();
  const files = att.items || [];
  const formBox = h('div', { class: 'step-form-box', testid: 'step-form-box' });

  view.append(
    h('div', { class: 'page-head' },
      h('h2', { testid: 'recruit-title' }, r.name, ' ',
        h('span', { class: `badge stage-${r.stage}`, testid: 'recruit-stage' }, r.stage_name || ''),
        r.status !== 'active' ? h('span', { class: `badge rstatus-${r.status}` }, label(RECRUIT_STATUS, r.status)) : null),
      h('div', { class: 'actions' },
        h('a', { class: 'btn', href: `/api/v1/recruits/${r.id}/archive`, download: `${r.name}-发展党员档案.zip`, testid: 'recruit-archive' }, '导出档案'),
        h('a', { class: 'btn', href: '#/recruits' }, '返回看板'))),
    reminders.length ? h('div', { class: 'notice notice-warn', testid: 'recruit-reminders' },
      h('ul', null, reminders.map((x) => h('li', null,
        h('span', { class: `badge ${URGENT_KINDS.has(x.kind) ? 'badge-urgent' : 'badge-warn'}` }, label(REMINDER_KIND, x.kind)),
        ` ${x.message}（${fmtDate(x.due)}）`)))) : null,
    facts(r),
    nextCard(r, formBox),
    formBox,
    timeline(r, files),
    ladderCard(r),
    r.status === 'active' && r.stage >= 2 && r.stage <= 3 ? scoreCard(r) : null,
    attachmentsCard(r, files));
}

function facts(r) {
  const rows = [
    ['所在党支部', r.org_name],
    ['性别', codeName('gender', r.gender)],
    ['公民身份号码', h('span', { class: 'mono', testid: 'recruit-idnum' }, r.id_number || '')],
    ['出生日期', r.birth_date ? `${r.birth_date}（${r.age ?? ''} 岁）` : ''],
    ['民族', codeName('ethnicity', r.ethnicity)],
    ['学历', codeName('education', r.education)],
    ['工作单位', r.work_unit],
    ['联系电话', r.phone],
    ['特殊对象', r.special ? (r.special_name || label(SPECIAL_KINDS, r.special)) : ''],
    ['事前报告', priorReport(r)],
    ['所处阶段', r.stage_name],
    ['状态', label(RECRUIT_STATUS, r.status)],
    ['递交申请', r.applied_on],
    ['谈话', r.talked_on],
    ['确定积极分子', r.activist_on],
    ['确定发展对象', r.target_on],
    ['支部大会', r.branch_meeting_on],
    ['上级审批', r.approved_on],
    ['预备期满', r.probation_end ? `${r.probation_end}${r.extended_months ? `（已延长 ${r.extended_months} 个月）` : ''}` : ''],
    ['转正日期', r.full_on],
    ['党员名册', r.member_id ? h('a', { href: `#/members/${r.member_id}` }, '查看党员信息') : ''],
  ].filter(([, v]) => v !== null && v !== undefined && v !== '');
  return h('div', { class: 'card' },
    h('dl', { class: 'info-grid facts-grid', testid: 'recruit-facts' }, rows.map(([k, v]) => [h('dt', null, k), h('dd', null, v)])));
}

function nextCard(r, formBox) {
  const next = r.next || [];
  const open = (n, btn) => {
    const f = stepForm({
      recruit: r, next: n,
      onSaved: (nr) => { toast(`已记录：${stepName(n.step)}`); rerender(); return nr; },
      onReload: () => rerender(),
      onCancel: () => { formBox.replaceChildren(); },
    });
    replace(formBox, f);
    f.scrollIntoView({ block: 'start', behavior: 'instant' });
    const first = f.querySelector('input:not([type=hidden]), textarea, select');
    if (first) first.focus();
    if (btn) btn.blur();
  };
  const other = h('select', { 'aria-label': '其他步骤', testid: 'step-other' },
    h('option', { value: '' }, '其他步骤……'),
    STEP_CODES.filter((s) => s !== 1).map((s) => h('option', { value: s }, `${s}. ${stepName(s)}`)));
  return h('div', { class: 'card', testid: 'recruit-next' },
    h('h3', null, '下一步'),
    r.status !== 'active' ? h('p', { class: 'muted' }, `发展工作已结束（${label(RECRUIT_STATUS, r.status)}）。`)
      : next.length ? h('ul', { class: 'next-list' }, next.map((n) => h('li', { class: 'next-item', testid: 'next-step', dataset: { step: n.step } },
        h('div', { class: 'next-main' },
          h('strong', null, `${n.step}. ${n.name || stepName(n.step)}`),
          h('span', { class: 'muted' }, [n.earliest ? ` 最早 ${n.earliest}` : '', n.latest ? `，最迟 ${n.latest}` : ''].join('')),
          n.blocked_by ? h('div', { class: 'next-blocked', testid: 'next-blocked' },
            label(BLOCKED_BY, n.blocked_by), ' ', h('small', { class: 'rule-id mono' }, n.blocked_by)) : null),
        h('button', {
          class: `btn btn-sm${n.blocked_by ? '' : ' btn-primary'}`, type: 'button', testid: `record-step-${n.step}`,
          onclick: (e) => open(n, e.target),
        }, '记录'))))
        : h('p', { class: 'muted' }, '当前没有可记录的步骤。'),
    r.status === 'active' ? h('div', { class: 'other-step' }, other,
      h('button', {
        class: 'btn btn-sm', type: 'button', testid: 'record-other',
        onclick: (e) => { if (other.value) open({ step: Number(other.value), name: stepName(Number(other.value)) }, e.target); },
      }, '记录')) : null);
}

const DATA_LABELS = {
  method: '推荐方式', content: '内容', committee_agreed: '支部委员会同意', result: '政审结论', days: '培训天数',
  hours: '培训学时', publicity_start: '公示开始', publicity_end: '公示结束', publicity_workdays: '公示工作日',
  leaving_unit_within_3_months: '3 个月内离开单位', present_voting: '实到会有表决权', in_favour: '赞成',
  against: '反对', abstain: '弃权', expected_voting: '应到会有表决权', voting_members: '有表决权党员',
  extension_reason: '延期原因', group_id: '党小组', reason: '原因', months: '延长月数', late: '超期谈话',
  reported_by: '报告人', reported_to: '报告至',
};
const HIDDEN_DATA = new Set(['rules', 'reported_to_id']);
const PEOPLE_LABELS = { talkers: '谈话人', contacts: '培养联系人', introducers: '入党介绍人' };
const OPINION_LABELS = { group: '党小组', contacts: '培养联系人', members: '党员', masses: '群众' };

function dataSummary(s) {
  const out = [];
  for (const [k, v] of Object.entries(s.people || {})) {
    if (Array.isArray(v) && v.length) out.push(`${PEOPLE_LABELS[k] || k}：${v.map(nameOf).join('、')}`);
  }
  const d = s.data || {};
  for (const [k, v] of Object.entries(d)) {
    if (HIDDEN_DATA.has(k) || v === null || v === undefined) continue;
    if (k === 'opinions' && typeof v === 'object') {
      out.push(`意见：${Object.entries(v).map(([a, b]) => `${OPINION_LABELS[a] || a}“${b}”`).join('；')}`);
    } else if (k === 'excused' && Array.isArray(v)) {
      if (v.length) out.push(`请假：${v.map(nameOf).join('、')}`);
    } else if (k === 'result') {
      out.push(`政审结论：${v === 'passed' ? '合格' : v === 'failed' ? '不合格' : v}`);
    } else if (typeof v === 'boolean') {
      out.push(`${DATA_LABELS[k] || k}：${v ? '是' : '否'}`);
    } else if (typeof v !== 'object') {
      out.push(`${DATA_LABELS[k] || k}：${v}`);
    }
  }
  return out;
}

function timeline(r, files) {
  const steps = r.steps || [];
  const byStep = new Map();
  for (const f of files) {
    if (!byStep.has(f.step)) byStep.set(f.step, []);
    byStep.get(f.step).push(f);
  }
  return h('div', { class: 'card' },
    h('h3', null, '发展过程'),
    steps.length ? h('ol', { class: 'timeline', testid: 'recruit-timeline' }, steps.map((s) => {
      const sum = dataSummary(s);
      const fs = byStep.get(s.step) || [];
      return h('li', { class: 'tl-item', testid: 'timeline-step', dataset: { step: s.step } },
        h('div', { class: 'tl-date' }, fmtDate(s.done_on)),
        h('div', { class: 'tl-body' },
          h('div', { class: 'tl-name' }, h('strong', null, `${s.step}. ${s.name || stepName(s.step)}`),
            s.data && s.data.late ? h('span', { class: 'badge badge-warn' }, '超期') : null),
          h('div', { class: 'tl-meta' },
            h('span', null, `责任组织：${s.org_name || ''}`),
            h('span', null, `层级：${label(LEVEL, s.level)}`),
            h('span', null, `签署人：${s.signer || ''}`),
            s.at ? h('span', { class: 'muted' }, fmtTime(s.at)) : null),
          sum.length ? h('div', { class: 'tl-data' }, sum.join('；')) : null,
          s.note ? h('div', { class: 'tl-note' }, `说明：${s.note}`) : null,
          fs.length ? h('ul', { class: 'tl-files' }, fs.map(fileLink)) : null));
    })) : h('p', { class: 'empty' }, '尚无记录'));
}

function fileLink(f) {
  return h('li', { testid: 'attachment' },
    h('a', { href: `/api/v1/attachments/${f.id}`, download: f.filename, testid: 'attachment-link' }, f.filename),
    h('span', { class: 'muted' }, ` ${fmtSize(f.size || 0)}`));
}

function attachmentsCard(r, files) {
  const recorded = [...new Set((r.steps || []).map((s) => s.step))];
  const stepSel = h('select', { id: 'att-step', name: 'step', testid: 'attachment-step' },
    recorded.map((s) => h('option', { value: s }, `${s}. ${stepName(s)}`)));
  if (recorded.length) stepSel.value = String(recorded[recorded.length - 1]);
  const file = h('input', { id: 'att-file', type: 'file', accept: '.pdf,.jpg,.jpeg,.png,.mp4,application/pdf,image/jpeg,image/png,video/mp4', testid: 'attachment-file' });
  const msg = h('div', { 'aria-live': 'polite', testid: 'attachment-msg' });
  const form = h('form', {
    class: 'upload-form', novalidate: true,
    onsubmit: async (ev) => {
      ev.preventDefault();
      msg.replaceChildren();
      const f = file.files && file.files[0];
      if (!f) { msg.append(notice('请选择要上传的文件（PDF、JPEG、PNG 或 MP4）', 'error')); return; }
      const btn = form.querySelector('[type=submit]');
      btn.disabled = true;
      btn.textContent = '正在上传……';
      try {
        await api.upload(`/api/v1/recruits/${r.id}/attachments${qs({ step: stepSel.value, filename: f.name })}`, f,
          { contentType: f.type || 'application/octet-stream' });
        toast(`已上传 ${f.name}`);
        rerender();
      } catch (e) {
        msg.append(e.rule ? ruleError(e) : notice(e.message, 'error'));
      } finally {
        btn.disabled = false;
        btn.textContent = '上传';
      }
    },
  },
  h('div', { class: 'field' }, h('label', { for: 'att-step' }, '所属步骤'), stepSel),
  h('div', { class: 'field' }, h('label', { for: 'att-file' }, '文件'), file),
  h('button', { class: 'btn btn-primary', type: 'submit', testid: 'attachment-upload' }, '上传'));
  return h('div', { class: 'card', testid: 'recruit-attachments' },
    h('h3', null, '档案材料'),
    files.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'grid' },
      h('thead', null, h('tr', null, ['步骤', '文件', '类型', '大小', '上传时间'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, files.map((f) => h('tr', { testid: 'attachment-row' },
        h('td', null, `${f.step}. ${stepName(f.step)}`),
        h('td', { class: 'wrap' }, h('a', { href: `/api/v1/attachments/${f.id}`, download: f.filename }, f.filename)),
        h('td', null, f.mime || ''), h('td', null, fmtSize(f.size || 0)), h('td', null, fmtTime(f.created_at)))))))
      : h('p', { class: 'muted' }, '尚未上传材料。'),
    form,
    msg,
    h('p', { class: 'hint' }, '支持 PDF、JPEG、PNG、MP4；“导出档案”下载全部材料和发展过程（ZIP）。'));
}

function scoreCard(r) {
  const today = new Date().toISOString().slice(0, 10);
  const rater = h('input', { id: 'sc-rater', name: 'rater', maxlength: 40, testid: 'score-rater' });
  const score = h('input', { id: 'sc-score', name: 'score', type: 'number', min: 0, max: 100, step: 1, inputmode: 'numeric', testid: 'score-value' });
  const on = h('input', { id: 'sc-on', name: 'scored_on', type: 'date', value: today, max: today, testid: 'score-date' });
  const out = h('div', { 'aria-live': 'polite', testid: 'score-result' });
  const form = h('form', {
    class: 'score-form', novalidate: true,
    onsubmit: async (ev) => {
      ev.preventDefault();
      out.replaceChildren();
      if (!rater.value.trim() || score.value === '' || !on.value) { out.append(notice('请填写评分人、分数和日期', 'error')); return; }
      try {
        const x = await api.post(`/api/v1/recruits/${r.id}/scores`, { rater: rater.value.trim(), score: Number(score.value), scored_on: on.value });
        out.append(notice(`${x.year} 年度平均 ${Number(x.average).toFixed(1)} 分（${x.count} 人评分）：${label(SCORE_BAND, x.band)}`, x.band === 'eliminate' ? 'warn' : 'ok', 'score-average'));
        rater.value = '';
        score.value = '';
      } catch (e) {
        out.append(e.rule ? ruleError(e) : notice(e.message, 'error'));
      }
    },
  },
  h('div', { class: 'field' }, h('label', { for: 'sc-rater' }, '评分人'), rater),
  h('div', { class: 'field' }, h('label', { for: 'sc-score' }, '分数（0–100）'), score),
  h('div', { class: 'field' }, h('label', { for: 'sc-on' }, '日期'), on),
  h('button', { class: 'btn btn-primary', type: 'submit', testid: 'score-save' }, '添加评分'));
  return h('div', { class: 'card', testid: 'recruit-scores' }, h('h3', null, '百分制量化考评'), form, out);
}

// 事前报告 (step 92) of a special person: when, by whom, to which 组织部门; '' for others.
function priorReport(r) {
  if (!r.special) return '';
  const s = (r.steps || []).filter((x) => x.step === 92).pop();
  if (!s) return h('span', { class: 'badge badge-warn', testid: 'prior-report' }, '尚未事前报告（确定发展对象前须报告）');
  const d = s.data || {};
  return h('span', { testid: 'prior-report' }, `${s.done_on} 由${d.reported_by || s.signer || ''}报告${d.reported_to ? `至${d.reported_to}` : ''}（登记人：${s.signer || ''}）`);
}

// 七阶梯: the configured stages and each year's results; a small form records one result.
function ladderCard(r) {
  const lad = r.ladder || { stages: [], results: [] };
  const stages = lad.stages || [];
  const results = lad.results || [];
  if (!stages.length && !results.length) return null;
  const years = [...new Set(results.map((x) => x.year))].sort();
  const table = years.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'grid', testid: 'ladder-table' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, '年度'),
      [...new Set([...stages, ...results.map((x) => x.stage)])].map((st) => h('th', { scope: 'col' }, st)))),
    h('tbody', null, years.map((y) => h('tr', { testid: 'ladder-year', dataset: { year: y } }, h('td', null, String(y)),
      [...new Set([...stages, ...results.map((x) => x.stage)])].map((st) => {
        const x = results.find((e) => e.year === y && e.stage === st);
        return h('td', { class: x ? `ladder-${x.result}` : 'muted', title: x ? `${x.done_on} ${x.signer || ''}${x.note ? `：${x.note}` : ''}` : '' },
          x ? `${label(LADDER_RESULT, x.result)}（${x.done_on}）` : '—');
      }))))))
    : h('p', { class: 'muted' }, '尚无阶梯考核结果。');
  const canAdd = r.status === 'active' && r.last_step >= 3 && r.last_step <= 6 && stages.length;
  let form = null;
  const out = h('div', { 'aria-live': 'polite', testid: 'ladder-msg' });
  if (canAdd) {
    const today = new Date().toISOString().slice(0, 10);
    const stage = h('select', { id: 'ld-stage', name: 'stage', testid: 'ladder-stage' }, stages.map((st) => h('option', { value: st }, st)));
    const result = h('select', { id: 'ld-result', name: 'result', testid: 'ladder-result' },
      h('option', { value: 'passed' }, '通过'), h('option', { value: 'failed' }, '未通过'));
    const on = h('input', { id: 'ld-on', name: 'done_on', type: 'date', value: today, max: today, testid: 'ladder-date' });
    const note = h('input', { id: 'ld-note', name: 'note', maxlength: 200, testid: 'ladder-note' });
    form = h('form', {
      class: 'score-form', novalidate: true,
      onsubmit: async (ev) => {
        ev.preventDefault();
        out.replaceChildren();
        if (!on.value) { out.append(notice('请填写考核日期', 'error')); return; }
        try {
          const body = { year: Number(on.value.slice(0, 4)), stage: stage.value, result: result.value, done_on: on.value };
          if (note.value.trim()) body.note = note.value.trim();
          await api.post(`/api/v1/recruits/${r.id}/ladder`, body);
          toast(`已登记：${stage.value}`);
          rerender();
        } catch (e) {
          out.append(e.rule ? ruleError(e) : notice(e.message, 'error'));
        }
      },
    },
    h('div', { class: 'field' }, h('label', { for: 'ld-stage' }, '环节'), stage),
    h('div', { class: 'field' }, h('label', { for: 'ld-result' }, '结果'), result),
    h('div', { class: 'field' }, h('label', { for: 'ld-on' }, '日期'), on),
    h('div', { class: 'field' }, h('label', { for: 'ld-note' }, '备注'), note),
    h('button', { class: 'btn btn-primary', type: 'submit', testid: 'ladder-save' }, '登记结果'));
  }
  return h('div', { class: 'card', testid: 'recruit-ladder' },
    h('h3', null, '阶梯考核（七阶梯）'),
    stages.length ? h('p', { class: 'hint' }, `环节：${stages.join(' → ')}。某一环节未通过，当年不能确定为发展对象。`) : null,
    table, form, out);
}
