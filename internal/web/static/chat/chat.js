// Huiying end-user chat: the full-page chat for in-app WebViews, also shown
// inside the widget's iframe (?embed=1).
//
// Rules this file keeps:
//   - API data (bodies, names, file names) only ever goes into the page as
//     text (textContent, createTextNode, attributes), never as HTML.
//   - Every message is shown once, in seq order: messages are keyed by seq,
//     and the visitor's own messages by their client_message_id until the
//     server gives them a seq.
//   - A message the server has not acknowledged is retried with the same
//     client_message_id, so a retry can never store it twice.

//
// Query parameters: lang=en|zh-CN, embed=1 (inside the widget's panel),
// inbox=KEY (when served other than as /chat/KEY), and optionally name,
// email, user_id, user_hash (sent when the conversation is started).
//
// State kept in localStorage under "huiying.chat.<inbox key>":
// {conversation_id, contact_token, contact_id, last_seq, pending:[{cid, body, ts}]}.
// The thread element carries data-conversation-id once a conversation exists.
//
// data-testid hooks: chat-input, chat-send, chat-upload, chat-thread,
// chat-welcome, chat-message (data-direction, data-seq once stored,
// data-client-id for the visitor's own), message-body, message-state
// (data-state sending|delivered|failed), message-error, message-retry,
// message-remove, verified-badge, typing-indicator, connection-banner
// (data-state offline|reconnecting|connecting), new-messages-pill,
// conversation-status, safety-note.

import { pickLang, translator } from "./i18n.js";

const API = "/api/v1/widget";
const MAX_PAGE = 1000; // messages per history call
const ACCEPTED_IMAGES = ["image/png", "image/jpeg", "image/gif", "image/webp"];
const TYPING_EVERY_MS = 2000; // at most one typing frame per 2 s
const AGENT_TYPING_MS = 6000; // hide the agent's typing indicator after this long without news
const SEND_TIMEOUT_MS = 20000;
const UPLOAD_TIMEOUT_MS = 120000;
const MAX_RECONNECT_MS = 10000;

const params = new URLSearchParams(location.search);
const lang = pickLang();
const t = translator(lang);
const embed = params.get("embed") === "1";
const inboxKey = inboxFromLocation();
const storeKey = "huiying.chat." + inboxKey;

// ---- elements ----

const $ = (id) => document.getElementById(id);
const app = $("hy-app");
const banner = $("hy-banner");
const thread = $("hy-thread");
const list = $("hy-list");
const pill = $("hy-pill");
const typingEl = $("hy-typing");
const typingText = $("hy-typing-text");
const statusNote = $("hy-status-note");
const form = $("hy-composer");
const input = $("hy-input");
const sendBtn = $("hy-send");
const attachBtn = $("hy-attach");
const upload = $("hy-upload");

// ---- state ----

/** @type {{conversation_id?:string, contact_token?:string, contact_id?:string, user_id?:string, last_seq?:number, pending?:Array}} */
let session = loadSession();
let streamSeq = 0; // highest seq received from the history or the socket: where a reconnect resumes
const bySeq = new Map(); // seq -> entry
const byCid = new Map(); // client_message_id -> entry (the visitor's own messages)
const outbox = []; // the visitor's messages not yet acknowledged, oldest first
let stick = true; // keep the thread scrolled to the bottom
let unread = 0;
let panelVisible = true;

// ---- storage ----

const memoryStore = new Map(); // when localStorage is blocked (some third-party iframes)

function storeGet(k) {
  try {
    return localStorage.getItem(k);
  } catch {
    return memoryStore.get(k) ?? null;
  }
}

function storeSet(k, v) {
  try {
    if (v === null) localStorage.removeItem(k);
    else localStorage.setItem(k, v);
  } catch {
    if (v === null) memoryStore.delete(k);
    else memoryStore.set(k, v);
  }
}

function loadSession() {
  let s = null;
  try {
    s = JSON.parse(storeGet(storeKey) || "null");
  } catch {
    s = null;
  }
  if (!s || typeof s !== "object") s = {};
  // A different signed-in user on this device must not see the previous user's thread.
  const uid = params.get("user_id");
  if (uid && s.user_id !== undefined && s.user_id !== uid) s = {};
  return s;
}

function hasConversation() {
  return !!(session.conversation_id && session.contact_token);
}

function saveSession() {
  session.last_seq = streamSeq;
  session.pending = outbox
    .filter((e) => !e.file && e.state !== "delivered" && !e.permanent)
    .map((e) => ({ cid: e.cid, body: e.body, ts: e.ts }));
  if (!hasConversation() && session.pending.length === 0) {
    storeSet(storeKey, null);
    return;
  }
  storeSet(storeKey, JSON.stringify(session));
}

// ---- helpers ----

function inboxFromLocation() {
  const q = new URLSearchParams(location.search).get("inbox");
  if (q) return q;
  const parts = location.pathname.split("/").filter(Boolean);
  const i = parts.indexOf("chat");
  const key = i >= 0 && parts[i + 1] ? parts[i + 1] : parts[parts.length - 1] || "";
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

function uuid() {
  if (globalThis.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  // crypto.randomUUID needs a secure context; getRandomValues does not.
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function el(tag, className, text) {
  const n = document.createElement(tag);
  if (className) n.className = className;
  if (text !== undefined && text !== null) n.textContent = text;
  return n;
}

const SVG_NS = "http://www.w3.org/2000/svg";
const ICONS = {
  clock: "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm0 2a8 8 0 1 1 0 16 8 8 0 0 1 0-16Zm-1 3v6l5 3 1-1.7-4-2.4V7h-2Z",
  check: "M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4L9 16.2Z",
  alert: "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm-1 5h2v7h-2V7Zm0 9h2v2h-2v-2Z",
  verified: "M12 1 3 5v6c0 5.6 3.8 10.7 9 12 5.2-1.3 9-6.4 9-12V5l-9-4Zm-1.5 15.5-4-4 1.4-1.4 2.6 2.6 6-6 1.4 1.4-7.4 7.4Z",
  bot: "M11 2h2v2h4a3 3 0 0 1 3 3v9a3 3 0 0 1-3 3h-3l-2 3-2-3H7a3 3 0 0 1-3-3V7a3 3 0 0 1 3-3h4V2ZM8.5 9a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3Zm7 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3ZM8 14v2h8v-2H8Z",
  file: "M6 2h8l6 6v12a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2Zm7 1.5V9h5.5L13 3.5Z",
};

function icon(name, size = 14) {
  const s = document.createElementNS(SVG_NS, "svg");
  s.setAttribute("viewBox", "0 0 24 24");
  s.setAttribute("width", String(size));
  s.setAttribute("height", String(size));
  s.setAttribute("aria-hidden", "true");
  s.setAttribute("focusable", "false");
  const p = document.createElementNS(SVG_NS, "path");
  p.setAttribute("fill", "currentColor");
  p.setAttribute("d", ICONS[name]);
  s.appendChild(p);
  return s;
}

const timeFmt = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit" });
const dateTimeFmt = new Intl.DateTimeFormat(lang, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
const fullFmt = new Intl.DateTimeFormat(lang, { dateStyle: "full", timeStyle: "short" });

function timeEl(iso) {
  const d = iso ? new Date(iso) : new Date();
  const n = el("time");
  if (isNaN(d.getTime())) return n;
  const today = new Date();
  const sameDay = d.toDateString() === today.toDateString();
  n.dateTime = d.toISOString();
  n.textContent = sameDay ? timeFmt.format(d) : dateTimeFmt.format(d);
  n.title = fullFmt.format(d);
  return n;
}

function formatSize(n) {
  if (!(n >= 0)) return "";
  if (n < 1024) return n + " B";
  if (n < 1024 * 1024) return (n / 1024).toFixed(0) + " KB";
  return (n / 1024 / 1024).toFixed(1).replace(/\.0$/, "") + " MB";
}

const AVATAR_COLORS = ["#1d4ed8", "#047857", "#7c3aed", "#b91c1c", "#a21caf", "#0e7490", "#c2410c", "#4338ca", "#be185d", "#15803d"];

function avatarColor(name) {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)) >>> 0;
  return AVATAR_COLORS[h % AVATAR_COLORS.length];
}

function initials(name) {
  const words = String(name || "").trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return "?";
  const first = Array.from(words[0]);
  // Chinese, Japanese and Korean names: one character.
  if (/[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]/.test(first[0])) return first[0];
  if (words.length > 1) return (first[0] + Array.from(words[words.length - 1])[0]).toUpperCase();
  return first[0].toUpperCase();
}

// Appends text to parent, turning http(s) links into anchors (as text, never HTML).
function appendLinkified(parent, text) {
  const re = /\bhttps?:\/\/[^\s<>"'，。；）】]+/gi;
  let last = 0;
  let m;
  while ((m = re.exec(text))) {
    let url = m[0];
    const trail = url.match(/[.,;:!?)\]}'"]+$/);
    if (trail) url = url.slice(0, -trail[0].length);
    if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
    const a = el("a", null, url);
    a.href = url;
    a.target = "_blank";
    a.rel = "noopener noreferrer nofollow";
    parent.appendChild(a);
    last = m.index + url.length;
    re.lastIndex = last;
  }
  if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
}

function attachmentURL(att) {
  return (
    `${API}/conversations/${encodeURIComponent(session.conversation_id)}/attachments/` +
    `${encodeURIComponent(att.id)}?token=${encodeURIComponent(session.contact_token)}`
  );
}

// ---- HTTP ----

async function api(method, path, { body, token, timeout = SEND_TIMEOUT_MS } = {}) {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeout);
  try {
    const headers = { Accept: "application/json" };
    if (token) headers.Authorization = "Bearer " + token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: ctrl.signal,
      cache: "no-store",
      credentials: "omit",
    });
    let data = null;
    try {
      data = await res.json();
    } catch {
      data = null;
    }
    return { status: res.status, data };
  } catch {
    return { status: 0, data: null };
  } finally {
    clearTimeout(timer);
  }
}

function uploadRequest(path, token, file, cid, onProgress) {
  return new Promise((resolve) => {
    const fd = new FormData();
    fd.append("client_message_id", cid);
    fd.append("file", file, file.name || "image");
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.setRequestHeader("Authorization", "Bearer " + token);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.timeout = UPLOAD_TIMEOUT_MS;
    xhr.upload.onprogress = (p) => {
      if (p.lengthComputable && p.total > 0) onProgress(Math.min(99, Math.floor((p.loaded * 100) / p.total)));
    };
    xhr.onload = () => {
      let data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = null;
      }
      resolve({ status: xhr.status, data });
    };
    xhr.onerror = xhr.ontimeout = xhr.onabort = () => resolve({ status: 0, data: null });
    xhr.send(fd);
  });
}

// transient: worth retrying as is; gone: the stored conversation or token is no longer valid.
function classify(status) {
  if (status === 200 || status === 201) return "ok";
  if (status === 0 || status === 408 || status === 429 || status >= 500) return "transient";
  if (status === 401 || status === 404) return "gone";
  return "permanent";
}

function errorText(r) {
  const code = r.data && r.data.error && r.data.error.code;
  const msg = r.data && r.data.error && r.data.error.message;
  if (r.status === 0) return t("errNetwork");
  if (code === "too_large" || r.status === 413) {
    const limit = msg && msg.match(/(\d+) byte/);
    return limit ? t("errTooLargeMax", { max: formatSize(Number(limit[1])) }) : t("errTooLarge");
  }
  if (code === "unsupported" || r.status === 415) return t("errUnsupported");
  if (lang === "en" && msg) return msg.charAt(0).toUpperCase() + msg.slice(1);
  return t("errGeneric");
}

// ---- conversation ----

let starting = null;

function startBody() {
  const b = {};
  for (const k of ["name", "email", "user_id", "user_hash"]) {
    const v = params.get(k);
    if (v) b[k] = v;
  }
  return b;
}

// ensureConversation starts the conversation on the first message.
function ensureConversation() {
  if (hasConversation()) return Promise.resolve({ ok: true });
  if (!starting) {
    starting = (async () => {
      const r = await api("POST", `${API}/${encodeURIComponent(inboxKey)}/conversations`, { body: startBody() });
      if (r.status === 201 && r.data && r.data.conversation_id && r.data.contact_token) {
        session.conversation_id = r.data.conversation_id;
        session.contact_token = r.data.contact_token;
        session.contact_id = r.data.contact_id;
        const uid = params.get("user_id");
        if (uid) session.user_id = uid;
        streamSeq = 0;
        saveSession();
        markConversation();
        connect();
        return { ok: true };
      }
      if (r.status === 404) return { ok: false, status: r.status, data: r.data, unavailable: true };
      return { ok: false, status: r.status, data: r.data };
    })().finally(() => {
      starting = null;
    });
  }
  return starting;
}

function markConversation() {
  if (session.conversation_id) thread.dataset.conversationId = session.conversation_id;
  else delete thread.dataset.conversationId;
}

// resetConversation forgets a conversation the server no longer accepts
// (deleted, or a token it cannot verify); the next message starts a new one.
function resetConversation() {
  closeSocket();
  delete session.conversation_id;
  delete session.contact_token;
  delete session.contact_id;
  streamSeq = 0;
  for (const [seq, e] of bySeq) {
    if (e.el) e.el.remove();
    if (e.cid) byCid.delete(e.cid);
    bySeq.delete(seq);
  }
  markConversation();
  saveSession();
  showStatusNote(t("conversationReset"));
  updateBanner();
}

async function loadHistory() {
  let after = 0;
  for (;;) {
    const r = await api(
      "GET",
      `${API}/conversations/${encodeURIComponent(session.conversation_id)}/messages?after=${after}`,
      { token: session.contact_token },
    );
    if (r.status === 200 && r.data && Array.isArray(r.data.messages)) {
      const msgs = r.data.messages;
      for (const m of msgs) handleMessage(m, false);
      if (msgs.length < MAX_PAGE) return "ok";
      after = msgs[msgs.length - 1].seq;
      continue;
    }
    if (r.status === 401 || r.status === 404) return "gone";
    return "error"; // offline or the server is down: the socket catches up later
  }
}

// ---- rendering ----

function isNearBottom() {
  return thread.scrollHeight - thread.scrollTop - thread.clientHeight < 60;
}

function scrollToBottom(smooth) {
  thread.scrollTo({ top: thread.scrollHeight, behavior: smooth ? "smooth" : "auto" });
  stick = true;
  pill.hidden = true;
}

// place inserts a message element in seq order; messages without a seq
// (the visitor's unacknowledged ones) stay at the end in the order sent.
function place(node, seq) {
  if (seq === undefined || seq === null) {
    list.appendChild(node);
    return;
  }
  let after = null;
  for (let c = list.lastElementChild; c; c = c.previousElementSibling) {
    if (c === node) continue;
    const s = c.dataset.seq;
    if (s !== undefined && s !== "" && Number(s) < seq) {
      after = c;
      break;
    }
  }
  if (after) after.after(node);
  else list.prepend(node);
}

function buildEntryElement(e) {
  const m = e.message || {};
  const dir = e.direction;
  const node = el("div", `hy-msg hy-msg--${dir}`);
  node.setAttribute("data-testid", "chat-message");
  node.dataset.direction = dir;
  if (e.seq) node.dataset.seq = String(e.seq);
  if (e.cid) node.dataset.clientId = e.cid;

  const col = el("div", "hy-msg-col");
  if (dir === "outbound") {
    const name = m.author_name || t("agentFallback");
    const av = el("div", "hy-avatar", initials(name));
    av.setAttribute("aria-hidden", "true");
    av.style.backgroundColor = avatarColor(name);
    node.appendChild(av);
    const author = el("div", "hy-author");
    author.appendChild(el("span", "hy-author-name", name));
    const badge = el("span", "hy-verified");
    badge.setAttribute("data-testid", "verified-badge");
    badge.title = t("verifiedTitle");
    badge.appendChild(icon("verified", 13));
    badge.appendChild(document.createTextNode(t("verified")));
    author.appendChild(badge);
    col.appendChild(author);
  } else if (dir === "bot") {
    const av = el("div", "hy-avatar hy-avatar--bot");
    av.setAttribute("aria-hidden", "true");
    av.appendChild(icon("bot", 18));
    node.appendChild(av);
    const author = el("div", "hy-author");
    if (m.author_name) author.appendChild(el("span", "hy-author-name", m.author_name));
    author.appendChild(el("span", "hy-bot-label", t("bot")));
    col.appendChild(author);
  } else if (dir === "inbound") {
    col.appendChild(el("span", "hy-sr", t("you") + ":"));
  }

  const bubble = el("div", "hy-bubble");
  const atts = e.file ? [{ local: true, filename: e.file.name, content_type: e.file.type }] : m.attachments || [];
  if (atts.length) {
    if (atts.some((a) => a.local || String(a.content_type || "").startsWith("image/"))) bubble.classList.add("hy-bubble--media");
    const box = el("div", "hy-attachments");
    for (const a of atts) box.appendChild(attachmentElement(e, a));
    bubble.appendChild(box);
  }
  const body = e.file ? "" : (e.message ? m.body : e.body) || "";
  if (body) {
    const p = el("p", "hy-body");
    p.setAttribute("data-testid", "message-body");
    if (dir === "inbound") p.textContent = body;
    else appendLinkified(p, body);
    bubble.appendChild(p);
  } else if (!atts.length) {
    bubble.appendChild(el("p", "hy-body", ""));
  }
  col.appendChild(bubble);
  if (dir === "bot" && m.meta) {
    const actions = botActions(e, m.meta);
    if (actions) col.appendChild(actions);
  }

  const meta = el("div", "hy-meta");
  meta.appendChild(timeEl(m.created_at || e.ts));
  col.appendChild(meta);
  node.appendChild(col);
  e.el = node;
  e.meta = meta;
  if (dir === "inbound") renderState(e);
  return node;
}

// ---- Bot answers ----

// answeredKey remembers, per conversation, the bot messages whose buttons
// were used, so they stay disabled after a reload.
function answeredKey() {
  return `huiying.bot.${session.conversation_id || ""}`;
}

function answeredSeqs() {
  try {
    return new Set(JSON.parse(storeGet(answeredKey()) || "[]"));
  } catch {
    return new Set();
  }
}

function markAnswered(seq) {
  const s = answeredSeqs();
  s.add(seq);
  storeSet(answeredKey(), JSON.stringify(Array.from(s).slice(-200)));
}

// botActions builds the article links and buttons of a bot message:
// an answer has "solved / not solved", suggestions one button per article
// and "none of these".
function botActions(e, meta) {
  const arts = Array.isArray(meta.articles) ? meta.articles : [];
  if (!arts.length && meta.kind !== "answer") return null;
  const box = el("div", "hy-bot-actions");
  box.setAttribute("data-testid", "bot-actions");
  box.dataset.kind = meta.kind || "";
  const done = answeredSeqs().has(e.seq);
  const buttons = [];
  const send = async (action, articleId, btn) => {
    for (const b of buttons) b.disabled = true;
    btn.setAttribute("aria-pressed", "true");
    const r = await api("POST", `${API}/conversations/${encodeURIComponent(session.conversation_id)}/bot-feedback`, {
      body: { seq: e.seq, action, article_id: articleId || "" },
      token: session.contact_token,
    });
    if (r.status === 200 || r.status === 409) {
      markAnswered(e.seq);
      return;
    }
    for (const b of buttons) b.disabled = false;
    btn.removeAttribute("aria-pressed");
  };
  const button = (label, cls, testid, action, articleId) => {
    const b = el("button", `hy-bot-btn ${cls}`, label);
    b.type = "button";
    b.setAttribute("data-testid", testid);
    if (articleId) b.dataset.article = articleId;
    b.disabled = done;
    b.addEventListener("click", () => send(action, articleId, b));
    buttons.push(b);
    return b;
  };
  if (meta.kind === "suggestions") {
    for (const a of arts.slice(0, 3)) box.appendChild(button(a.title, "hy-bot-btn--choice", "bot-choice", "choose", a.id));
    box.appendChild(button(t("botNone"), "hy-bot-btn--quiet", "bot-not-solved", "not_solved"));
    return box;
  }
  for (const a of arts) {
    const link = el("a", "hy-bot-article", a.title);
    link.setAttribute("data-testid", "bot-article");
    link.dataset.article = a.id;
    link.href = a.url;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    box.appendChild(link);
  }
  if (meta.kind === "answer") {
    const row = el("div", "hy-bot-row");
    row.appendChild(button(t("botSolved"), "hy-bot-btn--yes", "bot-solved", "solved"));
    row.appendChild(button(t("botNotSolved"), "hy-bot-btn--quiet", "bot-not-solved", "not_solved"));
    box.appendChild(row);
  }
  return box;
}

function attachmentElement(e, a) {
  const isImage = a.local || String(a.content_type || "").startsWith("image/");
  if (isImage) {
    const src = a.local ? e.previewUrl : attachmentURL(a);
    const link = el("a", "hy-image-link");
    link.href = src;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    const img = el("img", "hy-image");
    img.alt = t("imageAlt", { name: a.filename || "" }).trim();
    img.decoding = "async";
    img.src = src;
    img.addEventListener("load", () => {
      if (stick) scrollToBottom(false);
    });
    link.appendChild(img);
    return link;
  }
  const link = el("a", "hy-file-link");
  link.href = attachmentURL(a);
  link.target = "_blank";
  link.rel = "noopener noreferrer";
  link.appendChild(icon("file", 18));
  link.appendChild(document.createTextNode(t("fileLink", { name: a.filename || "file", size: formatSize(a.size) })));
  return link;
}

// renderState shows the delivery state of one of the visitor's own messages.
function renderState(e) {
  const meta = e.meta;
  if (!meta) return;
  for (const n of Array.from(meta.children)) if (n.tagName !== "TIME") n.remove();
  const st = el("span", "hy-state");
  st.setAttribute("data-testid", "message-state");
  st.dataset.state = e.state;
  if (e.state === "sending") {
    st.appendChild(icon("clock", 13));
    st.appendChild(
      document.createTextNode(e.file && e.progress > 0 ? t("uploading", { pct: e.progress }) : t("sending")),
    );
  } else if (e.state === "delivered") {
    st.appendChild(icon("check", 14));
    st.appendChild(document.createTextNode(t("delivered")));
  } else {
    st.appendChild(icon("alert", 13));
    st.appendChild(document.createTextNode(t("failed")));
  }
  meta.appendChild(st);
  e.el.classList.toggle("hy-msg--failed", e.state === "failed");
  if (e.state === "failed") {
    if (e.error) {
      const err = el("span", "hy-error", e.error);
      err.setAttribute("data-testid", "message-error");
      meta.appendChild(err);
    }
    const actions = el("span", "hy-actions");
    const retry = el("button", "hy-link-btn", t("retry"));
    retry.type = "button";
    retry.setAttribute("data-testid", "message-retry");
    retry.addEventListener("click", () => retryEntry(e));
    actions.appendChild(retry);
    const remove = el("button", "hy-link-btn hy-link-btn--quiet", t("remove"));
    remove.type = "button";
    remove.setAttribute("data-testid", "message-remove");
    remove.addEventListener("click", () => removeEntry(e));
    actions.appendChild(remove);
    meta.appendChild(actions);
  }
}

function setState(e, state, error) {
  e.state = state;
  e.error = error || "";
  renderState(e);
}

// ---- incoming messages ----

function handleMessage(m, live) {
  if (!m || typeof m.seq !== "number" || !m.direction) return;
  if (m.seq > streamSeq) {
    streamSeq = m.seq;
    scheduleSave();
  }
  if (m.direction === "note") return; // never sent to contacts; ignore if it ever is
  const known = bySeq.get(m.seq);
  if (known) {
    if (!known.message) known.message = m;
    return;
  }
  const wasNear = stick || isNearBottom();
  const local = m.direction === "inbound" && m.client_message_id ? byCid.get(m.client_message_id) : null;
  if (local) {
    local.message = m;
    acknowledge(local, m.seq, m.body);
    return;
  }
  const e = { seq: m.seq, direction: m.direction, message: m, cid: m.client_message_id, state: "delivered" };
  buildEntryElement(e);
  bySeq.set(m.seq, e);
  if (m.direction === "inbound" && e.cid) byCid.set(e.cid, e);
  place(e.el, m.seq);
  if (m.direction === "outbound") hideAgentTyping();
  if (!live) return;
  if (wasNear || m.direction === "inbound") scrollToBottom(false);
  else pill.hidden = false;
  if (m.direction !== "inbound" && (!panelVisible || document.hidden)) {
    unread++;
    postToParent({ type: "huiying:unread", count: unread });
  }
}

// acknowledge marks one of the visitor's messages as stored with seq. When
// the server stored a different body (the secret guard removed a seed phrase
// or key), the bubble shows what was stored, so the secret leaves the screen.
// replaceBody shows the new body of a message already on screen: a later
// message completed a secret, and the server removed it from this one.
function replaceBody(seq, body) {
  const e = typeof seq === "number" ? bySeq.get(seq) : null;
  if (!e || typeof body !== "string") return;
  e.body = body;
  if (e.message) e.message.body = body;
  const p = e.el && e.el.querySelector('[data-testid="message-body"]');
  if (p) p.textContent = body;
}

function acknowledge(e, seq, storedBody) {
  if (typeof storedBody === "string" && storedBody !== e.body) {
    e.body = storedBody;
    const p = e.el && e.el.querySelector('[data-testid="message-body"]');
    if (p) p.textContent = storedBody;
  }
  const i = outbox.indexOf(e);
  if (i >= 0) outbox.splice(i, 1);
  const other = bySeq.get(seq);
  if (other && other !== e) {
    // Already shown from the server's copy: drop the local one.
    if (e.el) e.el.remove();
    if (e.cid) byCid.delete(e.cid);
    if (other.cid) byCid.set(other.cid, other);
    saveSession();
    return;
  }
  e.seq = seq;
  bySeq.set(seq, e);
  if (e.el) {
    e.el.dataset.seq = String(seq);
    const wasNear = stick || isNearBottom();
    place(e.el, seq);
    if (wasNear) scrollToBottom(false);
  }
  setState(e, "delivered");
  saveSession();
}

let saveTimer = null;
function scheduleSave() {
  if (saveTimer) return;
  saveTimer = setTimeout(() => {
    saveTimer = null;
    saveSession();
  }, 300);
}

// ---- sending ----

function newEntry(fields) {
  const e = {
    cid: uuid(),
    direction: "inbound",
    state: "sending",
    ts: new Date().toISOString(),
    attempts: 0,
    progress: 0,
    ...fields,
  };
  byCid.set(e.cid, e);
  outbox.push(e);
  buildEntryElement(e);
  place(e.el);
  scrollToBottom(false);
  return e;
}

function sendText() {
  const text = input.value.replace(/\s+$/, "");
  if (!text.trim()) {
    input.focus();
    return;
  }
  newEntry({ body: text });
  input.value = "";
  autoGrow();
  updateSendButton();
  showStatusNote("");
  saveSession();
  pump();
}

function sendFile(file) {
  if (!file) return;
  const e = newEntry({ file, previewUrl: URL.createObjectURL(file) });
  if (file.type && !ACCEPTED_IMAGES.includes(file.type)) {
    outbox.splice(outbox.indexOf(e), 1);
    e.permanent = true;
    setState(e, "failed", t("errNotImage"));
    return;
  }
  showStatusNote("");
  pump();
}

let pumping = false;

// pump sends queued messages one at a time, in order, so they get their
// seq in the order the visitor wrote them.
async function pump() {
  if (pumping) return;
  pumping = true;
  try {
    for (;;) {
      const e = outbox.find((x) => x.state === "sending");
      if (!e) break;
      const ok = await deliver(e);
      if (!ok) {
        // The network or the server is down: hold the rest until it is back.
        for (const x of outbox) if (x.state === "sending") setState(x, "failed", t("errNetwork"));
        break;
      }
    }
  } finally {
    pumping = false;
  }
}

// deliver sends one message until it is acknowledged or fails; it returns
// false when the failure is temporary (the queue should wait).
async function deliver(e) {
  let resets = 0;
  for (let attempt = 0; ; attempt++) {
    if (e.state === "delivered" || !outbox.includes(e)) return true;
    let r;
    const conv = await ensureConversation();
    if (!conv.ok) {
      r = conv;
      if (conv.unavailable) {
        failPermanently(e, t("errUnavailable"));
        return true;
      }
    } else if (e.file) {
      r = await uploadRequest(
        `${API}/conversations/${encodeURIComponent(session.conversation_id)}/attachments`,
        session.contact_token,
        e.file,
        e.cid,
        (pct) => {
          if (e.state !== "sending") return;
          e.progress = pct;
          renderState(e);
        },
      );
    } else {
      r = await api("POST", `${API}/conversations/${encodeURIComponent(session.conversation_id)}/messages`, {
        token: session.contact_token,
        body: { client_message_id: e.cid, body: e.body },
      });
    }
    if (e.state === "delivered" || !outbox.includes(e)) return true; // the socket confirmed it, or it was removed
    const kind = classify(r.status);
    if (kind === "ok" && r.data && typeof r.data.seq === "number") {
      acknowledge(e, r.data.seq, r.data.body);
      kickReconnect(); // the server answers: no need to wait for the backoff
      return true;
    }
    if (kind === "gone" && conv.ok && resets === 0) {
      resets++;
      resetConversation();
      continue;
    }
    if (kind === "transient" || (kind === "ok" && !r.data)) {
      if (attempt < 2 && navigator.onLine !== false) {
        await sleep(800 * 2 ** attempt + Math.random() * 400);
        continue;
      }
      setState(e, "failed", errorText(r));
      return false;
    }
    failPermanently(e, errorText(r));
    return true;
  }
}

function failPermanently(e, msg) {
  e.permanent = true;
  setState(e, "failed", msg);
}

function retryEntry(e) {
  if (e.state !== "failed") return;
  e.permanent = false;
  e.progress = 0;
  if (!outbox.includes(e)) {
    outbox.push(e);
    // keep the order the visitor wrote them in
    outbox.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  }
  for (const x of outbox) if (x === e || (x.state === "failed" && !x.permanent)) setState(x, "sending");
  saveSession();
  pump();
}

function removeEntry(e) {
  const i = outbox.indexOf(e);
  if (i >= 0) outbox.splice(i, 1);
  if (e.cid) byCid.delete(e.cid);
  if (e.el) e.el.remove();
  if (e.previewUrl) URL.revokeObjectURL(e.previewUrl);
  saveSession();
  input.focus();
}

// resumeOutbox retries every message that failed for a temporary reason.
function resumeOutbox() {
  let any = false;
  for (const x of outbox) {
    if (x.state === "failed" && !x.permanent) {
      setState(x, "sending");
      any = true;
    }
  }
  if (any || outbox.some((x) => x.state === "sending")) pump();
}

// ---- WebSocket ----

let ws = null;
let wsState = "idle"; // idle | connecting | open | closed
let wsEverOpen = false;
let wsAttempt = 0;
let reconnectTimer = null;
let typingSupported = true;
let lastTypingSent = 0;
let hiddenSince = 0;

function closeSocket() {
  clearTimeout(reconnectTimer);
  reconnectTimer = null;
  if (ws) {
    const s = ws;
    ws = null;
    s.onopen = s.onmessage = s.onclose = s.onerror = null;
    try {
      s.close(1000);
    } catch {
      /* already closed */
    }
  }
  wsState = "idle";
}

function connect() {
  if (!hasConversation()) return;
  closeSocket();
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const url =
    `${proto}//${location.host}/ws/contact?conversation=${encodeURIComponent(session.conversation_id)}` +
    `&after=${streamSeq}`;
  let sock;
  try {
    sock = new WebSocket(url);
  } catch {
    scheduleReconnect(0);
    return;
  }
  const info = { established: false, typingSent: false, timer: null };
  sock.info = info;
  ws = sock;
  wsState = "connecting";
  updateBanner();
  const establish = () => {
    if (info.established) return;
    info.established = true;
    wsAttempt = 0;
  };
  sock.onopen = () => {
    sock.send(JSON.stringify({ type: "auth", token: session.contact_token }));
    wsState = "open";
    wsEverOpen = true;
    info.timer = setTimeout(establish, 1500);
    updateBanner();
    resumeOutbox();
  };
  sock.onmessage = (ev) => {
    establish();
    let f;
    try {
      f = JSON.parse(ev.data);
    } catch {
      return;
    }
    if (!f || typeof f !== "object") return;
    if (f.type === "message") handleMessage(f.message, true);
    else if (f.type === "typing") {
      if (f.from === "contact") return;
      if (f.typing === false || f.state === "stop") hideAgentTyping();
      else showAgentTyping(f.name);
    } else if (f.type === "conversation" && f.conversation) {
      setConversationStatus(f.conversation.status);
    } else if (f.type === "redacted" && Array.isArray(f.messages)) {
      for (const m of f.messages) replaceBody(m && m.seq, m && m.body);
    }
  };
  sock.onclose = (ev) => {
    clearTimeout(info.timer);
    if (ws !== sock) return;
    ws = null;
    wsState = "closed";
    hideAgentTyping();
    if (ev.code === 1008) {
      if (info.typingSent) {
        // This server does not take typing frames: stop sending them.
        typingSupported = false;
        connect();
        return;
      }
      checkConversation();
      return;
    }
    scheduleReconnect(ev.code);
  };
  sock.onerror = () => {
    /* onclose follows */
  };
}

function scheduleReconnect(code) {
  clearTimeout(reconnectTimer);
  const cap = Math.min(MAX_RECONNECT_MS, 1000 * 2 ** wsAttempt);
  wsAttempt = Math.min(wsAttempt + 1, 10);
  let delay = cap / 2 + Math.random() * (cap / 2); // exponential backoff with jitter
  if (code === 1001) delay = Math.max(delay, 1000 + Math.random() * 1000); // restarting: give it a moment
  wsState = "closed";
  updateBanner();
  reconnectTimer = setTimeout(() => {
    reconnectTimer = null;
    connect();
  }, delay);
}

function kickReconnect() {
  if (reconnectTimer && hasConversation()) connect();
}

// checkConversation runs when the socket refused our token or conversation:
// it asks over HTTP whether the conversation is still ours.
async function checkConversation() {
  wsState = "closed";
  updateBanner();
  const r = await api(
    "GET",
    `${API}/conversations/${encodeURIComponent(session.conversation_id)}/messages?after=${streamSeq}`,
    { token: session.contact_token },
  );
  if (r.status === 401 || r.status === 404) {
    resetConversation();
    return;
  }
  if (r.status === 200 && r.data && Array.isArray(r.data.messages)) {
    for (const m of r.data.messages) handleMessage(m, true);
  }
  scheduleReconnect(1008);
}

function sendTyping() {
  if (!typingSupported || !ws || ws.readyState !== WebSocket.OPEN || !ws.info.established) return;
  if (!input.value.trim()) return;
  const now = Date.now();
  if (now - lastTypingSent < TYPING_EVERY_MS) return;
  lastTypingSent = now;
  ws.info.typingSent = true;
  try {
    ws.send(JSON.stringify({ type: "typing" }));
  } catch {
    /* the close handler reconnects */
  }
}

// ---- banner, typing, status ----

let connectingTimer = null;

function updateBanner() {
  let state = "";
  if (navigator.onLine === false) state = "offline";
  else if (hasConversation() && wsState !== "open") {
    if (wsEverOpen || wsState === "closed") state = "reconnecting";
    else if (!connectingTimer && wsState === "connecting") {
      // Say "connecting" only when it takes a while.
      connectingTimer = setTimeout(() => {
        connectingTimer = null;
        if (wsState === "connecting" && !wsEverOpen) showBanner("connecting");
      }, 2000);
    }
  }
  showBanner(state);
}

function showBanner(state) {
  if (!state) {
    banner.hidden = true;
    banner.textContent = "";
    delete banner.dataset.state;
    return;
  }
  const text = { offline: t("offline"), reconnecting: t("reconnecting"), connecting: t("connecting") }[state];
  if (banner.dataset.state === state && !banner.hidden) return;
  banner.dataset.state = state;
  banner.textContent = text;
  banner.hidden = false;
}

let typingTimer = null;

function showAgentTyping(name) {
  typingText.textContent = name ? t("typing", { name }) : t("typingAnon");
  const wasNear = stick;
  typingEl.hidden = false;
  if (wasNear) scrollToBottom(false);
  clearTimeout(typingTimer);
  typingTimer = setTimeout(hideAgentTyping, AGENT_TYPING_MS);
}

function hideAgentTyping() {
  clearTimeout(typingTimer);
  typingTimer = null;
  typingEl.hidden = true;
}

function setConversationStatus(status) {
  if (status === "resolved") showStatusNote(t("resolved"));
  else if (status === "closed") showStatusNote(t("closed"));
  else showStatusNote("");
}

function showStatusNote(text) {
  statusNote.textContent = text;
  statusNote.hidden = !text;
}

// ---- composer ----

function autoGrow() {
  input.style.height = "auto";
  const max = parseFloat(getComputedStyle(input).maxHeight) || 160;
  const h = Math.min(input.scrollHeight + 2, max);
  input.style.height = h + "px";
}

function updateSendButton() {
  sendBtn.classList.toggle("hy-send--empty", !input.value.trim());
}

// ---- parent window (the widget) ----

function postToParent(msg) {
  if (!embed || window.parent === window) return;
  try {
    window.parent.postMessage(msg, "*"); // nothing secret: counts and requests only
  } catch {
    /* no parent */
  }
}

// ---- start ----

function applyTexts() {
  document.documentElement.lang = lang;
  document.title = t("docTitle");
  for (const n of document.querySelectorAll("[data-i18n]")) n.textContent = t(n.dataset.i18n);
  for (const n of document.querySelectorAll("[data-i18n-label]")) n.setAttribute("aria-label", t(n.dataset.i18nLabel));
  for (const n of document.querySelectorAll("[data-i18n-placeholder]")) n.placeholder = t(n.dataset.i18nPlaceholder);
  attachBtn.title = t("attach");
  sendBtn.title = t("send");
  // Link the safety note to the public /verify page (official channels,
  // how to spot impersonators); opens outside the widget's iframe.
  const note = document.querySelector('[data-testid="safety-note"]');
  if (note) {
    let a = note.querySelector("a.hy-verify-link");
    if (!a) {
      a = document.createElement("a");
      a.className = "hy-verify-link";
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.setAttribute("data-testid", "verify-link");
      note.append(" ", a);
    }
    a.href = "/verify?lang=" + encodeURIComponent(lang);
    a.textContent = t("safetyLink");
  }
}

function wire() {
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    sendText();
  });
  input.addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter" || ev.isComposing || ev.keyCode === 229) return; // IME: Enter picks a candidate
    if (ev.shiftKey || ev.altKey) return; // newline
    ev.preventDefault();
    sendText();
  });
  input.addEventListener("input", () => {
    autoGrow();
    updateSendButton();
    sendTyping();
  });
  // Keep the keyboard up on phones: tapping send must not take the focus.
  sendBtn.addEventListener("mousedown", (ev) => ev.preventDefault());
  attachBtn.addEventListener("click", () => upload.click());
  upload.addEventListener("change", () => {
    for (const f of Array.from(upload.files || [])) sendFile(f);
    upload.value = "";
  });
  input.addEventListener("paste", (ev) => {
    const files = Array.from((ev.clipboardData && ev.clipboardData.files) || []).filter((f) =>
      String(f.type).startsWith("image/"),
    );
    if (files.length) {
      ev.preventDefault();
      files.forEach(sendFile);
    }
  });
  app.addEventListener("dragover", (ev) => {
    if (ev.dataTransfer && Array.from(ev.dataTransfer.types || []).includes("Files")) {
      ev.preventDefault();
      app.classList.add("hy-dragging");
    }
  });
  app.addEventListener("dragleave", (ev) => {
    if (ev.target === app || !app.contains(ev.relatedTarget)) app.classList.remove("hy-dragging");
  });
  app.addEventListener("drop", (ev) => {
    app.classList.remove("hy-dragging");
    const files = Array.from((ev.dataTransfer && ev.dataTransfer.files) || []);
    if (files.length) {
      ev.preventDefault();
      files.forEach(sendFile);
    }
  });

  thread.addEventListener(
    "scroll",
    () => {
      stick = isNearBottom();
      if (stick) pill.hidden = true;
    },
    { passive: true },
  );
  pill.addEventListener("click", () => {
    const hadFocus = document.activeElement === pill;
    scrollToBottom(true);
    if (hadFocus) input.focus({ preventScroll: true }); // the pill is gone: keep the focus somewhere useful
  });
  if (typeof ResizeObserver === "function") {
    new ResizeObserver(() => {
      if (stick) scrollToBottom(false);
    }).observe(thread);
  }

  window.addEventListener("online", () => {
    updateBanner();
    // The network changed: the old socket may be dead without knowing it.
    if (hasConversation()) connect();
    resumeOutbox();
  });
  window.addEventListener("offline", updateBanner);
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) {
      hiddenSince = Date.now();
      return;
    }
    if (panelVisible) {
      unread = 0;
      postToParent({ type: "huiying:unread", count: 0 });
    }
    if (!hasConversation()) return;
    // After a long sleep the socket may be dead without knowing it: reopen.
    const long = hiddenSince && Date.now() - hiddenSince > 60000;
    if (!ws || ws.readyState !== WebSocket.OPEN || long) connect();
    hiddenSince = 0;
  });
  window.addEventListener("pageshow", (ev) => {
    if (ev.persisted && hasConversation()) connect();
  });

  // Another tab of the same chat started the conversation: join it.
  window.addEventListener("storage", (ev) => {
    if (ev.key !== storeKey || hasConversation()) return;
    const s = loadSession();
    if (s.conversation_id && s.contact_token) {
      session.conversation_id = s.conversation_id;
      session.contact_token = s.contact_token;
      session.contact_id = s.contact_id;
      markConversation();
      connect();
    }
  });

  // The widget around us (embed mode).
  window.addEventListener("message", (ev) => {
    if (ev.source !== window.parent || !ev.data || typeof ev.data !== "object") return;
    if (ev.data.type === "huiying:open") {
      panelVisible = true;
      unread = 0;
      postToParent({ type: "huiying:unread", count: 0 });
      if (stick) scrollToBottom(false);
      if (window.matchMedia("(pointer: fine)").matches) input.focus({ preventScroll: true });
    } else if (ev.data.type === "huiying:hidden") {
      panelVisible = false;
    }
  });
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && !ev.isComposing) postToParent({ type: "huiying:close" });
  });

  // Phones: follow the visible area when the keyboard opens (iOS does not
  // resize the layout for it).
  const vv = window.visualViewport;
  if (vv) {
    const fit = () => {
      if (Math.abs(vv.scale - 1) > 0.01) return; // pinch-zoomed: leave the layout alone
      app.style.setProperty("--hy-app-height", Math.round(vv.height) + "px");
      if (document.scrollingElement && document.scrollingElement.scrollTop) window.scrollTo(0, 0);
    };
    vv.addEventListener("resize", fit);
    fit();
  }
}

async function start() {
  applyTexts();
  if (embed) {
    app.classList.add("hy-embed");
    document.documentElement.classList.add("hy-embed-doc");
  }
  wire();
  autoGrow();
  updateSendButton();
  markConversation();

  // Messages that were waiting for an ack when the page was closed.
  const pending = Array.isArray(session.pending) ? session.pending : [];
  for (const p of pending) {
    if (!p || !p.cid || typeof p.body !== "string") continue;
    const e = { cid: p.cid, body: p.body, ts: p.ts || new Date().toISOString(), direction: "inbound", state: "sending", attempts: 0 };
    byCid.set(e.cid, e);
    outbox.push(e);
    buildEntryElement(e);
    place(e.el);
  }

  if (hasConversation()) {
    thread.setAttribute("aria-busy", "true"); // do not read the whole history out
    const res = await loadHistory();
    thread.removeAttribute("aria-busy");
    if (res === "gone") resetConversation();
    else connect();
  }
  scrollToBottom(false);
  updateBanner();
  if (outbox.length) pump();
  if (!inboxKey) showBanner("");
}

start();
