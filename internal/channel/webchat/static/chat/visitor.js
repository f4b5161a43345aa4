// What the chat tells the server about the visitor besides messages: the
// visitor's setting (page, referrer, browser or app version, device,
// language, time zone), sent when the conversation starts and again when it
// changes, and the visitor's name, asked once and optionally.
//
// The setting comes from the browser (language, time zone, browser and
// device read from the user agent), from the page's query (page_url,
// referrer, app_version, device, browser: for a wallet app's WebView) and
// from the widget around the page (its data- attributes and
// Huiying.setAttributes), each later source winning over the one before.

import { API, params, t, thread } from "./env.js";
import { api } from "./http.js";
import { session, hasConversation, saveSession } from "./session.js";
import { el } from "./dom.js";
import { onLangChange } from "./lang.js";

// LIMITS are the server's bounds, in characters (bytes for these ASCII
// fields; a longer value is left out rather than refused).
const LIMITS = { page_url: 2048, referrer: 2048, browser: 200, app_version: 200, device: 200, language: 35, time_zone: 64 };
const LANG_RE = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/;
const TZ_RE = /^[A-Za-z0-9_+\-/]+$/;

const context = {};

// webURL keeps an http or https address without its fragment (often a
// token) and, when too long, without its query.
function webURL(v) {
  let u;
  try {
    u = new URL(v);
  } catch {
    return "";
  }
  if ((u.protocol !== "http:" && u.protocol !== "https:") || u.username || u.password) return "";
  u.hash = "";
  if (u.href.length > LIMITS.page_url) u.search = "";
  return u.href;
}

function put(k, v) {
  if (!(k in LIMITS) || typeof v !== "string") return;
  v = v.trim();
  if (k === "page_url" || k === "referrer") v = webURL(v);
  if (k === "language" && !LANG_RE.test(v)) v = "";
  if (k === "time_zone" && !TZ_RE.test(v)) v = "";
  if (v && v.length <= LIMITS[k]) context[k] = v;
}

// browserName is the browser and its major version from the user agent.
function browserName(ua) {
  const rules = [
    [/MicroMessenger\/(\d+)/, "WeChat"],
    [/Edg(?:e|A|iOS)?\/(\d+)/, "Edge"],
    [/OPR\/(\d+)/, "Opera"],
    [/(?:Chrome|CriOS)\/(\d+)/, "Chrome"],
    [/(?:Firefox|FxiOS)\/(\d+)/, "Firefox"],
    [/Version\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari/, "Safari"],
  ];
  for (const [re, name] of rules) {
    const m = ua.match(re);
    if (m) return `${name} ${m[1]}`;
  }
  return "";
}

function deviceName(ua) {
  if (/iPhone/.test(ua)) return "iPhone";
  if (/iPad/.test(ua)) return "iPad";
  if (/Android/.test(ua)) return /Mobile/.test(ua) ? "Android phone" : "Android tablet";
  if (/Windows/.test(ua)) return "Windows computer";
  if (/Macintosh/.test(ua)) return "Mac";
  if (/Linux/.test(ua)) return "Linux computer";
  return "";
}

// initContext reads the browser's and the page query's parts.
export function initContext() {
  const ua = navigator.userAgent || "";
  put("browser", browserName(ua));
  put("device", deviceName(ua));
  put("language", navigator.language || "");
  try {
    put("time_zone", Intl.DateTimeFormat().resolvedOptions().timeZone || "");
  } catch {
    /* no Intl time zone */
  }
  for (const k of Object.keys(LIMITS)) {
    const v = params.get(k);
    if (v) put(k, v);
  }
}

// visitorContext is the context to send with the conversation's start.
export function visitorContext() {
  return { ...context };
}

// contextSent records what the server has (after the start).
export function contextSent(sent) {
  session.context_sent = JSON.stringify(sent || {});
  saveSession();
}

// mergeWidgetContext takes the widget's context (huiying:context) and sends
// it when the conversation exists.
export function mergeWidgetContext(ctx) {
  if (!ctx || typeof ctx !== "object") return;
  for (const [k, v] of Object.entries(ctx)) put(k, v);
  syncContext();
}

// syncContext sends the context when it differs from what the server has.
export async function syncContext() {
  if (!hasConversation()) return;
  const now = JSON.stringify(context);
  if (now === "{}" || now === session.context_sent) return;
  const r = await api("PATCH", `${API}/conversations/${encodeURIComponent(session.conversation_id)}`, {
    token: session.contact_token,
    body: { context },
  });
  // A refused field is not retried on every page: the server said no.
  if (r.status === 200 || r.status === 400) contextSent(context);
}

// ---- the name, asked once ----

let card = null;

function mayAsk() {
  return hasConversation() && !session.name_asked && !params.get("name") && !params.get("user_id");
}

function closeCard() {
  if (card) card.remove();
  card = null;
}

function answered() {
  session.name_asked = true;
  saveSession();
}

// askName shows the optional name prompt under the thread once the
// visitor has written, until they give a name or skip it.
export function askName() {
  if (card || !mayAsk()) return;
  const form = el("form", "hy-ask-name");
  form.noValidate = true;
  form.setAttribute("data-testid", "chat-name-prompt");
  const text = el("p", "hy-ask-name-text");
  text.id = "hy-ask-name-text";
  const input = el("input", "hy-ask-name-input");
  input.type = "text";
  input.maxLength = 200;
  input.autocomplete = "name";
  input.setAttribute("data-testid", "chat-name-input");
  input.setAttribute("aria-describedby", text.id);
  const save = el("button", "hy-ask-name-save");
  save.type = "submit";
  save.setAttribute("data-testid", "chat-name-save");
  const skip = el("button", "hy-ask-name-skip");
  skip.type = "button";
  skip.setAttribute("data-testid", "chat-name-skip");
  const err = el("p", "hy-ask-name-error");
  err.setAttribute("role", "alert");
  err.hidden = true;
  const texts = () => {
    text.textContent = t("askName");
    input.placeholder = t("askNamePlaceholder");
    input.setAttribute("aria-label", t("askNameLabel"));
    save.textContent = t("askNameSave");
    skip.textContent = t("askNameSkip");
  };
  texts();
  onLangChange(() => {
    if (form.isConnected) texts();
  });
  const row = el("div", "hy-ask-name-row");
  row.append(input, save, skip);
  form.append(text, row, err);
  skip.addEventListener("click", () => {
    answered();
    closeCard();
  });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const name = input.value.trim();
    if (!name) {
      input.focus();
      return;
    }
    save.disabled = true;
    const r = await api("PATCH", `${API}/conversations/${encodeURIComponent(session.conversation_id)}`, {
      token: session.contact_token,
      body: { name },
    });
    save.disabled = false;
    if (r.status !== 200) {
      err.textContent = (r.data && r.data.error && r.data.error.message) || t("errGeneric");
      err.hidden = false;
      return;
    }
    answered();
    const thanks = el("p", "hy-ask-name-text", t("askNameThanks", { name: (r.data && r.data.name) || name }));
    thanks.setAttribute("role", "status");
    thanks.setAttribute("data-testid", "chat-name-thanks");
    form.replaceChildren(thanks);
    setTimeout(closeCard, 4000);
  });
  card = form;
  thread.append(form);
}
