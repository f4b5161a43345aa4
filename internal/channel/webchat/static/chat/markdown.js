// The Markdown subset of bot messages, for the chat and the agents' console
// (one module: the console imports it from /static/chat/). It is the help
// center's subset (internal/helpcenter/markdown.go) read the same way:
// "#" headings, paragraphs, "-" and "1." lists, **bold**, *emphasis*,
// `code`, [links](https://…) to http(s) URLs and site paths. Everything else
// is text: the result is built from DOM nodes and text nodes, never from an
// HTML string, so a message cannot put markup or script into the page.
// Both renderers are held to the cases in
// internal/helpcenter/testdata/markdown.json (TestMarkdownSameInBrowser).

const HEADING = /^(#{1,6})[ \t\n\f\r]+(.*?)[ \t\n\f\r]*#*[ \t\n\f\r]*$/;
const BULLET = /^[ \t\n\f\r]*[-*+][ \t\n\f\r]+(.*)$/;
const NUMBER = /^[ \t\n\f\r]*\d{1,9}[.)][ \t\n\f\r]+(.*)$/;

// renderMarkdown returns a DocumentFragment for md. opts.text(s) turns a
// piece of plain text into nodes (the chat links wallet addresses and
// URLs there); opts.target sets the target of links ("_blank" in the chat,
// which runs in a frame).
export function renderMarkdown(md, opts = {}) {
  const out = document.createDocumentFragment();
  let para = [];
  let items = [];
  let list = '';
  const flushPara = () => {
    if (!para.length) return;
    out.append(block('p', para.join('\n'), opts));
    para = [];
  };
  const flushList = () => {
    if (!list) return;
    const l = document.createElement(list);
    for (const it of items) l.append(block('li', it, opts));
    out.append(l);
    list = '';
    items = [];
  };
  for (const line of String(md || '').replace(/\r\n/g, '\n').split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') {
      flushPara();
      flushList();
      continue;
    }
    const hm = HEADING.exec(trimmed);
    if (hm) {
      flushPara();
      flushList();
      // As in the help center, "#" is h2: the title above is the h1.
      out.append(block(`h${Math.min(hm[1].length + 1, 6)}`, hm[2], opts));
      continue;
    }
    let kind = '';
    let text = '';
    let m = BULLET.exec(line);
    if (m) [kind, text] = ['ul', m[1]];
    else if ((m = NUMBER.exec(line))) [kind, text] = ['ol', m[1]];
    if (kind) {
      flushPara();
      if (kind !== list) {
        flushList();
        list = kind;
      }
      items.push(text);
    } else if (list && line !== line.replace(/^[ \t]+/, '')) {
      // An indented line continues the list item above it.
      items[items.length - 1] += `\n${trimmed}`;
    } else {
      flushList();
      para.push(trimmed.startsWith('> ') ? trimmed.slice(2) : trimmed);
    }
  }
  flushPara();
  flushList();
  return out;
}

// markdownText is what md says without its marks, one line: for a
// preview of a bot message in a list.
export function markdownText(md) {
  const out = [];
  for (const b of renderMarkdown(md).children) {
    if (b.tagName === 'UL' || b.tagName === 'OL') for (const li of b.children) out.push(li.textContent);
    else out.push(b.textContent);
  }
  return out.join(' ').replace(/\s+/g, ' ').trim();
}

function block(tag, s, opts) {
  const e = document.createElement(tag);
  inline(e, s, 0, opts);
  return e;
}

// inline renders bold, emphasis, code and links of s into parent. depth
// stops a link inside a link (2), bold inside bold (1) and emphasis inside
// emphasis (4).
function inline(parent, s, depth, opts) {
  let plain = 0;
  const emit = (end) => {
    if (end <= plain) return;
    const t = s.slice(plain, end);
    if (opts.text && !(depth & 2)) parent.append(...opts.text(t));
    else parent.append(document.createTextNode(t));
  };
  const wrap = (tag, inner, d) => {
    const e = document.createElement(tag);
    inline(e, inner, d, opts);
    return e;
  };
  for (let i = 0; i < s.length;) {
    // One rule per position, in this order, as the Go renderer's switch.
    if (s[i] === '`') {
      const j = s.indexOf('`', i + 1);
      if (j >= 0) {
        emit(i);
        const c = document.createElement('code');
        c.textContent = s.slice(i + 1, j);
        parent.append(c);
        i = j + 1;
        plain = i;
        continue;
      }
    } else if (s.startsWith('**', i) && !(depth & 1)) {
      const j = s.indexOf('**', i + 2);
      if (j > i + 2) {
        emit(i);
        parent.append(wrap('strong', s.slice(i + 2, j), depth | 1));
        i = j + 2;
        plain = i;
        continue;
      }
    } else if (s[i] === '*' && !(depth & 4)) {
      const j = emphasisEnd(s, i);
      if (j > 0) {
        emit(i);
        parent.append(wrap('em', s.slice(i + 1, j), depth | 4));
        i = j + 1;
        plain = i;
        continue;
      }
    } else if (s[i] === '[' && !(depth & 2)) {
      const l = parseLink(s, i);
      if (l) {
        emit(i);
        if (safeHref(l.href)) {
          const a = wrap('a', l.text, depth | 2);
          a.setAttribute('href', l.href);
          a.setAttribute('rel', 'nofollow noopener noreferrer');
          if (opts.target) a.setAttribute('target', opts.target);
          parent.append(a);
        } else {
          const span = document.createDocumentFragment();
          inline(span, l.text, depth | 2, opts);
          parent.append(span);
        }
        i += l.n;
        plain = i;
        continue;
      }
    }
    i++;
  }
  emit(s.length);
}

// emphasisEnd returns the index of the "*" closing the single "*" at i, or
// -1: no space just inside either mark, and "**" pairs inside are bold.
function emphasisEnd(s, i) {
  if (s.length - i < 3 || s[i + 1] === '*' || s[i + 1] === ' ') return -1;
  for (let j = i + 2; j < s.length; j++) {
    if (s[j] !== '*') continue;
    if (s[j + 1] === '*') {
      j++;
      continue;
    }
    if (s[j - 1] !== ' ') return j;
  }
  return -1;
}

// parseLink reads "[text](href)" at i; the URL ends at the ")" that
// balances the "(", so URLs holding parentheses stay whole.
function parseLink(s, i) {
  const close = s.indexOf('](', i);
  if (close < 0 || /[[\]\n]/.test(s.slice(i + 1, close))) return null;
  let depth = 0;
  let end = -1;
  for (let k = close + 2; k < s.length; k++) {
    const c = s[k];
    if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) {
        end = k;
        break;
      }
      depth--;
    } else if (c === '\n') break;
  }
  if (end < 0) return null;
  return { text: s.slice(i + 1, close), href: s.slice(close + 2, end).trim(), n: end + 1 - i };
}

// safeHref accepts absolute http(s) URLs and paths on this site ("/help/…",
// not "//host"), without spaces, quotes or control characters.
export function safeHref(href) {
  if (!href || /[ \t\r\n"'<>\\`\u0000-\u001f\u007f]/.test(href)) return false;
  if (href.startsWith('/')) return !href.startsWith('//');
  try {
    const u = new URL(href);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.host !== '';
  } catch {
    return false;
  }
}
