// 组织生活: 民主评议党员 (one round per 党支部 and year: roster, votes, categories, close, follow-ups)
// and the 主题党日年度计划 editor (12 months × topic).
import { api, qs } from './api.js';
import { h, replace, notice, loading, toast } from './dom.js';
import { orgReady } from './layout.js';
import { navigate, rerender } from './router.js';
import { isBranchKind } from './branches.js';
import { ruleError } from './recruits.js';
import { lifeTabs, lifeHead } from './life.js';
import { today } from './life_labels.js';

export const CATEGORIES = [
  { key: 'excellent', name: '优秀', short: '优' },
  { key: 'qualified', name: '合格', short: '合' },
  { key: 'basic', name: '基本合格', short: '基' },
  { key: 'unqualified', name: '不合格', short: '不' },
];
const CAT_NAME = Object.fromEntries(CATEGORIES.map((c) => [c.key, c.name]));
const FOLLOWUP_STATUS = { correcting: '限期改正', corrected: '已改正', persuaded: '已劝退', removed: '已除名' };
const OUTCOMES = [
  { key: 'corrected', name: '改正' }, { key: 'persuaded', name: '劝退' }, { key: 'removed', name: '除名' },
];

function years(extra) {
  const y = Number(today().slice(0, 4));
  const out = [];
  for (let i = y + extra; i >= y - 5; i--) out.push(h('option', { value: String(i) }, `${i}年`));
  return out;
}

// The branch to work on: ?org= first, then the tree's selection if it is a branch, else a picker of the
// branches under the selection (the first one by default). Returns {branch, picker}.
async function chooseBranch(query, base) {
  const sel = await orgReady();
  const year = query.get('year') || '';
  const want = query.get('org') || (sel && isBranchKind(sel.kind) ? String(sel.id) : '');
  let branches = [];
  try {
    const r = await api.get(`/api/v1/orgs${qs({ org: sel ? sel.id : '', kind: 'branches', per_page: 200 })}`);
    branches = r.items || [];
  } catch { /* the picker stays empty */ }
  let branch = branches.find((b) => String(b.id) === want) || null;
  if (!branch && want) {
    try { branch = await api.get(`/api/v1/orgs/${want}`); } catch { branch = null; }
    if (branch && !branches.some((b) => b.id === branch.id)) branches.unshift(branch);
  }
  if (!branch) branch = branches[0] || null;
  const picker = branches.length > 1 ? h('select', {
    'aria-label': '党支部', testid: 'branch-select', class: 'branch-select', value: branch ? String(branch.id) : '',
    onchange: (e) => navigate(`${base}${qs({ org: e.target.value, year })}`),
  }, branches.map((b) => h('option', { value: String(b.id) }, b.name))) : null;
  return { branch, picker, sel };
}

function yearSelect(base, branch, year, extra) {
  return h('select', {
    'aria-label': '年度', testid: 'year-select', value: String(year),
    onchange: (e) => navigate(`${base}${qs({ org: branch ? branch.id : '', year: e.target.value })}`),
  }, years(extra));
}

function errBox(e, onReload) {
  if (e.status === 409 && (!e.rule || e.rule === 'store.stale') && onReload) {
    return h('div', { class: 'notice notice-error', role: 'alert', testid: 'conflict' },
      e.message || '数据已被他人修改',
      h('button', { class: 'btn', type: 'button', testid: 'conflict-reload', onclick: onReload }, '重新加载'));
  }
  return e.rule ? ruleError(e) : notice(e.message, 'error', 'appraisal-error');
}

const voteText = (v) => CATEGORIES.map((c) => `${c.short} ${(v && v[c.key]) || 0}`).join(' · ');

// 民主评议
export async function renderLifeAppraisal(view, query) {
  view.append(loading());
  const base = '#/life/appraisal';
  const { branch, picker } = await chooseBranch(query, base);
  const year = Number(query.get('year')) || Number(today().slice(0, 4));
  view.replaceChildren();
  view.append(lifeHead('民主评议党员', branch), lifeTabs('appraisal'),
    h('div', { class: 'toolbar' }, h('div', { class: 'filters' }, picker, yearSelect(base, branch, year, 0))));
  const msg = h('div', { 'aria-live': 'polite', testid: 'appraisal-msg' });
  const box = h('div', { testid: 'appraisal-box' }, loading());
  const fu = h('div', { class: 'card', testid: 'followups' });
  view.append(msg, box, fu);
  if (!branch) { replace(box, notice('所选组织下没有党支部，请在左侧选择党支部。', 'info', 'appraisal-nobranch')); fu.hidden = true; return; }

  const expanded = new Set();
  let round = null;

  async function load() {
    try {
      const r = await api.get(`/api/v1/appraisals${qs({ org: branch.id, year, per_page: 10 })}`);
      const it = (r.items || []).find((x) => x.org_id === branch.id && Number(x.year) === year);
      round = it ? await api.get(`/api/v1/appraisals/${it.id}`) : null;
      draw();
    } catch (e) {
      replace(box, errBox(e));
    }
  }

  function draw() {
    if (!round) {
      const open = h('button', {
        class: 'btn btn-primary', type: 'button', testid: 'appraisal-open',
        onclick: async () => {
          msg.replaceChildren();
          open.disabled = true;
          try {
            round = await api.post('/api/v1/appraisals', { org_id: branch.id, year });
            toast(`已开启 ${year} 年民主评议`);
            draw();
          } catch (e) { msg.append(errBox(e, load)); open.disabled = false; }
        },
      }, `开启 ${year} 年民主评议`);
      replace(box, h('div', { class: 'card', testid: 'appraisal-none' },
        h('p', null, `${branch.name} ${year} 年尚未开展民主评议党员。开启后按当前在册的正式党员和预备党员生成评议名单。`), open));
      return;
    }
    const s = round.summary || {};
    const closed = round.status === 'closed';
    const over = (s.excellent || 0) > (s.excellent_cap || 0);
    const closeBtn = !closed && h('button', {
      class: 'btn btn-primary', type: 'button', testid: 'appraisal-close',
      onclick: async () => {
        if (!window.confirm(`结束 ${round.year} 年民主评议？结束后不能再修改评定等次。`)) return;
        msg.replaceChildren();
        closeBtn.disabled = true;
        try {
          round = await api.post(`/api/v1/appraisals/${round.id}/close`, { version: round.version });
          toast('民主评议已结束');
          draw();
          loadFollowups();
        } catch (e) { msg.append(errBox(e, load)); closeBtn.disabled = false; }
      },
    }, '结束评议');
    replace(box,
      h('div', { class: 'appraisal-head', testid: 'appraisal-round', dataset: { id: round.id, status: round.status } },
        h('span', { class: `badge ${closed ? 'state-removed' : 'state-active'}`, testid: 'appraisal-status' }, closed ? '已结束' : '评议中'),
        h('span', null, `开启 ${round.opened_on || ''}${closed ? `，结束 ${round.closed_on || ''}` : ''}`),
        h('span', { class: `ap-counter${over ? ' over' : ''}`, testid: 'appraisal-counter' }, `优秀 ${s.excellent || 0} / 上限 ${s.excellent_cap || 0}`),
        h('span', { class: 'muted', testid: 'appraisal-summary' },
          `参评 ${s.members || 0} 人，评定等次 ${s.graded || 0} 人，已评定 ${s.decided || 0} 人`
          + `（合格 ${s.qualified || 0}，基本合格 ${s.basic || 0}，不合格 ${s.unqualified || 0}）`),
        closeBtn || null),
      h('div', { class: 'table-wrap' }, h('table', { class: 'grid ap-table', testid: 'appraisal-table' },
        h('thead', null, h('tr', null, ['党员', '个人自评', '党员互评', '民主测评', '评定等次', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, (round.entries || []).flatMap((en) => entryRows(en, closed))))),
      h('p', { class: 'muted ap-hint' }, '优秀不超过评定等次人数的三分之一；预备党员参加评议、不评定等次；结束评议时每名正式党员都须有评定等次，评为不合格的进入限期改正。'));
  }

  async function saveEntry(en, body, ctl) {
    msg.replaceChildren();
    if (ctl) ctl.disabled = true;
    try {
      round = await api.post(`/api/v1/appraisals/${round.id}/members/${en.member_id}`, { version: en.version, ...body });
      draw();
      return true;
    } catch (e) {
      msg.append(errBox(e, load));
      if (ctl) ctl.disabled = false;
      return false;
    }
  }

  function entryRows(en, closed) {
    const prob = en.probationary || !en.graded;
    const cat = h('select', {
      'aria-label': `${en.name} 评定等次`, testid: 'ap-category', class: 'ap-category', value: en.category || '',
      disabled: closed || prob,
      onchange: async (e) => {
        const v = e.target.value || null;
        const ok = await saveEntry(en, { category: v }, cat);
        if (!ok) cat.value = en.category || '';
      },
    }, h('option', { value: '' }, prob ? '不评定等次' : '未评定'), CATEGORIES.map((c) => h('option', { value: c.key }, c.name)));
    const open = expanded.has(en.member_id);
    const row = h('tr', {
      testid: 'ap-entry', class: prob ? 'ap-prob' : '',
      dataset: { member: en.member_id, category: en.category || '', graded: String(!!en.graded) },
    },
    h('th', { scope: 'row' }, en.name, prob ? h('div', null, h('span', { class: 'badge badge-warn', testid: 'ap-prob' }, '预备党员')) : null),
    h('td', { class: 'ap-self' }, en.self_assessment ? h('span', { title: en.self_assessment }, en.self_assessment) : h('span', { class: 'muted' }, '未填写')),
    h('td', { testid: 'ap-mutual' }, voteText(en.mutual)),
    h('td', { testid: 'ap-mass' }, voteText(en.mass)),
    h('td', null, cat, prob ? h('div', { class: 'muted small', testid: 'ap-prob-note' }, '参加评议、不评定等次')
      : en.category ? h('div', { class: `small ap-cat-${en.category}`, testid: 'ap-category-name' }, en.category_name || CAT_NAME[en.category]) : null),
    h('td', null, !closed && h('button', {
      class: 'btn btn-sm', type: 'button', testid: 'ap-edit', 'aria-expanded': String(open),
      onclick: () => { if (open) expanded.delete(en.member_id); else expanded.add(en.member_id); draw(); },
    }, open ? '收起' : '自评与票数')));
    if (!open || closed) return [row];
    const self = h('textarea', { rows: 3, maxlength: 2000, value: en.self_assessment || '', testid: 'ap-self-input', 'aria-label': `${en.name} 个人自评` });
    const votes = (label, key) => h('fieldset', { class: 'ap-votes' }, h('legend', null, label),
      CATEGORIES.map((c) => h('label', null, c.name, h('input', {
        type: 'number', min: 0, max: 100000, step: 1, class: 'ap-vote', value: String((en[key] && en[key][c.key]) || 0),
        dataset: { cat: c.key }, testid: `ap-${key}-${c.key}`,
      }))));
    const mutual = votes('党员互评票数', 'mutual');
    const mass = votes('民主测评票数', 'mass');
    const tally = (fs) => Object.fromEntries([...fs.querySelectorAll('input')].map((i) => [i.dataset.cat, Math.max(0, Number(i.value) || 0)]));
    const save = h('button', {
      class: 'btn btn-sm btn-primary', type: 'button', testid: 'ap-save',
      onclick: async () => {
        const ok = await saveEntry(en, { self_assessment: self.value, mutual: tally(mutual), mass: tally(mass) }, save);
        if (ok) toast(`已保存 ${en.name} 的评议情况`);
      },
    }, '保存');
    return [row, h('tr', { class: 'ap-edit-row', testid: 'ap-edit-row' }, h('td', { colspan: 6 },
      h('div', { class: 'ap-edit' }, h('label', { class: 'ap-self-label' }, '个人自评', self), mutual, mass, h('div', null, save))))];
  }

  async function loadFollowups() {
    replace(fu, h('h3', null, '不合格党员限期改正'), loading());
    try {
      const r = await api.get(`/api/v1/appraisals/followups${qs({ org: branch.id, per_page: 100 })}`);
      const items = r.items || [];
      if (!items.length) { replace(fu, h('h3', null, '不合格党员限期改正'), h('p', { class: 'empty', testid: 'followup-empty' }, '没有限期改正记录')); return; }
      replace(fu, h('h3', null, '不合格党员限期改正'), h('div', { class: 'table-wrap' }, h('table', { class: 'grid', testid: 'followup-table' },
        h('thead', null, h('tr', null, ['党员', '评议年度', '状态', '改正期限', '处理', '登记'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, items.map(followupRow)))));
    } catch (e) {
      replace(fu, h('h3', null, '不合格党员限期改正'), notice(e.message, 'error'));
    }
  }

  function followupRow(f) {
    const open = f.status === 'correcting' || f.status === 'persuaded';
    const allowed = f.status === 'persuaded' ? OUTCOMES.filter((o) => o.key === 'removed') : OUTCOMES;
    const note = h('input', { type: 'text', maxlength: 200, placeholder: '说明（可选）', class: 'fu-note', 'aria-label': `${f.name} 处理说明`, testid: 'fu-note' });
    const out = h('div', { 'aria-live': 'polite' });
    const record = async (o, btn) => {
      if (!window.confirm(`登记 ${f.name}：${o.name}？`)) return;
      out.replaceChildren();
      btn.disabled = true;
      try {
        await api.post(`/api/v1/appraisals/followups/${f.id}`, { version: f.version, outcome: o.key, note: note.value || undefined });
        toast(`已登记 ${f.name}：${o.name}`);
        loadFollowups();
      } catch (e) { out.append(errBox(e, loadFollowups)); btn.disabled = false; }
    };
    return h('tr', { testid: 'followup-row', dataset: { id: f.id, status: f.status, overdue: String(!!f.overdue) } },
      h('th', { scope: 'row' }, f.name, f.org_name && f.org_id !== branch.id ? h('div', { class: 'muted small' }, f.org_name) : null),
      h('td', null, String(f.year)),
      h('td', null, h('span', { class: 'badge' }, f.status_name || FOLLOWUP_STATUS[f.status] || f.status),
        f.overdue ? h('span', { class: 'badge status-rejected', testid: 'fu-overdue' }, '已逾期') : null),
      h('td', null, f.deadline || '', f.correction_months ? h('div', { class: 'muted small' }, `${f.correction_months} 个月`) : null),
      h('td', null, f.outcome ? `${f.outcome_on || ''} ${f.note || ''}` : ''),
      h('td', null, open ? h('div', { class: 'row-actions' }, note,
        allowed.map((o) => {
          const b = h('button', { class: 'btn btn-sm', type: 'button', testid: `fu-${o.key}`, onclick: () => record(o, b) }, o.name);
          return b;
        }), out) : null));
  }

  await load();
  await loadFollowups();
}

// 主题党日计划: twelve months, one topic each; saved with the plan's version.
export async function renderLifePlans(view, query) {
  view.append(loading());
  const base = '#/life/plans';
  const { branch, picker } = await chooseBranch(query, base);
  const year = Number(query.get('year')) || Number(today().slice(0, 4));
  view.replaceChildren();
  view.append(lifeHead('主题党日计划', branch), lifeTabs('plans'),
    h('div', { class: 'toolbar' }, h('div', { class: 'filters' }, picker, yearSelect(base, branch, year, 1))));
  const msg = h('div', { 'aria-live': 'polite' });
  const box = h('div', null, loading());
  view.append(msg, box);
  if (!branch) { replace(box, notice('所选组织下没有党支部，请在左侧选择党支部。', 'info', 'plan-nobranch')); return; }
  let plan = null;
  try {
    const r = await api.get(`/api/v1/meeting-plans${qs({ org: branch.id, year, per_page: 10 })}`);
    plan = (r.items || []).find((p) => p.org_id === branch.id) || null;
  } catch (e) {
    replace(box, notice(e.message, 'error'));
    return;
  }
  const topics = new Map(((plan && plan.items) || []).map((it) => [Number(it.month), it.topic]));
  const inputs = [];
  const rows = [];
  for (let m = 1; m <= 12; m++) {
    const input = h('input', {
      type: 'text', maxlength: 100, value: topics.get(m) || '', placeholder: '主题', class: 'plan-topic',
      testid: 'plan-topic', dataset: { month: m }, 'aria-label': `${m}月主题`,
    });
    inputs.push(input);
    rows.push(h('li', { class: 'plan-month' }, h('label', null, h('span', { class: 'plan-mlabel' }, `${m}月`), input)));
  }
  const save = h('button', { class: 'btn btn-primary', type: 'submit', testid: 'plan-save' }, '保存计划');
  const form = h('form', {
    class: 'card plan-form', testid: 'plan-form', dataset: { version: plan ? plan.version : '' },
    onsubmit: async (e) => {
      e.preventDefault();
      msg.replaceChildren();
      const items = inputs.map((i, k) => ({ month: k + 1, topic: i.value.trim() })).filter((x) => x.topic);
      const body = { org_id: branch.id, year, items };
      if (plan) body.version = plan.version;
      save.disabled = true;
      try {
        plan = await api.post('/api/v1/meeting-plans', body);
        form.dataset.version = plan.version;
        toast(`已保存 ${branch.name} ${year} 年主题党日计划`);
        msg.append(notice(`已保存（${plan.updated_at ? String(plan.updated_at).slice(0, 19).replace('T', ' ') : ''}）`, 'ok', 'plan-saved'));
      } catch (err) {
        msg.append(err.status === 409 ? errBox(err, rerender) : errBox(err));
      } finally {
        save.disabled = false;
      }
    },
  },
  h('p', { class: 'muted' }, `${branch.name} ${year} 年每月主题党日的主题，日历中显示当月计划及是否已开展。`),
  h('ol', { class: 'plan-months' }, rows),
  h('div', { class: 'form-actions' }, save, h('a', { class: 'btn', href: '#/life' }, '查看日历')));
  replace(box, form);
}
