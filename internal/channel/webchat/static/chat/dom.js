// Small DOM and formatting helpers of the chat page. Everything they put
// into the page from the API goes in as text, never as HTML.

import { lang } from "./env.js";

export function uuid() {
  if (globalThis.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  // crypto.randomUUID needs a secure context; getRandomValues does not.
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function el(tag, className, text) {
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

export function icon(name, size = 14) {
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

export function timeEl(iso) {
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

export function formatSize(n) {
  if (!(n >= 0)) return "";
  if (n < 1024) return n + " B";
  if (n < 1024 * 1024) return (n / 1024).toFixed(0) + " KB";
  return (n / 1024 / 1024).toFixed(1).replace(/\.0$/, "") + " MB";
}

const AVATAR_COLORS = ["#1d4ed8", "#047857", "#7c3aed", "#b91c1c", "#a21caf", "#0e7490", "#c2410c", "#4338ca", "#be185d", "#15803d"];

export function avatarColor(name) {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)) >>> 0;
  return AVATAR_COLORS[h % AVATAR_COLORS.length];
}

export function initials(name) {
  const words = String(name || "").trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return "?";
  const first = Array.from(words[0]);
  // Chinese, Japanese and Korean names: one character.
  if (/[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]/.test(first[0])) return first[0];
  if (words.length > 1) return (first[0] + Array.from(words[words.length - 1])[0]).toUpperCase();
  return first[0].toUpperCase();
}

// Appends text to parent, turning http(s) links into anchors (as text, never HTML).
export function appendLinkified(parent, text) {
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
