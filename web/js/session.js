// The logged-in user and the CSRF token that goes with the session cookie.
import { api, setCsrf } from './api.js';

export const session = { user: null };

export const ROLE_NAMES = {
  sysadmin: '系统管理员',
  org_admin: '组织部/党委管理员',
  secretary: '支部书记',
  member: '党员',
};

export async function loadSession() {
  try {
    const r = await api.get('/api/v1/session', { quiet401: true });
    session.user = r.user;
    session.features = r.features || null;
    setCsrf(r.csrf);
  } catch (e) {
    if (e.status !== 401) throw e;
    session.user = null;
    setCsrf(null);
  }
  return session.user;
}

export async function login(username, password) {
  const r = await api.post('/api/v1/session', { username, password }, { quiet401: true });
  session.user = r.user;
  session.features = r.features || null;
  setCsrf(r.csrf);
  return r.user;
}

export async function logout() {
  try { await api.del('/api/v1/session', { quiet401: true }); } catch { /* already gone */ }
  session.user = null;
  setCsrf(null);
}

export const role = () => (session.user ? session.user.role : '');
export const isAdmin = () => role() === 'sysadmin' || role() === 'org_admin';
export const isManager = () => isAdmin() || role() === 'secretary';
// GET /session carries features.points = false when points are off for the user's scope; missing = on.
export const pointsOn = () => !(session.features && session.features.points === false);
