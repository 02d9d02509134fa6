// 党内统计: placeholder until the module lands.
import { h } from './dom.js';

export function renderStats(view, path, query) {
  view.append(h('h1', { class: 'page-title' }, '党内统计'));
}
