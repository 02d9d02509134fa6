// 党费关怀: placeholder until the module lands.
import { h } from './dom.js';

export function renderDues(view, path, query) {
  view.append(h('h1', { class: 'page-title' }, '党费关怀'));
}
