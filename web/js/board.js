// 党务公开栏: placeholder until the module lands.
import { h } from './dom.js';

export function renderBoard(view, query) {
  view.append(h('h1', { class: 'page-title' }, '党务公开栏'));
}
