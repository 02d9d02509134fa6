// 党务公开栏 settings (#/board?org=ID, from the org page): on/off, the sections shown, the notice, the public link
// with its QR code (the PDF), and a new key (the old link stops working). Also the photo card of the member page.
import { api, request, qs } from './api.js';
import { h, replace, notice, loading, toast } from './dom.js';
import { session } from './session.js';
import { rerender } from './router.js';

function checkbox(id, label, checked) {
  const input = h('input', { type: 'checkbox', id, name: id, checked: !!checked, testid: `board-${id}` });
  return { input, row: h('label', { class: 'board-check', for: id }, input, ' ', label) };
}

export async function renderBoardSettings(view, orgId) {
  document.title = '党务公开栏设置';
  if (!session.user) {
    sessionStorage.setItem('dj.after', location.hash);
    location.replace('#/login');
    return;
  }
  const page = h('div', { class: 'board-settings', testid: 'board-settings' });
  view.append(page);
  page.append(loading());
  let s;
  try {
    s = await api.get(`/api/v1/orgs/${orgId}/board`);
  } catch (e) {
    replace(page, h('p', null, h('a', { href: `#/orgs/${orgId}` }, '← 返回组织')), notice(e.message, 'error', 'board-settings-error'));
    return;
  }
  const enabled = checkbox('enabled', '开放公开栏（任何人凭链接或二维码可查看，无需登录）', s.enabled);
  const showDues = checkbox('show_dues', '公开党费交纳情况', s.show_dues);
  const showPoints = checkbox('show_points', s.points_enabled ? '公开积分排行' : '公开积分排行（本组织未启用积分，不显示）', s.show_points);
  const showAppraisal = checkbox('show_appraisal', '公开民主评议结果（各等次人数和优秀党员名单）', s.show_appraisal);
  const noticeText = h('textarea', { id: 'board-notice', name: 'notice', rows: 4, maxlength: 500, testid: 'board-notice-input' });
  noticeText.value = s.notice || '';
  const err = h('div', { class: 'field-error', 'aria-live': 'polite', testid: 'board-settings-form-error' });

  const save = async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    try {
      await api.put(`/api/v1/orgs/${orgId}/board`, {
        version: s.version, enabled: enabled.input.checked, show_dues: showDues.input.checked,
        show_points: showPoints.input.checked, show_appraisal: showAppraisal.input.checked, notice: noticeText.value,
      });
      toast('已保存');
      rerender();
    } catch (e) { err.textContent = e.message; }
  };
  const regenerate = async () => {
    if (!window.confirm('更换链接后，旧链接和已打印的二维码将立即失效。确定更换？')) return;
    try {
      await api.post(`/api/v1/orgs/${orgId}/board/key`, {});
      toast('已更换链接');
      rerender();
    } catch (e) { toast(e.message, 'error'); }
  };

  const pdf = s.key ? `/api/v1/public/board/pdf${qs({ key: s.key })}` : null;
  const link = s.key ? `#/board${qs({ key: s.key })}` : null;
  replace(page,
    h('div', { class: 'page-head' },
      h('h2', null, '党务公开栏 ', h('small', null, s.org_name)),
      h('div', { class: 'actions' }, h('a', { class: 'btn', href: `#/orgs/${orgId}` }, '返回组织'))),
    h('form', { class: 'card', novalidate: true, onsubmit: save, testid: 'board-settings-form' },
      h('h3', null, '设置'),
      enabled.row, showDues.row, showPoints.row, showAppraisal.row,
      h('label', { for: 'board-notice' }, '公告（最多 500 字，显示在公开栏顶部）'), noticeText, err,
      h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'board-save' }, '保存'))),
    h('div', { class: 'card', testid: 'board-link-card' },
      h('h3', null, '公开链接与二维码'),
      s.key
        ? [
          s.enabled ? null : notice('公开栏尚未开放：勾选“开放公开栏”并保存后，链接和二维码才能打开。', 'warn'),
          h('p', null, h('a', { href: link, target: '_blank', rel: 'noopener', class: 'mono board-url', testid: 'board-url' }, s.url || link)),
          h('div', { class: 'actions' },
            s.url && navigator.clipboard ? h('button', { class: 'btn', type: 'button', onclick: () => navigator.clipboard.writeText(s.url).then(() => toast('已复制链接')) }, '复制链接') : null,
            h('a', { class: 'btn', href: pdf, target: '_blank', rel: 'noopener', testid: 'board-settings-pdf' }, '打印版 PDF（含二维码）'),
            h('button', { class: 'btn', type: 'button', onclick: regenerate, testid: 'board-regenerate' }, '更换链接')),
          s.url ? h('figure', { class: 'board-qr' },
            h('img', { src: `/api/v1/orgs/${orgId}/board/qr?v=${s.version}`, alt: '公开栏二维码', width: 180, height: 180, testid: 'board-qr' }),
            h('figcaption', { class: 'muted' }, '扫码打开公开栏；打印版 PDF 上也印有此二维码')) : null,
        ]
        : h('p', { class: 'muted' }, '首次保存后生成公开链接和二维码。')));
}

// 党员风采墙 photo on the member page: upload (JPEG/PNG), replace, remove.
export function photoCard(member) {
  const box = h('div', { class: 'board-photo-box' });
  const show = (has) => {
    replace(box, has
      ? h('img', { class: 'board-photo', src: `/api/v1/members/${member.id}/photo?t=${Date.now()}`, alt: `${member.name}的照片`, testid: 'member-photo' })
      : h('span', { class: 'muted', testid: 'member-photo-none' }, '尚无照片（公开栏显示姓氏头像）'));
  };
  const input = h('input', { type: 'file', accept: 'image/jpeg,image/png', testid: 'member-photo-file', 'aria-label': '选择照片' });
  input.addEventListener('change', async () => {
    const f = input.files && input.files[0];
    if (!f) return;
    try {
      await request('PUT', `/api/v1/members/${member.id}/photo`, { raw: f, contentType: f.type || 'application/octet-stream' });
      toast('照片已上传');
      show(true);
    } catch (e) { toast(e.message, 'error'); }
    input.value = '';
  });
  const del = h('button', {
    class: 'btn', type: 'button', testid: 'member-photo-delete',
    onclick: async () => {
      try { await api.del(`/api/v1/members/${member.id}/photo`); toast('照片已删除'); show(false); } catch (e) { toast(e.message, 'error'); }
    },
  }, '删除照片');
  // whether a photo exists: the image answers 404 without one
  fetch(`/api/v1/members/${member.id}/photo`, { method: 'GET', credentials: 'same-origin' })
    .then((r) => show(r.ok)).catch(() => show(false));
  return h('div', { class: 'card', testid: 'member-photo-card' },
    h('h3', null, '党员风采墙照片'), box,
    h('div', { class: 'actions' }, h('label', { class: 'btn' }, '上传照片（JPEG/PNG，≤5 MB）', input), del));
}
