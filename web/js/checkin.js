// 扫码签到 (docs/API.md "Meeting check-in"): a convenience, never a requirement — the attendance list stays the
// record and the secretary corrects it on the meeting page as before.
//  - checkinPanel(meeting): the secretary's card on a check-in meeting's page: the big QR code (refetched when the
//    code changes), the link, how many have checked in and who, live while the page is open.
//  - checkinSwitch(onChange): the 扫码签到 box of the new-meeting form, shown only for today's meeting of an
//    organization with check-in switched on.
//  - checkinOrgCard(org): the org page's switch (on/off for the org and its subtree, the nearest setting wins).
//  - renderCheckin(view, q): the member's phone page #/checkin?m=ID&t=CODE opened from the QR code; a member not
//    signed in comes back here after signing in (pendingCheckin, used by the login pages).
import { api, ApiError } from './api.js';
import { h, replace, notice, loading, toast, fmtTime } from './dom.js';

const clock = (iso) => (iso ? fmtTime(iso).slice(11, 16) : '');

// ---- the secretary's side -------------------------------------------------------------------

export function checkinPanel(meeting) {
  const img = h('img', { class: 'checkin-qr', alt: '签到二维码：请用手机扫码签到', width: 260, height: 260, hidden: true, testid: 'checkin-qr' });
  const state = h('p', { class: 'checkin-state', 'aria-live': 'polite', testid: 'checkin-state' }, '正在加载……');
  const link = h('a', { class: 'checkin-link', target: '_blank', rel: 'noopener', testid: 'checkin-link' });
  const count = h('strong', { class: 'checkin-count', testid: 'checkin-count' }, '0');
  const roster = h('span', { testid: 'checkin-roster' }, '');
  const list = h('ol', { class: 'checkin-list', testid: 'checkin-list' });
  const fresh = h('div', { 'aria-live': 'polite' });
  const el = h('section', { class: 'card checkin-panel', testid: 'checkin-panel' },
    h('h3', null, '扫码签到'),
    h('div', { class: 'checkin-body' },
      h('div', { class: 'checkin-code' }, img, h('p', { class: 'checkin-link-line small' }, link)),
      h('div', { class: 'checkin-side' }, state,
        h('p', { class: 'checkin-tally' }, '已签到 ', count, ' 人', roster),
        list,
        h('p', { class: 'muted small' }, '党员用手机登录后扫码即记为出席；签到只是方便，未扫码的党员照常由您在下方参会情况中登记。'
          + '参会情况以您保存的记录为准，更正后不会被扫码改回。'),
        fresh)));

  let token = null;
  let seen = null;
  let timer = 0;
  async function tick() {
    if (!el.isConnected) return; // the page was left
    let next = 30;
    try {
      const s = await api.get(`/api/v1/meetings/${meeting.id}/checkin`);
      if (!el.isConnected) return;
      const from = clock(s.window_from);
      const to = clock(s.window_to);
      if (s.open) {
        if (s.token !== token) {
          token = s.token;
          img.src = `/api/v1/meetings/${meeting.id}/checkin/qr?v=${encodeURIComponent(s.token)}`;
          link.href = s.url;
          link.textContent = s.url;
        }
        img.hidden = false;
        link.hidden = false;
        state.textContent = `签到进行中（${from}–${to}）：二维码每 ${s.rotate_seconds} 秒更换，转发的截图过期即失效。`;
        next = Math.max(1, Math.min(5, s.expires_in || 5));
      } else {
        token = null;
        img.hidden = true;
        img.removeAttribute('src');
        link.hidden = true;
        const before = s.window_from && Date.now() < Date.parse(s.window_from);
        state.textContent = !s.org_enabled ? '本组织已关闭扫码签到。'
          : before ? `签到将于 ${from} 开放（会议开始前），到时这里显示二维码。` : `签到已结束（${from}–${to}）。`;
        next = before ? 15 : 60;
      }
      count.textContent = String(s.checked_in.length);
      roster.textContent = `（应到 ${s.roster_count} 人，现记为出席 ${s.present_count} 人）`;
      replace(list, s.checked_in.map((x) => h('li', { testid: 'checkin-person', dataset: { memberId: String(x.member_id) } },
        x.name, h('span', { class: 'muted' }, ` ${clock(x.checked_in_at)}`))));
      if (seen === null) seen = s.checked_in.length;
      else if (s.checked_in.length !== seen && !fresh.firstChild) {
        fresh.append(h('div', { class: 'notice notice-info', role: 'status', testid: 'checkin-fresh' },
          '有党员新签到，下方参会情况已过时：修改前请先刷新。',
          h('button', { class: 'btn', type: 'button', testid: 'checkin-reload', onclick: () => window.location.reload() }, '刷新')));
      }
    } catch (e) {
      state.textContent = e.message;
      next = 15;
    }
    clearTimeout(timer);
    timer = setTimeout(tick, next * 1000);
  }
  setTimeout(tick, 0);
  return el;
}

// The new-meeting form's box: hidden unless the organization has check-in on and the meeting is today's.
export function checkinSwitch(onChange) {
  const box = h('input', { type: 'checkbox', id: 'mt-checkin', name: 'checkin', testid: 'input-checkin', onchange: () => onChange && onChange() });
  const el = h('div', { class: 'field wide field-bool checkin-switch', hidden: true, testid: 'checkin-switch' },
    h('label', { for: 'mt-checkin', class: 'check' }, box, ' 扫码签到'),
    h('p', { class: 'hint' }, '保存后在会议页面显示二维码，党员扫码即记为出席；勾选后名单默认缺席，未扫码的由您照常登记。'));
  let seq = 0;
  return {
    el,
    checked: () => !el.hidden && box.checked,
    async update(org, day, todayStr) {
      const my = ++seq;
      let on = false;
      if (org && day === todayStr) {
        try { on = (await api.get(`/api/v1/orgs/${org.id}/checkin`)).enabled; } catch { on = false; }
      }
      if (my !== seq) return;
      const was = !el.hidden && box.checked;
      el.hidden = !on;
      if (!on) box.checked = false;
      if (was !== (!el.hidden && box.checked) && onChange) onChange();
    },
  };
}

// The org page's switch.
export function checkinOrgCard(org) {
  const body = h('div', { 'aria-live': 'polite' }, loading());
  const card = h('section', { class: 'card', testid: 'org-checkin' }, h('h3', null, '扫码签到'), body);
  async function load() {
    let s;
    try { s = await api.get(`/api/v1/orgs/${org.id}/checkin`); } catch (e) {
      if (e instanceof ApiError && (e.status === 403 || e.status === 404)) card.remove();
      else replace(body, notice(e.message, 'error'));
      return;
    }
    const box = h('input', { type: 'checkbox', id: 'org-checkin-on', checked: !!s.enabled, testid: 'org-checkin-toggle' });
    const from = s.defined_at == null ? '默认关闭' : (s.defined_at === org.id ? '本组织的设置' : '沿用上级组织的设置');
    box.addEventListener('change', async () => {
      box.disabled = true;
      try {
        await api.put(`/api/v1/orgs/${org.id}/checkin`, { enabled: box.checked, version: s.version });
        toast(box.checked ? '已开启扫码签到' : '已关闭扫码签到');
      } catch (e) {
        toast(e.message, 'error');
      }
      load();
    });
    replace(body,
      h('label', { for: 'org-checkin-on', class: 'check' }, box, ' 本组织及下级组织的会议可以扫码签到'),
      h('p', { class: 'muted small', testid: 'org-checkin-state' }, `现为${s.enabled ? '开启' : '关闭'}（${from}）。`
        + '签到只是方便，不作要求：未扫码的党员照常由支部书记登记出勤。'));
  }
  load();
  return card;
}

// ---- the member's side ----------------------------------------------------------------------

// The check-in link a member opened before signing in, if any (read once).
export function pendingCheckin() {
  const after = sessionStorage.getItem('dj.after') || '';
  if (!after.startsWith('#/checkin?')) return null;
  sessionStorage.removeItem('dj.after');
  return after;
}

const STATUS = { present: '出席', leave: '请假', absent: '缺席' };

export async function renderCheckin(view, q) {
  const id = Number(q.get('m'));
  const token = (q.get('t') || '').trim();
  const body = h('div', { class: 'checkin-result', 'aria-live': 'polite' }, loading('正在签到……'));
  view.append(h('div', { class: 'checkin-page', testid: 'checkin-page' },
    h('header', { class: 'checkin-head' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '党'), h('h1', null, '会议签到')),
    body,
    h('p', { class: 'checkin-foot' },
      h('a', { class: 'btn btn-block', href: '#/me', testid: 'checkin-me-link' }, '返回我的主页'))));
  if (!Number.isInteger(id) || id <= 0 || !token) {
    replace(body, notice('签到链接不完整，请重新扫描会场的二维码。', 'error', 'checkin-error'));
    return;
  }
  try {
    const r = await api.post('/api/v1/me/checkin', { meeting_id: id, token });
    const what = [r.held_on, r.kind_name, r.topic ? `“${r.topic}”` : ''].filter(Boolean).join(' ');
    if (r.already && r.status !== 'present') {
      replace(body, h('div', { class: 'checkin-ok', testid: 'checkin-already' },
        h('p', { class: 'checkin-big' }, '您已签到过'),
        h('p', null, what),
        h('p', { class: 'muted' }, `支部书记已将您的出勤登记为“${STATUS[r.status] || r.status}”，如有出入请与书记联系。`)));
    } else {
      replace(body, h('div', { class: 'checkin-ok', testid: r.already ? 'checkin-already' : 'checkin-success' },
        h('p', { class: 'checkin-big', testid: 'checkin-title' }, r.already ? '您已签到' : '签到成功'),
        h('p', null, what),
        h('p', { class: 'muted' }, `签到时间 ${fmtTime(r.checked_in_at)}，已记为出席。`)));
    }
  } catch (e) {
    const msg = e instanceof ApiError && e.status === 404 ? '没有找到这次会议的签到，或您不在该会议的应到名单中。' : e.message;
    replace(body, notice(msg, 'error', 'checkin-error'),
      e instanceof ApiError && (e.rule === 'checkin.code_expired' || e.rule === 'checkin.code')
        ? h('p', { class: 'muted' }, '二维码每分钟更换一次，请对准会场上正在显示的二维码重新扫描。') : null);
  }
}
