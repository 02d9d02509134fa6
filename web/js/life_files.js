// 会议记录 · 照片与附件: upload (raw body, ?filename=), the list with download links and thumbnails of
// JPEG/PNG photos; the server's attachment.* refusals in a rule-error box.
import { api, qs } from './api.js';
import { h, replace, notice, toast, fmtTime } from './dom.js';
import { ruleError } from './recruits.js';

const ACCEPT = '.pdf,.jpg,.jpeg,.png,.mp4,application/pdf,image/jpeg,image/png,video/mp4';
const isImage = (f) => /^image\/(jpeg|png)$/.test(f.mime || '') || /\.(jpe?g|png)$/i.test(f.filename || '');

function fmtSize(n) {
  if (n >= 1048576) return `${(n / 1048576).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} B`;
}

export function meetingFilesCard(meetingId) {
  const list = h('div', { class: 'mt-files', testid: 'meeting-files', 'aria-live': 'polite' });
  const file = h('input', { id: 'mt-file', type: 'file', accept: ACCEPT, testid: 'meeting-file' });
  const msg = h('div', { 'aria-live': 'polite', testid: 'meeting-file-msg' });
  const btn = h('button', { class: 'btn btn-primary', type: 'submit', testid: 'meeting-file-upload' }, '上传');

  async function load() {
    let items = [];
    try {
      const r = await api.get(`/api/v1/meetings/${meetingId}/attachments`);
      items = r.items || [];
    } catch (e) {
      replace(list, notice(e.message, 'error'));
      return;
    }
    const photos = items.filter(isImage);
    replace(list,
      photos.length ? h('ul', { class: 'thumbs', testid: 'meeting-thumbs' }, photos.map((f) => h('li', { class: 'thumb' },
        h('a', { href: `/api/v1/attachments/${f.id}`, target: '_blank', rel: 'noopener', title: f.filename },
          h('img', {
            src: `/api/v1/attachments/${f.id}`, alt: f.filename, loading: 'lazy', testid: 'meeting-thumb',
            dataset: { id: f.id },
          }))))) : null,
      items.length ? h('ul', { class: 'file-list' }, items.map((f) => h('li', { testid: 'meeting-file-row', dataset: { id: f.id } },
        h('a', { href: `/api/v1/attachments/${f.id}`, download: f.filename, testid: 'meeting-file-link' }, f.filename),
        h('span', { class: 'muted' }, ` ${fmtSize(f.size || 0)} · ${fmtTime(f.created_at)}`))))
        : h('p', { class: 'muted', testid: 'meeting-files-empty' }, '尚未上传照片或附件。'));
  }

  const form = h('form', {
    class: 'upload-form', novalidate: true, testid: 'meeting-file-form',
    onsubmit: async (ev) => {
      ev.preventDefault();
      msg.replaceChildren();
      const f = file.files && file.files[0];
      if (!f) { msg.append(notice('请选择要上传的文件（PDF、JPEG、PNG 或 MP4）', 'error')); return; }
      btn.disabled = true;
      btn.textContent = '正在上传……';
      try {
        await api.upload(`/api/v1/meetings/${meetingId}/attachments${qs({ filename: f.name })}`, f,
          { contentType: f.type || 'application/octet-stream' });
        toast(`已上传 ${f.name}`);
        file.value = '';
        await load();
      } catch (e) {
        msg.append(e.rule ? ruleError(e) : notice(e.message, 'error'));
      } finally {
        btn.disabled = false;
        btn.textContent = '上传';
      }
    },
  },
  h('div', { class: 'field' }, h('label', { for: 'mt-file' }, '文件'), file),
  btn);

  load();
  return h('div', { class: 'card', testid: 'meeting-attachments' },
    h('h3', null, '照片与附件'), list, form, msg,
    h('p', { class: 'hint' }, '支持 PDF、JPEG、PNG、MP4；照片显示缩略图，点击文件名下载。'));
}
