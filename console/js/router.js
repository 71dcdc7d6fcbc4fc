// Hash routes: every view has its own URL (#/events/ID), so links can be shared, reloads keep
// the place and the back button works, with no server-side routing to keep in step.

export function currentRoute() {
  const hash = window.location.hash.replace(/^#/, '') || '/events';
  const [path, queryString = ''] = hash.split('?');
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { path, segments, params: new URLSearchParams(queryString) };
}

export function href(path, params = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(name, value);
  }
  const text = query.toString();
  return `#${path}${text ? `?${text}` : ''}`;
}

export function navigate(path, params = {}, { replace = false } = {}) {
  const target = href(path, params);
  if (replace) {
    window.history.replaceState(null, '', target);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = target;
  }
}
