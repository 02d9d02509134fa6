// 党费关怀 (#/dues/<tab>[/...]): one router entry for the dues pages of issue 7. Each tab lives in its own
// file web/js/dues_<key>.js exporting
//   render(view, sub, query)   sub: the path after /dues/<key> ('' | '/12' …)
// loaded on first use (as web/js/work.js does for 工作台账), so a tab is added by writing its file and one line.
import { h, notice } from './dom.js';
import { navigate } from './router.js';

export const DUES_TABS = [
  { key: 'sheet', name: '收缴表' },
  { key: 'member', name: '党费核定' },
  { key: 'reductions', name: '减免审批' },
  { key: 'arrears', name: '欠缴' },
  { key: 'remittance', name: '上缴汇总' },
  { key: 'care', name: '关怀帮扶' },
  { key: 'warnings', name: '脱党预警' },
];

export function duesTabs(active) {
  return h('div', { class: 'work-tabs dues-tabs', role: 'tablist', testid: 'dues-tabs' },
    ...DUES_TABS.map((t) => h('a', {
      class: `work-tab${t.key === active ? ' active' : ''}`, href: `#/dues/${t.key}`, role: 'tab',
      'aria-selected': t.key === active ? 'true' : 'false', dataset: { dues: t.key }, testid: `dues-tab-${t.key}`,
    }, t.name)));
}

// path: the part after #/dues ('' | '/sheet' | '/member/12')
export async function renderDues(view, path, query) {
  const m = /^\/([a-z]+)(\/.*)?$/.exec(path || '');
  if (!m) { navigate(`#/dues/${DUES_TABS[0].key}`); return; }
  const tab = DUES_TABS.find((x) => x.key === m[1]);
  view.append(h('h1', { class: 'page-title' }, '党费关怀'), duesTabs(m[1]));
  if (!tab) { view.append(notice('未找到该页面', 'error', 'page-error')); return; }
  let impl;
  try {
    impl = await import(`./dues_${tab.key}.js`);
  } catch {
    view.append(notice(`「${tab.name}」尚未开通`, 'info', 'dues-missing'));
    return;
  }
  await impl.render(view, m[2] || '', query);
}
