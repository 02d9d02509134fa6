// 党员详情: the form plus 查看完整身份证号 (audited reveal), 转出组织关系 and 变更记录.
import { api } from './api.js';
import { h, replace, notice, loading, toast, fmtTime } from './dom.js';
import { loadCodes } from './codes.js';
import { memberForm } from './member_form.js';
import { isBranchKind } from './branches.js';
import { orgReady } from './layout.js';
import { navigate, rerender } from './router.js';
import { isManager, isAdmin } from './session.js';
import { stateBadges } from './members.js';
import { transferForm } from './transfers.js';
import { photoCard } from './board_settings.js'; // board
import { signinCodeCard } from './signin_code.js'; // one-time sign-in codes

export async function renderMemberDetail(view, id) {
  view.append(loading());
  const org = await orgReady();
  const [member] = await Promise.all([
    id ? api.get(`/api/v1/members/${id}`) : null,
    loadCodes(),
  ]);
  view.replaceChildren();

  if (!member) {
    const defaults = { category: 'full', party_status: 'normal' };
    if (org && isBranchKind(org.kind)) { defaults.org_id = org.id; defaults.org_name = org.name; }
    view.append(
      h('div', { class: 'page-head' }, h('h2', null, '新增党员')),
      h('div', { class: 'card' }, memberForm({
        defaults,
        onSaved: (m) => { toast(`已新增党员 ${m.name}`); navigate(`#/members/${m.id}`); },
      })));
    return;
  }

  const form = memberForm({
    member,
    onSaved: (m) => { toast('修改已保存'); navigate(`#/members/${m.id}`); },
    onReload: () => rerender(),
  });
  view.append(
    h('div', { class: 'page-head' },
      h('h2', { testid: 'member-title' }, member.name, ' ', stateBadges(member)),
      h('div', { class: 'actions' }, isManager() && h('a', { class: 'btn', href: `#/dues/member/${member.id}`, testid: 'member-dues-link' }, '党费'), isManager() && h('a', { class: 'btn', href: `#/members/${member.id}/form`, testid: 'member-form-link' }, '打印采集表'), h('a', { class: 'btn', href: '#/members' }, '返回名册'))),
    h('div', { class: 'card' }, form),
    isManager() && photoCard(member), // board: 党员风采墙 photo (board_settings.js)
    isAdmin() && revealCard(member),
    isManager() && ['active', 'transferring'].includes(member.state) && signinCodeCard(member), // one-time sign-in code
    isManager() && member.state === 'active' && h('div', { class: 'card' },
      h('h3', null, '转出组织关系'), transferForm(member)),
    historyCard(member));
}

function revealCard(member) {
  const out = h('div', { class: 'reveal-out', 'aria-live': 'polite', testid: 'reveal-output' });
  const btn = (field, text) => h('button', {
    class: 'btn', type: 'button', testid: `reveal-${field}`,
    onclick: async (ev) => {
      ev.target.disabled = true;
      try {
        const r = await api.post(`/api/v1/members/${member.id}/reveal`, { field });
        out.append(h('p', null, `${field === 'id_number' ? '公民身份号码' : '联系电话'}：`,
          h('strong', { class: 'mono', testid: `revealed-${field}` }, r.value),
          h('span', { class: 'audit-note' }, '（已记录审计）')));
      } catch (e) {
        out.append(notice(e.message, 'error'));
        ev.target.disabled = false;
      }
    },
  }, text);
  return h('div', { class: 'card' },
    h('h3', null, '敏感信息'),
    h('p', { class: 'muted' }, '身份证号和电话默认脱敏显示。查看完整信息将被记入审计日志。'),
    h('div', { class: 'actions' }, btn('id_number', '查看完整身份证号'), btn('phone', '查看完整电话')),
    out);
}

function historyCard(member) {
  const box = h('div', { class: 'table-wrap' });
  const card = h('details', { class: 'card', testid: 'member-history' },
    h('summary', null, '变更记录'), box);
  let loaded = false;
  card.addEventListener('toggle', async () => {
    if (!card.open || loaded) return;
    loaded = true;
    replace(box, loading());
    try {
      const r = await api.get(`/api/v1/members/${member.id}/history`);
      const items = r.items || [];
      replace(box, items.length ? h('table', { class: 'grid' },
        h('thead', null, h('tr', null, ['时间', '项目', '原值', '新值', '操作人', '说明'].map((t) => h('th', null, t)))),
        h('tbody', null, items.map((x) => h('tr', null,
          h('td', null, fmtTime(x.at)), h('td', null, x.field), h('td', null, x.old_value ?? ''),
          h('td', null, x.new_value ?? ''), h('td', null, x.actor ?? ''), h('td', null, x.note ?? '')))))
        : h('p', { class: 'empty' }, '暂无变更记录'));
    } catch (e) {
      replace(box, notice(e.message, 'error'));
      loaded = false;
    }
  });
  return card;
}
