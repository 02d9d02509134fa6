// National code tables from GET /api/v1/codes, loaded once.
import { api } from './api.js';
import { h } from './dom.js';
import { MEMBER_STATE } from './labels.js';

let tables = null;
let pending = null;

export async function loadCodes() {
  if (tables) return tables;
  if (!pending) {
    pending = api.get('/api/v1/codes').then((t) => { tables = t || {}; return tables; })
      .finally(() => { pending = null; });
  }
  return pending;
}

// Used only if the server's tables lack these (they are fixed by the API contract).
const FALLBACK = {
  category: [{ code: 'full', name: '正式党员' }, { code: 'probationary', name: '预备党员' }],
  person_type: [{ code: 'employed', name: '在职' }, { code: 'retired', name: '离退休' },
    { code: 'farmer', name: '农民' }, { code: 'student', name: '学生' }, { code: 'other', name: '其他' }],
  party_status: [{ code: 'normal', name: '正常' }, { code: 'suspended', name: '停止党籍' }],
  gender: [{ code: '1', name: '男' }, { code: '2', name: '女' }],
  state: Object.entries(MEMBER_STATE).map(([code, name]) => ({ code, name })),
};

export function codeList(table) {
  const t = tables && tables[table];
  return Array.isArray(t) && t.length ? t : (FALLBACK[table] || []);
}

export function codeName(table, code) {
  if (code === null || code === undefined || code === '') return '';
  const hit = codeList(table).find((c) => String(c.code) === String(code));
  return hit ? hit.name : String(code);
}

export function codeByName(table, name) {
  const hit = codeList(table).find((c) => c.name === name);
  return hit ? hit.code : '';
}

// <option>s for a <select>; `empty` adds a first blank option with that text.
export function codeOptions(table, selected, empty = '请选择') {
  const opts = [];
  if (empty !== null) opts.push(h('option', { value: '' }, empty));
  for (const c of codeList(table)) {
    opts.push(h('option', { value: c.code, selected: String(c.code) === String(selected ?? '') }, c.name));
  }
  return opts;
}
