// Fetch wrapper for /api/v1: sends the session cookie, adds X-CSRF-Token on writes,
// and turns the error shape {"error":{code,message,field,rule}} into ApiError.
let csrf = null;
let onUnauth = null;

export function setCsrf(token) { csrf = token || null; }
export function onUnauthenticated(fn) { onUnauth = fn; }

const FALLBACK = {
  0: '无法连接服务器，请检查网络',
  400: '请求格式不正确',
  401: '登录已过期，请重新登录',
  403: '没有权限执行此操作',
  404: '未找到该记录',
  405: '不支持的操作',
  409: '数据冲突，请刷新后重试',
  413: '内容太大，超出上传限制',
  422: '填写的内容不符合要求',
  423: '账号已锁定，请稍后再试',
  500: '服务器内部错误',
};

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || FALLBACK[status] || `请求失败（${status}）`);
    this.name = 'ApiError';
    this.status = status;
    this.code = e.code || '';
    this.field = e.field || '';
    this.rule = e.rule || '';
    this.body = body || {};
  }
}

export async function request(method, path, opts = {}) {
  const headers = { Accept: 'application/json' };
  let payload;
  if (opts.raw !== undefined) {
    payload = opts.raw;
    headers['Content-Type'] = opts.contentType || 'application/octet-stream';
  } else if (opts.body !== undefined) {
    payload = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, null);
  }
  if (res.status === 204) return null;
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    if (res.status === 401 && !opts.quiet401 && onUnauth) onUnauth(err);
    throw err;
  }
  return data;
}

export const api = {
  get: (path, opts) => request('GET', path, opts),
  post: (path, body, opts) => request('POST', path, { ...opts, body }),
  patch: (path, body, opts) => request('PATCH', path, { ...opts, body }),
  put: (path, body, opts) => request('PUT', path, { ...opts, body }),
  del: (path, opts) => request('DELETE', path, opts),
  upload: (path, blob, opts) => request('POST', path, { ...opts, raw: blob }),
};

// Query string from an object, leaving out empty values.
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === '') continue;
    u.set(k, String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : '';
}
