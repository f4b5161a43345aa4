// Fetch wrapper for the agent API: cookie session, CSRF header on every
// non-GET request, JSON bodies, and one error type for every failure.
import { t } from './i18n.js';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status; // 0 for network failures
    this.code = code;
  }
}

let csrfToken = '';
export function setCsrf(token) { csrfToken = token || ''; }

const unauthorizedListeners = new Set();
// onUnauthorized registers fn for 401 answers (the session ended).
export function onUnauthorized(fn) {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

// api calls the server. body is sent as JSON, or opts.form (FormData) as
// multipart. Resolves with the parsed JSON (null for 204), rejects with
// ApiError. opts.quiet401 keeps a 401 from signing the console out.
export async function api(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  let payload;
  if (opts.form) {
    payload = opts.form;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', signal: opts.signal, cache: 'no-store' });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', t('err.network'));
  }
  if (res.status === 204) return null;
  let data = null;
  const type = res.headers.get('Content-Type') || '';
  try {
    if (type.includes('json')) data = await res.json();
    else await res.text();
  } catch {
    data = null;
  }
  if (!res.ok) {
    const code = (data && data.error && data.error.code) || `http_${res.status}`;
    let message = (data && data.error && data.error.message) || t('err.http', { status: res.status });
    if (code === 'csrf') message = t('err.csrf');
    const err = new ApiError(res.status, code, message);
    if (res.status === 401 && !opts.quiet401) {
      for (const fn of unauthorizedListeners) fn(err);
    }
    throw err;
  }
  return data;
}

export const get = (path, opts) => api('GET', path, undefined, opts);
export const post = (path, body, opts) => api('POST', path, body === undefined ? {} : body, opts);
export const patch = (path, body, opts) => api('PATCH', path, body, opts);
export const del = (path, opts) => api('DELETE', path, undefined, opts);

// qs builds a query string from an object, leaving out empty values.
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : '';
}

// path joins encoded segments: path('conversations', id) → /api/v1/conversations/ID.
export function apiPath(...segments) {
  return `/api/v1/${segments.map((s) => encodeURIComponent(String(s))).join('/')}`;
}

// errorText is what to show the user for a failure.
export function errorText(err) {
  if (err instanceof ApiError) return err.message;
  return t('err.unknown');
}
