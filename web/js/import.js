// 导入党员: upload a .xlsx or .csv as the raw body; all or nothing, with a per-row error table.
import { api, qs, ApiError } from './api.js';
import { h, replace, notice, loading } from './dom.js';
import { orgReady, treeApi } from './layout.js';
import { isBranchKind } from './branches.js';

const MAX_BYTES = 64 * 1024 * 1024;

export async function renderImport(view) {
  view.append(loading());
  const org = await orgReady();
  view.replaceChildren();

  const file = h('input', { id: 'import-file', type: 'file', accept: '.xlsx,.csv', testid: 'import-file' });
  const dry = h('input', { id: 'import-dry', type: 'checkbox', testid: 'import-dry-run' });
  const go = h('button', { class: 'btn btn-primary', type: 'submit', testid: 'import-submit' }, '开始导入');
  const result = h('div', { class: 'import-result', 'aria-live': 'polite', testid: 'import-result' });

  const form = h('form', { class: 'import-form', novalidate: true, onsubmit: submit },
    h('p', null, '导入到：', h('strong', { testid: 'import-org' }, org ? org.name : '（请先在左侧选择党支部）')),
    org && !isBranchKind(org.kind) ? notice('当前选择的不是党支部。请在左侧组织树中选择党员所在的党支部后再导入。', 'warn') : null,
    h('ol', { class: 'steps' },
      h('li', null, '下载模板，按模板各列填写（一行一名党员，日期格式 2020-07-01）：',
        h('a', { href: '/api/v1/import/template?format=xlsx', download: '党员导入模板.xlsx', testid: 'import-template' }, '下载 Excel 模板'),
        ' · ',
        h('a', { href: '/api/v1/import/template?format=csv', download: '党员导入模板.csv', testid: 'import-template-csv' }, 'CSV 模板')),
      h('li', null, '选择填好的文件（.xlsx 或 .csv）：'),
      h('li', null, '全部行校验通过才会写入；有任何错误则一行也不写入，并列出每个错误。')),
    h('div', { class: 'field' }, h('label', { for: 'import-file' }, '导入文件'), file),
    h('label', { class: 'check' }, dry, ' 只校验，不写入'),
    h('div', { class: 'form-actions' }, go, h('a', { class: 'btn', href: '#/members' }, '返回名册')));

  view.append(
    h('div', { class: 'page-head' }, h('h2', null, '导入党员')),
    h('section', { class: 'card dialog-card', role: 'dialog', 'aria-labelledby': 'import-title', testid: 'import-dialog' },
      h('h3', { id: 'import-title' }, '从 Excel / CSV 文件导入'), form, result));

  async function submit(ev) {
    ev.preventDefault();
    result.replaceChildren();
    const f = file.files && file.files[0];
    if (!org) { result.append(notice('请先在左侧组织树中选择要导入到的党支部', 'error')); return; }
    if (!f) { result.append(notice('请选择要导入的文件', 'error', 'import-error')); return; }
    if (!/\.(xlsx|csv)$/i.test(f.name)) { result.append(notice('只支持 .xlsx 或 .csv 文件', 'error', 'import-error')); return; }
    if (f.size > MAX_BYTES) { result.append(notice('文件超过 64 MB，请拆分后导入', 'error', 'import-error')); return; }
    go.disabled = true;
    go.textContent = '正在导入……';
    try {
      const r = await api.upload(`/api/v1/import/members${qs({ org: org.id, dry_run: dry.checked ? 1 : '' })}`, f);
      const n = (r && r.imported) ?? 0;
      result.append(notice(dry.checked ? `校验通过，可导入 ${n} 名党员（未写入）` : `成功导入 ${n} 名党员`, 'ok', 'import-success'));
      if (!dry.checked) {
        const tree = treeApi();
        if (tree) tree.reload(org.id).catch(() => {});
        file.value = '';
      }
    } catch (e) {
      showErrors(e);
    } finally {
      go.disabled = false;
      go.textContent = '开始导入';
    }
  }

  function showErrors(e) {
    const rows = (e instanceof ApiError && Array.isArray(e.body.rows)) ? e.body.rows : [];
    const report = e instanceof ApiError ? e.body.report : null;
    result.append(notice(rows.length ? `${e.message}（共 ${rows.length} 处错误，未导入任何数据）` : e.message, 'error', 'import-error'));
    if (report) {
      result.append(h('p', null, h('a', {
        href: `/api/v1/import/reports/${encodeURIComponent(report)}`, download: '导入错误报告.xlsx', testid: 'import-report',
      }, '下载错误报告（Excel）')));
    }
    if (!rows.length) return;
    const wrap = h('div', { class: 'table-wrap' });
    replace(wrap, h('table', { class: 'grid', testid: 'import-errors' },
      h('thead', null, h('tr', null, ['行', '列', '值', '原因'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, rows.map((r) => h('tr', { testid: 'import-error-row' },
        h('td', null, String(r.row ?? '')), h('td', null, r.column ?? ''),
        h('td', { class: 'mono' }, r.value ?? ''), h('td', null, r.reason ?? ''))))));
    result.append(wrap);
  }
}
