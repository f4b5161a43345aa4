// Tiny DOM helpers. Everything that may contain API data goes through
// textContent or attributes; nothing here ever touches innerHTML.

// h builds an element: h('button', {class: 'btn', onclick: fn}, 'Text', child).
// Attributes: class, text, value, checked, on<event> (a function), style (an
// object), true (boolean attribute), false/null/undefined (left out).
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  let value;
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k === 'value') value = v;
      else if (k === 'checked' || k === 'selected') el[k] = Boolean(v);
      else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (v === true) el.setAttribute(k, '');
      else el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  if (value !== undefined) el.value = value; // after <option>s exist
  return el;
}

// append adds children: nodes as they are, strings and numbers as text.
export function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

let nextId = 0;
// uid returns a document-unique id for label/for and aria references.
export function uid(prefix = 'hy') {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

export function debounce(fn, ms) {
  let timer = 0;
  const d = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  d.cancel = () => clearTimeout(timer);
  return d;
}

// randomId returns a UUID-like id; crypto.randomUUID exists only on secure
// origins, getRandomValues everywhere.
export function randomId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

let announcer = null;
// announce reads text out through a polite live region.
export function announce(text) {
  if (!announcer) {
    announcer = h('div', { class: 'sr-only', 'aria-live': 'polite', 'aria-atomic': 'true', id: 'announcer' });
    document.body.append(announcer);
  }
  announcer.textContent = '';
  // A separate task so screen readers notice a repeated text.
  setTimeout(() => { announcer.textContent = text; }, 50);
}

// copyText puts text on the clipboard, with a fallback for plain-HTTP origins.
export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch { /* fall through */ }
  }
  const ta = h('textarea', { class: 'offscreen', readonly: true, 'aria-hidden': 'true', tabindex: '-1' });
  ta.value = text;
  document.body.append(ta);
  ta.select();
  let ok = false;
  try { ok = document.execCommand('copy'); } catch { ok = false; }
  ta.remove();
  return ok;
}

// focusFirst moves focus to the element (made focusable if needed).
export function focusEl(el) {
  if (!el) return;
  if (!el.hasAttribute('tabindex') && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(el.tagName)) {
    el.setAttribute('tabindex', '-1');
  }
  el.focus({ preventScroll: false });
}
