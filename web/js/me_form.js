// 党员基本信息采集表, filled and printable (RULES.md §5, shared/data/codes.md): the 16 items of the national
// collection form with the lines for the member's signature and the collector, branch secretary and 基层党委.
// #/me/form: the member's own; #/members/{id}/form: a secretary or admin prints it for a member in scope.
// 公民身份号码 and 联系电话 are masked in every reply; the full values come only through the audited reveal
// (POST /api/v1/members/{id}/reveal), which the member may use on their own record and admins on their subtree
// — a 支部书记's print keeps the masks and the member writes the full number by hand when signing.
import { api } from './api.js';
import { h, notice, loading, toast } from './dom.js';
import { loadCodes, codeName } from './codes.js';
import { session, isAdmin } from './session.js';

const yesNo = (b) => (b ? '是' : '否');

// The form's items in its order: [no, label, value, testid]
function items(m) {
  return [
    [1, '姓名', m.name, 'form-name'],
    [2, '性别', codeName('gender', m.gender), 'form-gender'],
    [3, '公民身份号码', m.id_number, 'form-id-number'],
    [4, '民族', codeName('ethnicity', m.ethnicity), 'form-ethnicity'],
    [5, '出生日期', m.birth_date, 'form-birth-date'],
    [6, '学历', codeName('education', m.education), 'form-education'],
    [7, '人员类别', codeName('category', m.category), 'form-category'],
    [8, '所在党支部', m.org_name, 'form-org'],
    [9, '入党日期', m.join_date, 'form-join-date'],
    [10, '转为正式党员日期', m.full_date, 'form-full-date'],
    [11, '工作岗位', codeName('job', m.job), 'form-job'],
    [12, '联系电话', m.phone, 'form-phone'],
    [13, '家庭住址', m.address, 'form-address'],
    [14, '党籍状态', codeName('party_status', m.party_status), 'form-party-status'],
    [15, '是否为失联党员', m.lost_contact ? `是（${m.lost_since || '失联日期未登记'}起）` : '否', 'form-lost'],
    [16, '是否为流动党员', yesNo(m.floating), 'form-floating'],
  ];
}

function sheet(m) {
  const cells = {};
  const rows = items(m).map(([no, label, value, testid]) => {
    const td = h('td', { class: 'cf-value', testid }, value || '');
    cells[testid] = td;
    return h('tr', null, h('th', { scope: 'row', class: 'cf-label' }, h('span', { class: 'cf-no' }, `${no}. `), label), td);
  });
  const line = (label) => h('p', { class: 'cf-sign-line' },
    h('span', null, `${label}：`), h('span', { class: 'cf-blank' }), h('span', null, '日期：'),
    h('span', { class: 'cf-blank cf-blank-short' }), '年', h('span', { class: 'cf-blank cf-blank-tiny' }), '月',
    h('span', { class: 'cf-blank cf-blank-tiny' }), '日');
  const el = h('article', { class: 'cf-sheet', testid: 'form-sheet' },
    h('h1', { class: 'cf-title' }, '党员基本信息采集表'),
    h('p', { class: 'cf-sub' }, h('span', null, `所在党支部：${m.org_name || ''}`)),
    h('table', { class: 'cf-table', testid: 'form-table' }, h('tbody', null, rows)),
    h('p', { class: 'cf-note' }, '本人已核对以上信息，确认无误。'),
    h('div', { class: 'cf-sign', testid: 'form-sign' },
      line('本人签字'), line('信息采集人签字'), line('党支部书记签字'),
      h('p', { class: 'cf-sign-line' }, h('span', null, '基层党委（盖章）：'), h('span', { class: 'cf-blank' }))),
    h('p', { class: 'cf-foot muted' }, '本表由党建管理系统导出，经党员本人核对签字、党支部和基层党委审核后存档。'));
  return { el, cells };
}

async function renderSheet(page, m, canReveal, revealNote) {
  const { el, cells } = sheet(m);
  const msg = h('div', { 'aria-live': 'polite', testid: 'form-message' });
  const revealBtn = canReveal ? h('button', {
    class: 'btn', type: 'button', testid: 'form-reveal',
    onclick: async () => {
      revealBtn.disabled = true;
      msg.replaceChildren();
      for (const [field, testid] of [['id_number', 'form-id-number'], ['phone', 'form-phone']]) {
        try {
          const r = await api.post(`/api/v1/members/${m.id}/reveal`, { field });
          cells[testid].textContent = r.value;
          cells[testid].dataset.revealed = '1';
        } catch (e) {
          if (e.status !== 404) msg.append(notice(e.message, 'error'));
        }
      }
      toast('已显示完整信息（已记录查看日志）');
    },
  }, '显示完整身份证号和电话') : null;
  const bar = h('div', { class: 'cf-bar no-print' },
    revealBtn,
    h('button', { class: 'btn btn-primary', type: 'button', testid: 'form-print', onclick: () => window.print() }, '打印'),
    h('p', { class: 'muted small' }, revealNote));
  page.append(bar, msg, el);
}

// #/me/form (bare layout, phone first)
export async function renderMyForm(view) {
  const page = h('div', { class: 'me-page cf-page', testid: 'me-form-page' });
  view.append(page);
  page.append(h('header', { class: 'me-top no-print' },
    h('a', { class: 'btn btn-ghost', href: '#/me', testid: 'me-back' }, '‹ 返回'),
    h('span', { class: 'brand' }, '党员基本信息采集表')), loading());
  try {
    const [m] = await Promise.all([api.get('/api/v1/me'), loadCodes()]);
    page.lastChild.remove();
    await renderSheet(page, m, true, '打印前可显示完整身份证号和电话（每次查看都会记录）。打印后请核对并签字。');
  } catch (e) {
    page.lastChild.replaceWith(h('div', { class: 'me-card' }, notice(e.message, 'error', 'me-form-error')));
  }
}

// #/members/{id}/form (the main layout): the same sheet for a member in the officer's scope
export async function renderMemberFormPrint(view, id) {
  const page = h('div', { class: 'cf-page', testid: 'member-form-page' });
  view.append(page);
  page.append(h('div', { class: 'page-head no-print' }, h('h2', null, '打印党员基本信息采集表'),
    h('div', { class: 'actions' }, h('a', { class: 'btn', href: `#/members/${id}`, testid: 'form-back' }, '返回党员详情'))), loading());
  try {
    const [m] = await Promise.all([api.get(`/api/v1/members/${id}`), loadCodes()]);
    page.lastChild.remove();
    const self = session.user && Number(session.user.member_id) === Number(m.id);
    const can = isAdmin() || self;
    await renderSheet(page, m, can, can ? '打印前可显示完整身份证号和电话（每次查看都会记录）。'
      : '身份证号和电话按规定遮挡显示，请党员本人签字时核对填写。');
  } catch (e) {
    page.lastChild.replaceWith(notice(e.message, 'error', 'member-form-error'));
  }
}
