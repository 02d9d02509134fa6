// 工作台账 (#/work/<module>[/...]): one router entry for the work-tracking modules of issue 6.
// Each module lives in its own file web/js/work_<key>.js exporting
//   render(view, sub, query)   sub: the path after /work/<key> ('' | '/12' | '/12/edit' …)
// and is loaded on first use, so a module is added by writing its file and one line below.
import { h, notice } from './dom.js';
import { navigate } from './router.js';

export const WORK_MODULES = [
  { key: 'projects', name: '党建项目' },
  { key: 'commitments', name: '承诺践诺' },
  { key: 'tasks', name: '任务分解' },
  { key: 'requests', name: '民情诉求' },
  { key: 'visits', name: '走访结对' },
  { key: 'supervision', name: '督查整改' },
  { key: 'decisions', name: '四议两公开' },
  { key: 'secretaries', name: '第一书记' },
  { key: 'volunteers', name: '志愿服务' },
  { key: 'talents', name: '人才储备' },
  { key: 'grid', name: '网格管理' },
];

export function workTabs(active) {
  return h('div', { class: 'work-tabs', role: 'tablist', testid: 'work-tabs' },
    ...WORK_MODULES.map((m) => h('a', {
      class: `work-tab${m.key === active ? ' active' : ''}`, href: `#/work/${m.key}`, role: 'tab',
      'aria-selected': m.key === active ? 'true' : 'false', dataset: { work: m.key },
    }, m.name)));
}

// path: the part after #/work ('' | '/projects' | '/projects/12')
export async function renderWork(view, path, query) {
  const m = /^\/([a-z]+)(\/.*)?$/.exec(path || '');
  if (!m) { navigate(`#/work/${WORK_MODULES[0].key}`); return; }
  const mod = WORK_MODULES.find((x) => x.key === m[1]);
  view.append(h('h1', { class: 'page-title' }, '工作台账'), workTabs(m[1]));
  if (!mod) { view.append(notice('未找到该页面', 'error', 'page-error')); return; }
  let impl;
  try {
    impl = await import(`./work_${mod.key}.js`);
  } catch {
    view.append(notice(`「${mod.name}」尚未开通`, 'info', 'work-missing'));
    return;
  }
  await impl.render(view, m[2] || '', query);
}
