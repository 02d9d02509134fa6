// 会议记录 form (new and edit): kind, date and times, place, host, 党课 lecturer/topic, agenda, minutes,
// resolutions, 学时 and attendance with one tap per member (出席 → 请假 (reason) → 缺席).
import { api, qs, ApiError } from './api.js';
import { h, replace, append, notice, loading, toast } from './dom.js';
import { orgReady, treeApi } from './layout.js';
import { navigate, rerender } from './router.js';
import { selectedOrg, selectOrg } from './state.js';
import { orgPicker } from './org_picker.js';
import { searchScopeBranches, isBranchKind } from './branches.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';
import { ruleError } from './recruits.js';
import { KINDS, kindName, kindsFor, ATT_STATUS, ATT_NEXT, today } from './life_labels.js';
import { meetingFilesCard } from './life_files.js';
import { checkinPanel, checkinSwitch } from './checkin.js';

async function roster(orgId) {
  const out = [];
  for (let page = 1; page < 100; page++) {
    const r = await api.get(`/api/v1/members${qs({ org: orgId, state: 'active', page, per_page: 200, sort: 'name' })}`);
    const items = r.items || [];
    out.push(...items.filter((m) => m.org_id === orgId || m.group_id === orgId));
    if (!items.length || page * 200 >= (r.total ?? 0)) break;
  }
  return out;
}

async function groupsOf(branchId) {
  const r = await api.get(`/api/v1/orgs/${branchId}/children`);
  return (Array.isArray(r) ? r : (r.items || [])).filter((o) => o.kind === 'group' && !o.dissolved_on);
}

// Attendance list: one button per member cycling the status; a reason box while 请假.
function attendanceBox() {
  let rows = []; // {member_id, name, status, reason, committee}
  let cmMode = false;
  const counts = h('div', { class: 'att-counts', 'aria-live': 'polite', testid: 'att-counts' });
  const list = h('ul', { class: 'att-list', testid: 'att-list' });
  const hint = h('p', { class: 'hint' });
  const el = h('div', { class: 'att' },
    h('div', { class: 'att-bar' }, counts,
      h('div', { class: 'actions' },
        h('button', { class: 'btn btn-sm', type: 'button', testid: 'att-all-present', onclick: () => setAll('present') }, '全部出席'),
        h('button', { class: 'btn btn-sm', type: 'button', testid: 'att-all-absent', onclick: () => setAll('absent') }, '全部缺席'))),
    hint, list);

  function count() {
    const c = { present: 0, leave: 0, absent: 0 };
    for (const r of rows) c[r.status]++;
    replace(counts,
      h('span', { class: 'att-count att-present', testid: 'count-present' }, `出席 ${c.present}`),
      h('span', { class: 'att-count att-leave', testid: 'count-leave' }, `请假 ${c.leave}`),
      h('span', { class: 'att-count att-absent', testid: 'count-absent' }, `缺席 ${c.absent}`),
      h('span', { class: 'muted' }, `共 ${rows.length} 人`),
      cmMode ? h('span', { class: 'att-count att-cm-count', testid: 'count-committee' },
        `支委到会 ${rows.filter((r) => r.committee && r.status === 'present').length} / 已标 ${rows.filter((r) => r.committee).length}`) : null);
  }

  function rowEl(r) {
    const btn = h('button', {
      type: 'button', class: `att-btn att-${r.status}`, testid: 'att-member', 'aria-label': `${r.name}：${ATT_STATUS[r.status]}，点按切换`,
      dataset: { memberId: r.member_id, status: r.status },
      onclick: () => {
        r.status = ATT_NEXT[r.status];
        const li = btn.closest('li');
        const fresh = rowEl(r);
        li.replaceWith(fresh);
        count();
        if (r.status === 'leave') fresh.querySelector('input').focus();
        else fresh.querySelector('button').focus();
      },
    }, h('span', { class: 'att-name' }, r.name), h('span', { class: 'att-state' }, ATT_STATUS[r.status]));
    const reason = r.status === 'leave' ? h('input', {
      type: 'text', class: 'att-reason', maxlength: 100, placeholder: '请假事由（必填）', value: r.reason || '',
      'aria-label': `${r.name} 的请假事由`, testid: 'att-reason', oninput: (e) => { r.reason = e.target.value; },
    }) : null;
    const cm = cmMode ? h('label', { class: `att-cm${r.committee ? ' on' : ''}` },
      h('input', {
        type: 'checkbox', checked: !!r.committee, testid: 'att-committee', 'aria-label': `${r.name} 是支委`,
        onchange: (e) => { r.committee = e.target.checked; e.target.parentNode.classList.toggle('on', r.committee); count(); },
      }), ' 支委') : null;
    return h('li', { class: `att-row${reason ? ' has-reason' : ''}`, dataset: { memberId: r.member_id } }, btn, reason, cm);
  }

  function render() { replace(list, rows.map(rowEl)); count(); }
  function setAll(st) { for (const r of rows) r.status = st; render(); }

  return {
    el,
    set(members, statusOf, hintText, committeeMode) {
      cmMode = !!committeeMode;
      rows = members.map((m) => {
        const s = statusOf(m);
        return { member_id: m.id, name: m.name, status: s.status, reason: s.reason || '', committee: !!s.committee };
      });
      hint.textContent = hintText || '';
      if (!rows.length) replace(list, h('li', { class: 'muted' }, '该组织没有在册党员'));
      else render();
      if (!rows.length) count();
    },
    value() {
      return rows.map((r) => {
        const a = r.status === 'leave'
          ? { member_id: r.member_id, status: 'leave', reason: r.reason.trim() }
          : { member_id: r.member_id, status: r.status };
        if (cmMode && r.committee) a.committee = true;
        return a;
      });
    },
    missingReason() { return rows.find((r) => r.status === 'leave' && !r.reason.trim()); },
    get size() { return rows.length; },
  };
}

export async function renderMeetingForm(view, id, query) {
  view.append(loading());
  let meeting = null;
  let org = null;
  try {
    if (id) {
      meeting = await api.get(`/api/v1/meetings/${id}`);
      org = await api.get(`/api/v1/orgs/${meeting.org_id}`);
    } else {
      const want = query.get('org');
      const sel = want ? { id: Number(want) } : await orgReady();
      if (sel) org = await api.get(`/api/v1/orgs/${sel.id}`);
    }
  } catch (e) {
    view.replaceChildren(notice(e.message, 'error', 'page-error'));
    return;
  }
  view.replaceChildren();
  const isNew = !meeting;
  const m = meeting || {};

  // The branch and its 党小组 (new records); an existing record keeps its organization and kind.
  let branch = null;
  let group = null;
  if (org && org.kind === 'group') {
    group = org;
    try { branch = await api.get(`/api/v1/orgs/${org.parent_id}`); } catch { branch = null; }
  } else if (org && isBranchKind(org.kind)) branch = org;
  else if (org && !isNew) branch = org;

  const inp = (key, attrs = {}) => h('input', { id: `mt-${key}`, name: key, testid: `input-${key}`, autocomplete: 'off', ...attrs });
  const area = (key, rows = 3) => h('textarea', { id: `mt-${key}`, name: key, rows, testid: `input-${key}`, value: m[key] || '' });
  const kind = h('select', { id: 'mt-kind', name: 'kind', testid: 'input-kind', disabled: !isNew, onchange: kindChanged });
  const groupSel = h('select', { id: 'mt-group', name: 'group', testid: 'input-group', onchange: () => loadRoster() });
  const picker = isNew ? orgPicker({
    id: 'mt-org', name: 'org_id', testid: 'input-org_id', noun: '党支部', minChars: 0, search: searchScopeBranches,
    placeholder: '输入支部名称查找', value: branch ? { id: branch.id, name: branch.name, kind: branch.kind } : null,
    describe: (o) => ({ label: o.name, main: o.name, sub: o.kind === 'joint_branch' ? '（联合党支部）' : '', note: o.code || '' }),
    onChange: async (o) => {
      branch = o ? await api.get(`/api/v1/orgs/${o.id}`).catch(() => null) : null;
      group = null;
      await branchChanged();
    },
  }) : null;
  const heldOn = inp('held_on', { type: 'date', max: today(), value: m.held_on ? String(m.held_on).slice(0, 10) : (query.get('date') || today()) });
  const start = inp('start_time', { type: 'time', value: m.start_time || '' });
  const end = inp('end_time', { type: 'time', value: m.end_time || '' });
  const place = inp('place', { maxlength: 100, value: m.place || '' });
  const host = inp('host', { maxlength: 50, value: m.host || '' });
  const lecturer = inp('lecturer', { maxlength: 50, value: m.lecturer || '' });
  const topic = inp('topic', { maxlength: 200, value: m.topic || '' });
  const agenda = area('agenda', 2);
  const minutes = area('minutes', 5);
  const resolutions = area('resolutions', 3);
  const hours = inp('hours', {
    type: 'number', min: 0, max: 24, step: 0.1, inputmode: 'decimal', class: 'narrow-num',
    value: m.hours != null && !isNew ? String(m.hours) : '', placeholder: '按起止时间计算',
  });
  const vote = h('input', { type: 'checkbox', id: 'mt-vote', name: 'vote', testid: 'input-vote', checked: !!m.vote });
  const att = attendanceBox();
  // 扫码签到 (checkin.js): offered for today's meeting of an organization with check-in on
  const ci = isNew ? checkinSwitch(() => { rosterKey = null; loadRoster(); }) : null;
  if (ci) heldOn.addEventListener('change', () => ci.update(kind.value === 'talk' ? null : currentOrg(), heldOn.value, today()));
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite', testid: 'form-msg' });
  const orgLine = h('p', { class: 'muted', testid: 'meeting-org' });

  const fLecturer = fieldBox('lecturer', '授课人', lecturer, { required: true });
  const fTopic = fieldBox('topic', '主题', topic, { wide: false });
  const fGroup = fieldBox('group', '党小组', groupSel, { required: true });
  const fVote = fieldBox('vote', '进行表决（须到会有表决权的党员超过应到会有表决权党员的半数）', vote, { bool: true, wide: true });
  const attErr = h('div', { class: 'field-error', 'aria-live': 'polite', dataset: { errorFor: 'attendance' }, testid: 'field-error-attendance' });
  const save = h('button', { class: 'btn btn-primary', type: 'submit', testid: 'meeting-save' }, '保存');
  const form = h('form', { class: 'card meeting-form', novalidate: true, testid: 'meeting-form', onsubmit: submit },
    h('div', { class: 'form-grid' },
      isNew ? fieldBox('org_id', '党支部', picker.input, { required: true, wide: true, control: picker.el }) : null,
      fieldBox('kind', '会议类型', kind, { required: true }),
      fGroup,
      fieldBox('held_on', '日期', heldOn, { required: true }),
      fieldBox('start_time', '开始时间', start, { required: true }),
      fieldBox('end_time', '结束时间', end, { required: true }),
      fieldBox('place', '地点', place),
      fieldBox('host', '主持人', host),
      fLecturer, fTopic,
      fieldBox('hours', '学时', hours, { hint: '留空按起止时间计算（每小时 1 学时）' }),
      fVote,
      ci ? ci.el : null,
      fieldBox('agenda', '议程', agenda, { wide: true }),
      fieldBox('minutes', '会议记录', minutes, { wide: true }),
      fieldBox('resolutions', '决议', resolutions, { wide: true })),
    h('fieldset', { class: 'att-fieldset' }, h('legend', null, '参会情况'), orgLine, att.el, attErr),
    msg,
    h('div', { class: 'form-actions' }, save,
      h('a', { class: 'btn', href: '#/life', testid: 'meeting-cancel' }, '返回日历')));

  append(view, [h('div', { class: 'page-head' },
    h('h2', { testid: 'meeting-title' }, isNew ? '记录会议' : `${kindName(m.kind)} · ${String(m.held_on).slice(0, 10)}`),
    !isNew && m.counts ? h('span', { class: 'muted' }, `出席 ${m.counts.present} · 请假 ${m.counts.leave} · 缺席 ${m.counts.absent}`) : null),
  !isNew && m.quorum ? notice(`表决：应到会有表决权党员 ${m.quorum.expected_voters} 名，实到 ${m.quorum.present_voters} 名`, 'info', 'meeting-quorum') : null,
  !isNew && m.checkin ? checkinPanel(m) : null,
  form,
  !isNew ? meetingFilesCard(m.id) : null]);

  function fillKinds() {
    const prev = kind.value || m.kind || (group ? 'group' : (query.get('kind') || 'theme_day'));
    const okKinds = isNew ? (branch ? [...kindsFor(branch.kind), ...(groups.length ? [KINDS.find((k) => k.key === 'group')] : [])]
      : KINDS) : KINDS.filter((k) => k.key === m.kind);
    const uniq = [...new Map(okKinds.map((k) => [k.key, k])).values()]
      .filter((k) => !(isNew && k.key === 'committee' && branch && !(Number(branch.committee_size) > 0)));
    uniq.sort((a, b) => KINDS.indexOf(a) - KINDS.indexOf(b));
    replace(kind, uniq.map((k) => h('option', { value: k.key }, k.name)));
    kind.value = uniq.some((k) => k.key === prev) ? prev : (uniq[0] ? uniq[0].key : '');
  }

  let groups = [];
  async function branchChanged() {
    groups = [];
    if (branch && isNew) {
      try { groups = await groupsOf(branch.id); } catch { groups = []; }
    }
    replace(groupSel, groups.map((g) => h('option', { value: String(g.id) }, g.name)));
    if (group) groupSel.value = String(group.id);
    fillKinds();
    await kindChanged();
  }

  function currentOrg() {
    if (!isNew) return org;
    if (kind.value === 'group') return groups.find((g) => String(g.id) === groupSel.value) || null;
    return branch;
  }

  async function kindChanged() {
    const k = kind.value;
    fGroup.hidden = !isNew || k !== 'group';
    fLecturer.hidden = k !== 'lecture';
    fTopic.querySelector('label').firstChild.textContent = k === 'lecture' ? '党课主题' : '主题';
    fVote.hidden = k !== 'party_congress';
    if (k !== 'party_congress') vote.checked = false;
    if (ci) await ci.update(k === 'talk' ? null : currentOrg(), heldOn.value, today());
    await loadRoster();
  }

  let rosterSeq = 0;
  let rosterKey = null;
  async function loadRoster() {
    const o = currentOrg();
    // Same organization (and the same default): keep the taps already made.
    const scan = !!(ci && ci.checked());
    const key = o ? `${o.id}:${kind.value === 'talk'}:${kind.value === 'committee'}:${scan}` : '';
    if (key && key === rosterKey) return;
    rosterKey = key;
    const my = ++rosterSeq;
    orgLine.textContent = o ? `${o.name} 的在册党员（点按姓名切换：出席 → 请假 → 缺席）` : '请先选择党支部';
    if (!o) { att.set([], () => ({})); return; }
    let members = [];
    try { members = await roster(o.id); } catch (e) { if (my === rosterSeq) { rosterKey = null; msg.replaceChildren(notice(e.message, 'error')); } return; }
    if (my !== rosterSeq) return;
    const talk = kind.value === 'talk';
    const cm = kind.value === 'committee';
    let cmHint = '';
    const marks = new Set();
    if (cm) {
      const size = Number((isNew ? branch : org)?.committee_size) || 0;
      const need = Math.floor(size / 2) + 1;
      cmHint = `支委会：本支部支委 ${size} 名，须有 ${need} 名以上支委到会。请勾选哪些党员是支委。`;
      if (isNew) {
        // The 支委 marked at the branch's last 支委会, else the secretary.
        try {
          const last = await api.get(`/api/v1/meetings${qs({ org: o.id, kind: 'committee', per_page: 1 })}`);
          if (last.items && last.items[0]) {
            const rec = await api.get(`/api/v1/meetings/${last.items[0].id}`);
            for (const a of rec.attendance || []) if (a.committee) marks.add(a.member_id);
          }
        } catch { /* no hint */ }
        if (!marks.size && o.secretary_member_id) marks.add(o.secretary_member_id);
        if (my !== rosterSeq) return;
      }
    }
    if (!isNew) {
      const rec = new Map((m.attendance || []).map((a) => [a.member_id, a]));
      att.set(members, (x) => rec.get(x.id) || { status: 'absent' },
        [cmHint, (m.attendance || []).some((a) => !members.some((x) => x.id === a.member_id)) ? '原记录中已不在本组织的党员不再列出。' : ''].filter(Boolean).join(' '), cm);
    } else {
      att.set(members, (x) => ({ status: talk || scan ? 'absent' : 'present', committee: marks.has(x.id) }),
        cmHint || (talk ? '谈心谈话：请把谈话对象点为“出席”。' : scan ? '扫码签到：默认缺席，党员扫码后记为出席；请假的可先登记。' : '默认全部出席。'), cm);
    }
  }

  await branchChanged();

  async function submit(ev) {
    ev.preventDefault();
    clearFieldErrors(form);
    msg.replaceChildren();
    const errs = [];
    const o = currentOrg();
    if (isNew && !o) errs.push([kind.value === 'group' ? 'group' : 'org_id', kind.value === 'group' ? '请选择党小组' : '请查找并选择党支部']);
    if (!heldOn.value) errs.push(['held_on', '请填写日期']);
    else if (heldOn.value > today()) errs.push(['held_on', '日期不能晚于今天']);
    if (!start.value) errs.push(['start_time', '请填写开始时间']);
    if (!end.value) errs.push(['end_time', '请填写结束时间']);
    if (start.value && end.value && end.value <= start.value) errs.push(['end_time', '结束时间须晚于开始时间']);
    if (kind.value === 'lecture' && !lecturer.value.trim()) errs.push(['lecturer', '请填写授课人']);
    if (kind.value === 'lecture' && !topic.value.trim()) errs.push(['topic', '请填写党课主题']);
    const noReason = att.missingReason();
    if (noReason) errs.push(['attendance', `请填写 ${noReason.name} 的请假事由`]);
    if (errs.length) {
      errs.reverse().forEach(([k, t]) => {
        if (k === 'attendance') { attErr.textContent = t; form.querySelector('[data-testid="att-reason"]')?.focus(); } else showFieldError(form, k, t);
      });
      return;
    }
    const text = (el) => el.value.trim();
    const body = {};
    if (isNew) { body.org_id = Number(o.id); body.kind = kind.value; }
    body.held_on = heldOn.value;
    body.start_time = start.value;
    body.end_time = end.value;
    for (const [k, el] of [['place', place], ['host', host], ['topic', topic], ['agenda', agenda], ['minutes', minutes], ['resolutions', resolutions]]) {
      if (text(el) || !isNew) body[k] = text(el) || null;
    }
    if (kind.value === 'lecture') body.lecturer = text(lecturer);
    body.hours = hours.value === '' ? null : Number(hours.value);
    if (kind.value === 'party_congress') body.vote = vote.checked;
    if (att.size) body.attendance = att.value();
    if (!isNew) body.version = m.version;
    if (ci && ci.checked()) body.checkin = true;
    save.disabled = true;
    try {
      const r = isNew ? await api.post('/api/v1/meetings', body) : await api.patch(`/api/v1/meetings/${m.id}`, body);
      toast(`已保存${kindName(r.kind || kind.value)}（出席 ${r.counts ? r.counts.present : ''} 人）`);
      // Show the month on the calendar; the tree moves to the holding organization unless it is already inside.
      const cur = selectedOrg();
      const held = isNew ? o : org;
      if (held && (!cur || !(String(held.path || '').includes(`/${cur.id}/`) || String(cur.id) === String(held.id)))) {
        selectOrg(held);
        treeApi()?.reveal(held.path, held.id).catch(() => {});
      }
      navigate(body.checkin ? `#/life/${r.id}` : `#/life?m=${body.held_on.slice(0, 7)}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        msg.append(h('div', { class: 'notice notice-error', role: 'alert', testid: 'conflict' },
          '该会议记录已被他人修改，本次修改未保存。',
          h('button', { class: 'btn', type: 'button', testid: 'conflict-reload', onclick: rerender }, '重新加载')));
      } else if (/^meeting\.(quorum|vote|committee_)/.test(e.rule) || !e.field) {
        msg.append(e.rule ? ruleError(e) : notice(e.message, 'error'));
      } else if (e.field === 'attendance' || String(e.field).startsWith('attendance')) {
        attErr.textContent = e.message;
        msg.append(ruleError(e));
      } else if (!showFieldError(form, e.field, e.message)) {
        msg.append(e.rule ? ruleError(e) : notice(e.message, 'error'));
      }
    } finally {
      save.disabled = false;
    }
  }
}
