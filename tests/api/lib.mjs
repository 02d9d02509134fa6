// Shared helpers for the API tests: a tiny client, valid ID numbers, fixtures.
import assert from 'node:assert/strict';

export const BASE = process.env.DJ_URL || 'http://127.0.0.1:8080';
export const ADMIN = { username: process.env.DJ_ADMIN_USER || 'admin', password: process.env.DJ_ADMIN_PASS || 'Admin#2026pass' };

export class Client {
  constructor(token) { this.token = token; }
  static async login(username, password) {
    const r = await raw('POST', '/api/v1/session', { username, password, bearer: true });
    assert.equal(r.status, 200, `login ${username}: ${JSON.stringify(r.body)}`);
    return new Client(r.body.token);
  }
  req(method, path, body, headers = {}) {
    return raw(method, path, body, { Authorization: `Bearer ${this.token}`, ...headers });
  }
  get(path) { return this.req('GET', path); }
  post(path, body) { return this.req('POST', path, body); }
  patch(path, body) { return this.req('PATCH', path, body); }
  del(path) { return this.req('DELETE', path); }
}

export async function raw(method, path, body, headers = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
    if (!init.headers['Content-Type']) init.headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(BASE + path, init);
  const type = res.headers.get('content-type') || '';
  let parsed = null;
  if (type.includes('json')) parsed = await res.json();
  else parsed = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, body: parsed, headers: res.headers };
}

// GB 11643-1999 check character
export function idCheck(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(first17[i]) * w[i];
  return '10X98765432'[s % 11];
}

// Each process takes a random area code; the sequence makes numbers unique within it.
const AREA = String(110101 + Math.floor(Math.random() * 8000));
let seq = Math.floor(Math.random() * 400);
// A valid ID number; sex 1 = male (odd 17th digit), 2 = female
export function idNumber(birth = '1980-05-12', sex = 1) {
  seq = (seq + 1) % 500;
  const d17 = 2 * (seq % 5) + (sex === 1 ? 1 : 0);
  const body = AREA + birth.replaceAll('-', '') + String(Math.floor(seq / 5)).padStart(2, '0') + d17;
  return body + idCheck(body);
}

export const uniq = () => Math.random().toString(36).slice(2, 8).toUpperCase();

// A small tree of our own: dept → committee → two branches
export async function makeTree(c, tag = uniq()) {
  const dept = await c.post('/api/v1/orgs', { kind: 'dept', name: `测试县委组织部${tag}`, code: `T${tag}` });
  assert.equal(dept.status, 201, JSON.stringify(dept.body));
  const town = await c.post('/api/v1/orgs', { kind: 'committee', name: `测试镇党委${tag}`, code: `T${tag}Z`, parent_id: dept.body.id, can_approve: true, unit_kind: 'government' });
  assert.equal(town.status, 201, JSON.stringify(town.body));
  const b1 = await c.post('/api/v1/orgs', { kind: 'branch', name: `东村党支部${tag}`, code: `T${tag}B1`, parent_id: town.body.id, unit_kind: 'village' });
  const b2 = await c.post('/api/v1/orgs', { kind: 'branch', name: `西村党支部${tag}`, code: `T${tag}B2`, parent_id: town.body.id, unit_kind: 'village' });
  assert.equal(b1.status, 201); assert.equal(b2.status, 201);
  return { dept: dept.body, town: town.body, b1: b1.body, b2: b2.body, tag };
}

export function memberBody(orgId, over = {}) {
  return {
    org_id: orgId, name: '王建国', id_number: idNumber('1970-03-15', 1), ethnicity: '01', education: '21',
    category: 'full', join_date: '1995-07-01', full_date: '1996-07-01', person_type: 'farmer',
    phone: '139' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0'), address: '东村3组', ...over,
  };
}
