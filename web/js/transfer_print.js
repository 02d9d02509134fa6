// 介绍信 print view: the letter and its 回执 (receipt stub), printable on A4.
import { api } from './api.js';
import { h, loading, notice } from './dom.js';
import { TRANSFER_STATUS } from './labels.js';
import { loadCodes, codeName } from './codes.js';

function cnDate(s) {
  if (!s) return '　　年　　月　　日';
  const [y, m, d] = String(s).slice(0, 10).split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
}

function cnMonth(s) {
  if (!s) return '　　年　　月';
  const [y, m] = String(s).split('-');
  return `${y}年${Number(m)}月`;
}

function days(from, to) {
  const a = Date.parse(from); const b = Date.parse(to);
  return Number.isNaN(a) || Number.isNaN(b) ? '' : Math.round((b - a) / 86400000);
}

export async function renderTransferPrint(view, id) {
  view.append(loading());
  const [t] = await Promise.all([api.get(`/api/v1/transfers/${id}`), loadCodes()]);
  // The member's details fill the letter if the caller may still read them.
  const m = await api.get(`/api/v1/members/${t.member_id}`).catch(() => null);
  view.replaceChildren();
  const who = m
    ? `${t.member_name} 同志（${codeName('gender', m.gender)}，${m.age ?? ''}岁，${codeName('ethnicity', m.ethnicity)}），系中共${codeName('category', m.category) || '正式党员'}，身份证号码 ${m.id_number}`
    : `${t.member_name} 同志`;
  const validity = days(t.issued_on, t.valid_until);
  const to = t.to_org_name || '';

  view.append(
    h('div', { class: 'page-head no-print' },
      h('h2', null, '介绍信'),
      h('div', { class: 'actions' },
        h('button', { class: 'btn btn-primary', type: 'button', onclick: () => window.print(), testid: 'print-btn' }, '打印'),
        h('a', { class: 'btn', href: '#/transfers?direction=out' }, '返回转接列表'))),
    ['rejected', 'cancelled'].includes(t.status)
      ? notice(`此介绍信${TRANSFER_STATUS[t.status]}${t.reject_reason ? `（理由：${t.reject_reason}）` : ''}，已失效，仅供查阅。`, 'warn', 'letter-void')
      : null,
    h('article', { class: `letter${['rejected', 'cancelled'].includes(t.status) ? ' void' : ''}`, testid: 'transfer-letter' },
      h('h1', null, '中国共产党党员组织关系介绍信'),
      h('p', { class: 'serial' }, '编号：', h('span', { class: 'mono', testid: 'letter-serial' }, t.serial)),
      h('p', { class: 'to' }, `${to}：`),
      h('p', { class: 'body' }, `兹介绍 ${who}，由 ${t.from_org_name} 转到 ${to}，请转接组织关系。`),
      t.reason ? h('p', { class: 'body' }, `转接原因：${t.reason}。`) : null,
      h('p', { class: 'body', testid: 'letter-dues' }, `该同志党费已交到 ${cnMonth(t.dues_paid_to)}。`),
      h('p', { class: 'body', testid: 'letter-validity' }, `（有效期${validity ? ` ${validity} 天` : ''}，至 ${cnDate(t.valid_until)}）`),
      h('div', { class: 'sign' }, h('p', null, `${t.from_org_name}（盖章）`), h('p', null, cnDate(t.issued_on))),
      h('hr', { class: 'cut' }),
      h('h2', null, '回　执'),
      h('p', { class: 'to' }, `${t.from_org_name}：`),
      h('p', { class: 'body' }, `${t.member_name} 同志的党员组织关系已转达我处，特此回复。（编号：${t.serial}）`),
      h('div', { class: 'sign' }, h('p', null, `${to}（盖章）`), h('p', null, cnDate(t.status === 'confirmed' ? t.decided_on : null)))));
}
