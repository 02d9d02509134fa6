// The member's phone pages under #/me (mobile first, 360 px): 我的党费 (#/me/dues), 我的任务 (#/me/tasks),
// 我的发展历程 (#/me/recruitment) and 我的档案 (#/me/record). Each reads only the caller's own data through a
// /api/v1/me… route that takes no id.
import { api, qs } from './api.js';
import { h, notice, loading, fmtDate } from './dom.js';
import { loadCodes, codeName } from './codes.js';
import { money, monthLabel, methodName, statusBadge, thisYear } from './dues_common.js';
import { contactCard } from './me.js';

// The page frame: the red top bar with 返回 and the title.
export function meShell(view, title, testid) {
  const page = h('div', { class: 'me-page', testid });
  view.append(page);
  page.append(h('header', { class: 'me-top' },
    h('a', { class: 'btn btn-ghost', href: '#/me', testid: 'me-back' }, '‹ 返回'),
    h('span', { class: 'brand' }, title), h('span', { class: 'me-top-pad', 'aria-hidden': 'true' })));
  return page;
}

async function fill(page, load, draw, errTestid) {
  const slot = loading();
  page.append(slot);
  try {
    slot.replaceWith(draw(await load()));
  } catch (e) {
    slot.replaceWith(h('div', { class: 'me-card' }, notice(e.status === 404 && e.rule !== 'recruit.none'
      ? '您的账号没有关联党员信息，请联系支部书记。' : e.message, e.status === 404 ? 'info' : 'error', errTestid)));
  }
}

// ---- 我的党费 ----------------------------------------------------------------------------

function duesYear(r) {
  const method = new Map((r.payments || []).map((p) => [p.id, p]));
  const rows = (r.months || []).map((x) => {
    const p = x.payment_id ? method.get(x.payment_id) : null;
    return h('li', { class: `me-dues-month st-${x.status}`, testid: 'me-dues-month', dataset: { month: x.month, status: x.status } },
      h('div', { class: 'me-dues-top' },
        h('span', { class: 'me-dues-label' }, monthLabel(x.month)),
        statusBadge(x.status)),
      h('div', { class: 'me-dues-figs' },
        h('span', null, '应交 ', h('b', { testid: 'me-dues-due' }, money(x.due_fen))),
        h('span', null, '已交 ', h('b', { testid: 'me-dues-paid' }, money(x.paid_fen))),
        p ? h('span', { class: 'muted', testid: 'me-dues-method' }, `${methodName(p.method)} · ${fmtDate(p.paid_on)}`) : null));
  });
  const sum = (k) => (r.months || []).reduce((a, x) => a + (Number(x[k]) || 0), 0);
  return h('section', { class: 'me-card', testid: 'me-dues-year', dataset: { year: r.year } },
    h('h2', null, `${r.year}年`),
    h('p', { class: 'me-dues-sum' }, `已交 ${money(sum('paid_fen'))}`),
    h('ul', { class: 'me-dues-list' }, rows));
}

export async function renderMyDues(view) {
  const page = meShell(view, '我的党费', 'me-dues-page');
  const year = thisYear();
  await fill(page, () => Promise.all([
    api.get(`/api/v1/me/dues${qs({ year })}`), api.get(`/api/v1/me/dues${qs({ year: year - 1 })}`),
  ]), ([cur, last]) => {
    const a = cur.arrears || { months: 0, fen: 0 };
    return h('div', null,
      h('section', { class: 'me-card me-dues-head', testid: 'me-dues-summary' },
        h('dl', { class: 'me-info' },
          h('dt', null, '每月应交'), h('dd', { testid: 'me-dues-monthly' }, cur.current ? money(cur.current.monthly_fen) : '未核定'),
          h('dt', null, '交至'), h('dd', { testid: 'me-dues-paid-to' }, cur.member && cur.member.dues_paid_to ? monthLabel(cur.member.dues_paid_to) : '—'),
          h('dt', null, '欠交'), h('dd', { testid: 'me-dues-owed', class: a.months ? 'me-owed' : '' },
            a.months ? `${a.months} 个月，共 ${money(a.fen)}` : '无')),
        h('p', { class: 'muted small' }, '党费按月交纳，如有疑问请联系支部书记。')),
      duesYear(cur), duesYear(last));
  }, 'me-dues-error');
}

// ---- 我的任务 ----------------------------------------------------------------------------

const CELL = { done: '已完成', pending: '进行中', overdue: '已逾期', none: '' };

export async function renderMyTasks(view) {
  const page = meShell(view, '我的任务', 'me-tasks-page');
  await fill(page, () => api.get('/api/v1/me/tasks'), (r) => h('div', null,
    h('p', { class: 'me-sub muted', testid: 'me-tasks-sum' }, `由我负责的目标任务 ${r.total} 项，未完成 ${r.open} 项`),
    r.items.length ? r.items.map((t) => h('section', { class: 'me-card me-task', testid: 'me-task', dataset: { id: t.id } },
      h('h2', null, t.title),
      h('p', { class: 'muted small' }, `${t.org_name} 下达 · 责任单位 ${t.unit_name} · ${t.year}年`),
      h('p', null, `完成期限：${t.due_on} `,
        t.status === 'completed' ? h('span', { class: 'badge state-active' }, `已完成 ${t.completed_on || ''}`)
          : t.overdue ? h('span', { class: 'badge badge-warn', testid: 'me-task-overdue' }, '已逾期') : h('span', { class: 'badge' }, '进行中')),
      t.description ? h('p', { class: 'me-text' }, t.description) : null,
      t.milestones.length ? h('ol', { class: 'me-steps' }, t.milestones.map((m) => h('li', { class: `me-step st-${m.status}` },
        h('span', { class: 'me-step-date' }, `${m.month}月`), ` ${m.target} `,
        h('span', { class: 'muted small' }, CELL[m.status] || m.status, m.done_on ? ` ${m.done_on}` : '')))) : null))
      : h('p', { class: 'me-card muted', testid: 'me-tasks-empty' }, '目前没有由您负责的任务。')), 'me-tasks-error');
}

// ---- 我的发展历程 ------------------------------------------------------------------------

export async function renderMyRecruitment(view) {
  const page = meShell(view, '我的发展历程', 'me-recruitment-page');
  await fill(page, () => api.get('/api/v1/me/recruitment'), (r) => h('div', null,
    h('section', { class: 'me-card', testid: 'me-recruit-head' },
      h('h2', null, h('span', { testid: 'me-recruit-stage' }, r.stage_name || ''), r.status !== 'active' ? h('span', { class: 'muted small' }, '（已结束）') : null),
      h('dl', { class: 'me-info' },
        r.branch_meeting_on ? [h('dt', null, '预备期起'), h('dd', null, r.branch_meeting_on)] : null,
        r.probation_end ? [h('dt', null, '预备期满'), h('dd', { testid: 'me-recruit-probation-end' }, r.probation_end)] : null,
        r.extended_months ? [h('dt', null, '延长'), h('dd', null, `${r.extended_months} 个月`)] : null,
        r.full_on ? [h('dt', null, '转正日期'), h('dd', null, r.full_on)] : null)),
    r.next.length || r.deadlines.length ? h('section', { class: 'me-card', testid: 'me-recruit-next' },
      h('h2', null, '下一步'),
      h('ul', { class: 'me-steps' },
        r.next.map((n) => h('li', { testid: 'me-recruit-next-step' }, h('b', null, n.name),
          n.earliest ? h('span', { class: 'muted small' }, ` 最早 ${n.earliest}`) : null,
          n.blocked_by ? h('div', { class: 'muted small' }, n.blocked_by) : null)),
        r.deadlines.map((d) => h('li', { testid: 'me-recruit-deadline' }, h('span', { class: 'me-step-date' }, d.due), ` ${d.message}`)))) : null,
    h('section', { class: 'me-card' }, h('h2', null, '已完成的步骤'),
      h('ol', { class: 'me-steps me-timeline', testid: 'me-recruit-steps' }, r.steps.map((s) => h('li', { testid: 'me-recruit-step' },
        h('span', { class: 'me-step-date' }, s.done_on), ` ${s.name || s.step}`, h('div', { class: 'muted small' }, s.org_name || '')))))),
  'me-recruit-error');
}

// ---- 我的档案 ----------------------------------------------------------------------------

export async function renderMyRecord(view) {
  const page = meShell(view, '我的档案', 'me-record-page');
  await fill(page, () => Promise.all([api.get('/api/v1/me'), loadCodes()]), ([m]) => {
    const row = (k, v, testid) => [h('dt', null, k), h('dd', { testid }, v || '—')];
    return h('div', null,
      h('section', { class: 'me-card', testid: 'me-record' },
        h('h2', null, '党员基本信息'),
        h('dl', { class: 'me-info me-info-wide' },
          row('姓名', m.name, 'rec-name'),
          row('性别', codeName('gender', m.gender), 'rec-gender'),
          row('公民身份号码', h('span', { class: 'mono' }, m.id_number || ''), 'rec-id-number'),
          row('民族', codeName('ethnicity', m.ethnicity), 'rec-ethnicity'),
          row('出生日期', m.birth_date, 'rec-birth-date'),
          row('学历', codeName('education', m.education), 'rec-education'),
          row('人员类别', codeName('category', m.category), 'rec-category'),
          row('所在党支部', m.org_name, 'rec-org'),
          row('入党日期', m.join_date, 'rec-join-date'),
          row('转正日期', m.full_date, 'rec-full-date'),
          row('工作岗位', codeName('job', m.job), 'rec-job'),
          row('工作单位', m.work_unit, 'rec-work-unit'),
          row('联系电话', m.phone, 'rec-phone'),
          row('家庭住址', m.address, 'rec-address'),
          row('党籍状态', codeName('party_status', m.party_status), 'rec-party-status'),
          row('失联党员', m.lost_contact ? '是' : '否', 'rec-lost'),
          row('流动党员', m.floating ? '是' : '否', 'rec-floating')),
        h('p', { class: 'muted small' }, '以上信息由党支部维护；如有错误请联系支部书记更正。联系电话和家庭住址可由本人修改。'),
        h('a', { class: 'btn btn-block', href: '#/me/form', testid: 'me-record-form-link' }, '打印党员基本信息采集表')),
      contactCard(m));
  }, 'me-record-error');
}
