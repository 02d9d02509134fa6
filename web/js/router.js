// Navigation helpers shared by views (kept apart from app.js to avoid import cycles).
export function navigate(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}

export function currentRoute() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const i = raw.indexOf('?');
  return { path: i < 0 ? raw : raw.slice(0, i), query: new URLSearchParams(i < 0 ? '' : raw.slice(i + 1)) };
}

export function rerender() {
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}
