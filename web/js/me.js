// 智慧支部记录本 (#/me): the member's phone home — a header card (name, branch, its secretary), quick tiles
// (学时, 党费, 积分 when enabled, 通知 unread) from GET /api/v1/me/home, a menu of the member's own pages
// (web/js/me_pages.js, me_form.js), then the cards: organizational life, courses, suggestions, points,
// volunteering, commitments, and the contact edit (联系电话 and 家庭住址 only).
import { api, ApiError } from './api.js';
import { h, notice, loading, fmtDate, toast } from './dom.js';
import { loadCodes, codeName } from './codes.js';
import { session, logout } from './session.js';
import { clearState } from './state.js';
import { navigate, rerender } from './router.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';
import { ATT_STATUS } from './life_labels.js';
import { myPointsCard } from './points_me.js';
import { myVolunteerCard } from './work_volunteers.js';
import { myCommitmentsCard } from './work_commitments.js';
import { myCoursesCard } from './me_courses.js';
import { mySuggestionsCard } from './me_suggestions.js';
import { money, monthLabel } from './dues_common.js';

// 我的组织生活: this year's meetings with the member's attendance, and 学时 against the target.
function lifeCard(me) {
  const year = new Date().getFullYear();
  const body = h('div', { 'aria-live': 'polite' }, loading());
  const card = h('section', { class: 'me-card me-life', testid: 'me-life' }, h('h2', null, `我的组织生活（${year}年）`), body);
  const id = me.id || (session.user && session.user.member_id);
  api.get(`/api/v1/members/${id}/hours?year=${year}`).then((r) => {
    const target = Number(r.target_hours) || 0;
    const hours = Number(r.hours) || 0;
    const p = target > 0 ? Math.min(100, Math.round((hours / target) * 100)) : 0;
    const list = r.meetings || [];
    const c = { present: 0, leave: 0, absent: 0 };
    for (const x of list) if (c[x.status] !== undefined) c[x.status]++;
    body.replaceChildren(
      h('div', { class: 'me-hours', testid: 'me-hours' },
        h('span', { class: 'me-hours-num', testid: 'me-hours-value' }, String(hours)),
        h('span', { class: 'me-hours-target' }, ` / ${target} 学时`),
        h('span', { class: `badge ${r.met ? 'state-active' : 'badge-warn'}`, testid: 'me-hours-met' }, r.met ? '已达标' : '未达标')),
      h('div', { class: `progress${p >= 100 ? ' done' : ''}`, role: 'progressbar', 'aria-label': '学时完成度',
        'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(p) },
      h('div', { class: 'progress-fill', style: `width:${p}%` }), h('span', { class: 'progress-text' }, `${p}%`)),
      h('p', { class: 'me-att-sum', testid: 'me-att-counts' },
        `出席 ${c.present} 次 · 请假 ${c.leave} 次 · 缺席 ${c.absent} 次`),
      list.length ? h('ul', { class: 'me-meetings', testid: 'me-meetings' }, list.map((x) => h('li', { class: 'me-meeting', testid: 'me-meeting' },
        h('div', { class: 'me-meeting-top' },
          h('span', { class: 'me-meeting-date' }, fmtDate(x.held_on)),
          h('span', { class: `me-att att-${x.status}` }, ATT_STATUS[x.status] || x.status)),
        h('div', { class: 'me-meeting-kind' }, x.kind_name || x.kind, x.status === 'present' && x.hours ? h('span', { class: 'muted' }, ` · ${x.hours} 学时`) : null),
        x.reason ? h('div', { class: 'muted' }, `事由：${x.reason}`) : null)))
        : h('p', { class: 'muted', testid: 'me-meetings-empty' }, '今年还没有组织生活记录。'));
  }).catch((e) => body.replaceChildren(notice(e.message, 'error', 'me-life-error')));
  return card;
}

// 修改联系方式: the one place a member edits their record (also on #/me/record).
export function contactCard(me) {
  const phone = h('input', {
    id: 'me-phone', name: 'phone', type: 'tel', inputmode: 'tel', autocomplete: 'tel', maxlength: 20,
    placeholder: `当前：${me.phone || '未填写'}`, testid: 'me-phone',
  });
  const address = h('textarea', { id: 'me-address', name: 'address', rows: 3, maxlength: 200, value: me.address || '', testid: 'me-address' });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite', testid: 'me-message' });
  const save = h('button', { class: 'btn btn-primary btn-block', type: 'submit', testid: 'me-save' }, '保存');
  const form = h('form', { class: 'me-form', novalidate: true, onsubmit: submit },
    fieldBox('phone', '联系电话', phone, { hint: '留空则不修改' }),
    fieldBox('address', '家庭住址', address),
    msg, save);

  async function submit(ev) {
    ev.preventDefault();
    clearFieldErrors(form);
    msg.replaceChildren();
    const body = { version: me.version };
    if (phone.value.trim()) body.phone = phone.value.trim();
    if (address.value.trim() !== (me.address || '')) body.address = address.value.trim();
    if (Object.keys(body).length === 1) { msg.append(notice('没有需要保存的修改', 'info')); return; }
    save.disabled = true;
    try {
      await api.patch('/api/v1/me', body);
      toast('已保存');
      rerender();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        msg.append(h('div', { class: 'notice notice-error', role: 'alert' }, '您的信息已在别处被修改，本次修改未保存。',
          h('button', { class: 'btn', type: 'button', onclick: rerender }, '重新加载')));
      } else if (!(e.field && showFieldError(form, e.field, e.message, e.field === 'phone' ? '联系电话' : '家庭住址'))) {
        msg.append(notice(e.message, 'error'));
      }
    } finally {
      save.disabled = false;
    }
  }
  return h('section', { class: 'me-card', testid: 'me-contact' }, h('h2', null, '修改联系方式'), form);
}

function tile(testid, label, value, sub, href, onclick) {
  return h('a', { class: 'me-tile', href: href || '#/me', testid, onclick },
    h('span', { class: 'me-tile-label' }, label),
    h('span', { class: 'me-tile-value', testid: `${testid}-value` }, value),
    h('span', { class: 'me-tile-sub' }, sub || ''));
}

// The tiles and the secretary line from the one summary call; the rest of the page does not wait for it.
function fillHome(r, tiles, secLine, pathLine, menu, lifeEl) {
  const hrs = r.hours || {};
  const d = r.dues || {};
  const kids = [
    tile('me-tile-hours', '学时', String(hrs.hours ?? '—'), `目标 ${hrs.target_hours ?? '—'} · ${hrs.met ? '已达标' : '未达标'}`, '#/me',
      (ev) => { ev.preventDefault(); lifeEl.scrollIntoView({ behavior: 'smooth' }); }),
    tile('me-tile-dues', '党费', d.owed_months ? `欠 ${money(d.owed_fen)}` : '已交清',
      d.owed_months ? `${d.owed_months} 个月未交` : (d.paid_to ? `交至 ${monthLabel(d.paid_to)}` : (d.monthly_fen != null ? `每月 ${money(d.monthly_fen)}` : '未核定')), '#/me/dues'),
  ];
  if (r.points && r.points.enabled) {
    kids.push(tile('me-tile-points', '积分', r.points.score != null ? String(r.points.score) : '—', '本季度', '#/me/points'));
  }
  kids.push(tile('me-tile-notices', '通知', String((r.notices && r.notices.unread) || 0), '条未读', '#/me/notices'));
  tiles.replaceChildren(...kids);
  if (r.notices && r.notices.unread) tiles.lastChild.classList.add('me-tile-hot');
  if (d.owed_months) kids[1].classList.add('me-tile-hot');
  pathLine.textContent = r.branch ? r.branch.path_names : '';
  secLine.replaceChildren(r.secretary
    ? h('span', null, '支部书记：', h('b', { testid: 'me-secretary-name' }, r.secretary.name),
      r.secretary.phone ? h('span', { class: 'mono', testid: 'me-secretary-phone' }, ` ${r.secretary.phone}`) : null)
    : h('span', { class: 'muted' }, '支部书记：暂未登记'));
  const tasks = menu.querySelector('[data-testid="me-tasks-link"] .me-menu-count');
  if (tasks && r.tasks) tasks.textContent = r.tasks.open ? `${r.tasks.open} 项未完成` : '';
  if (r.recruitment) {
    menu.querySelector('[data-testid="me-record-link"]').after(menuItem('me-recruitment-link', '#/me/recruitment', '我的发展历程', r.recruitment.stage_name || ''));
  }
}

function menuItem(testid, href, label, count) {
  return h('a', { class: 'me-menu-item', href, testid }, h('span', null, label), h('span', { class: 'me-menu-count' }, count || ''), h('span', { class: 'me-menu-arrow', 'aria-hidden': 'true' }, '›'));
}

export async function renderMe(view) {
  const page = h('div', { class: 'me-page me-home', testid: 'me-page' });
  view.append(page);
  const head = h('header', { class: 'me-top' },
    h('span', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '党'), '智慧支部记录本'),
    h('button', {
      class: 'btn btn-ghost', type: 'button', testid: 'logout',
      onclick: async () => { await logout(); clearState(); navigate('#/login'); },
    }, '退出'));
  page.append(head, loading());
  let me;
  const home = api.get('/api/v1/me/home');
  home.catch(() => {});
  try {
    [me] = await Promise.all([api.get('/api/v1/me'), loadCodes()]);
  } catch (e) {
    page.lastChild.replaceWith(notice(e.status === 404 ? '您的账号没有关联党员信息，请联系支部书记。' : e.message, 'error', 'me-error'));
    if (session.user && session.user.role !== 'member') page.append(h('p', null, h('a', { href: '#/members' }, '返回管理页面')));
    return;
  }
  page.lastChild.remove();

  const row = (k, v, testid) => [h('dt', null, k), h('dd', { testid }, v || '—')];
  const pathLine = h('p', { class: 'me-path muted small', testid: 'me-branch-path' });
  const secLine = h('p', { class: 'me-secretary', testid: 'me-secretary' });
  const tiles = h('nav', { class: 'me-tiles', testid: 'me-tiles', 'aria-label': '概览' }, loading());
  const menu = h('nav', { class: 'me-card me-menu', testid: 'me-menu', 'aria-label': '我的' },
    menuItem('me-record-link', '#/me/record', '我的档案'),
    menuItem('me-dues-link', '#/me/dues', '党费明细'),
    menuItem('me-tasks-link', '#/me/tasks', '我的任务'),
    menuItem('me-notices-link', '#/me/notices', '通知公告'),
    menuItem('me-courses-link', '#/me/courses', '党建课程'),
    menuItem('me-suggestions-link', '#/me/suggestions', '合理化建议'),
    menuItem('me-projects-link', '#/me/projects', '本支部及上级党组织的党建项目'),
    menuItem('me-form-link', '#/me/form', '打印党员基本信息采集表'));
  const life = lifeCard(me);

  page.append(...[
    h('section', { class: 'me-card me-head', testid: 'me-head' },
      h('h1', { testid: 'me-name' }, me.name,
        me.category === 'probationary' ? h('span', { class: 'badge badge-warn me-cat' }, '预备党员') : null),
      h('p', { class: 'me-org', testid: 'me-org' }, me.org_name || ''),
      pathLine, secLine),
    tiles,
    menu,
    life,
    myCoursesCard(me),
    mySuggestionsCard(me),
    myPointsCard(me),
    myVolunteerCard(),
    myCommitmentsCard(me),
    h('section', { class: 'me-card' },
      h('h2', null, '基本信息'),
      h('dl', { class: 'me-info' },
        row('入党日期', fmtDate(me.join_date), 'me-join-date'),
        row('人员类别', codeName('category', me.category), 'me-category'),
        row('身份证号', h('span', { class: 'mono' }, me.id_number || ''), 'me-id-number'),
        row('联系电话', me.phone, 'me-phone-masked'),
        row('家庭住址', me.address, 'me-address-text'))),
    contactCard(me),
  ].filter(Boolean));

  home.then((r) => fillHome(r, tiles, secLine, pathLine, menu, life))
    .catch((e) => tiles.replaceChildren(notice(e.message, 'error', 'me-home-error')));
}
