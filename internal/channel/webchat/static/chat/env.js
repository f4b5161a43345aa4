// What the chat page was opened with: its settings, language, inbox and
// the fixed elements of chat.html.

import { pickLang, translator } from "./i18n.js";

export const API = "/api/v1/widget";
export const MAX_PAGE = 1000; // messages per history call
export const ACCEPTED_IMAGES = ["image/png", "image/jpeg", "image/gif", "image/webp"];
export const TYPING_EVERY_MS = 2000; // at most one typing frame per 2 s
export const AGENT_TYPING_MS = 6000; // hide the agent's typing indicator after this long without news
export const SEND_TIMEOUT_MS = 20000;
export const UPLOAD_TIMEOUT_MS = 120000;
export const MAX_RECONNECT_MS = 10000;

export const params = new URLSearchParams(location.search);
// lang and t follow the conversation (lang.js): they are live bindings,
// changed only through setLang, so every module reads the current ones.
export let lang = pickLang();
export let t = translator(lang);
export const embed = params.get("embed") === "1";
export const inboxKey = inboxFromLocation();
export const storeKey = "huiying.chat." + inboxKey;

// setLang switches the page's texts to l ("en" or "zh-CN") from now on.
export function setLang(l) {
  lang = l;
  t = translator(l);
}

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

// ---- elements ----

const $ = (id) => document.getElementById(id);
export const app = $("hy-app");
export const banner = $("hy-banner");
export const thread = $("hy-thread");
export const list = $("hy-list");
export const pill = $("hy-pill");
export const typingEl = $("hy-typing");
export const typingText = $("hy-typing-text");
export const statusNote = $("hy-status-note");
export const queueBanner = $("hy-queue");
export const form = $("hy-composer");
export const input = $("hy-input");
export const sendBtn = $("hy-send");
export const attachBtn = $("hy-attach");
export const upload = $("hy-upload");
