// 审计日志: the hash-chained log of writes and reveals, with 校验 (verify the chain).
import { api, qs } from './api.js';
import { h, replace, notice, loading, fmtTime } from './dom.js';

const PER_PAGE = 50;
const ENTITIES = { '': '全部对象', member: '党员', org: '组织', transfer: '转接', user: '账号', session: '登录', import: '导入' };
const SHOWN = new Set(['id', 'at', 'actor', 'actor_name', 'username', 'user_id', 'action', 'entity', 'entity_id']);

export async function renderAudit(view, m, query) {
  const state = { entity: query.get('entity') || '', entity_id: query.get('entity_id') || '', page: 1 };
  const entity = h('select', { 'aria-label': '对象类型', value: state.entity },
    Object.entries(ENTITIES).map(([k, v]) => h('option', { value: k }, v)));
  const entityId = h('input', { 'aria-label': '对象编号', placeholder: '对象编号', inputmode: 'numeric', value: state.entity_id, class: 'narrow' });
  const verifyOut = h('div', { 'aria-live': 'polite', testid: 'audit-verify-result' });
  const box = h('div', { class: 'table-wrap' });
  const pager = h('div', { class: 'pager' });
  const verifyBtn = h('button', { class: 'btn', type: 'button', testid: 'audit-verify', onclick: verify }, '校验日志完整性');

  view.append(
    h('div', { class: 'page-head' }, h('h2', null, '审计日志'), h('div', { class: 'actions' }, verifyBtn)),
    verifyOut,
    h('form', {
      class: 'toolbar', onsubmit: (e) => {
        e.preventDefault(); state.entity = entity.value; state.entity_id = entityId.value.trim(); state.page = 1; load();
      },
    }, entity, entityId, h('button', { class: 'btn btn-primary', type: 'submit' }, '查询')),
    box, pager);

  async function verify() {
    verifyBtn.disabled = true;
    replace(verifyOut, loading('正在校验……'));
    try {
      const r = await api.get('/api/v1/audit/verify');
      replace(verifyOut, r.ok
        ? notice(`校验通过：共 ${r.count} 条记录，哈希链完整，未发现篡改。`, 'ok')
        : notice(`校验失败：第 ${r.first_bad_id} 条记录起哈希链断裂（${r.reason || '原因未知'}）。请立即报告系统管理员。`, 'error'));
    } catch (e) {
      replace(verifyOut, notice(e.message, 'error'));
    } finally {
      verifyBtn.disabled = false;
    }
  }

  async function load() {
    replace(box, loading());
    try {
      const r = await api.get(`/api/v1/audit${qs({ entity: state.entity, entity_id: state.entity_id, page: state.page, per_page: PER_PAGE })}`);
      const items = r.items || [];
      replace(box, items.length ? h('table', { class: 'grid', testid: 'audit-table' },
        h('thead', null, h('tr', null, ['序号', '时间', '操作人', '操作', '对象', '详情'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, items.map(row))) : h('p', { class: 'empty' }, '暂无记录'));
      const pages = Math.max(1, Math.ceil((r.total || 0) / PER_PAGE));
      replace(pager, h('span', null, `共 ${r.total || 0} 条`),
        h('button', { class: 'btn', type: 'button', disabled: state.page <= 1, onclick: () => { state.page -= 1; load(); } }, '上一页'),
        h('span', null, `第 ${state.page} / ${pages} 页`),
        h('button', { class: 'btn', type: 'button', disabled: state.page >= pages, onclick: () => { state.page += 1; load(); } }, '下一页'));
    } catch (e) {
      replace(box, notice(e.message, 'error'));
    }
  }

  function row(x) {
    const rest = Object.fromEntries(Object.entries(x).filter(([k]) => !SHOWN.has(k)));
    const who = x.actor_name || x.actor || x.username || (x.user_id ? `用户 ${x.user_id}` : '系统');
    return h('tr', null,
      h('td', null, String(x.id ?? '')), h('td', null, fmtTime(x.at)), h('td', null, String(who)),
      h('td', null, x.action || ''), h('td', null, `${ENTITIES[x.entity] || x.entity || ''} ${x.entity_id ?? ''}`),
      h('td', null, Object.keys(rest).length
        ? h('details', null, h('summary', null, '查看'), h('pre', { class: 'json' }, JSON.stringify(rest, null, 2))) : ''));
  }

  await load();
}
