// The visitor's place in the queue: a small banner above the composer
// while the conversation waits for a person (position and expected wait,
// or when the team opens), then the name of the agent who has it until
// that agent first replies. The place comes from the contact socket's
// "queue" frames and, when the socket (re)connects, from
// GET /conversations/{id}/queue, so a visitor who comes back sees the
// current state.

import { API, lang, t, queueBanner as banner } from "./env.js";
import { el, avatarColor, initials } from "./dom.js";
import { api } from "./http.js";
import { session, state, hasConversation } from "./session.js";
import { onLangChange } from "./lang.js";

let place = null; // the last place the server told, or null
let version = 0; // counts places applied, so a late HTTP answer loses to a newer frame
// repliedAt maps an agent's name to the seq of their latest message;
// assignedAfter is the seq the thread had reached when this page saw the
// conversation given to its agent (0 when it was already assigned).
const repliedAt = new Map();
let assignedAfter = 0;

// initQueue re-words the banner when the visitor switches language.
export function initQueue() {
  onLangChange(render);
}

// showPlace applies a place from a "queue" frame or the queue endpoint.
export function showPlace(p) {
  if (!p || typeof p !== "object") return;
  version++;
  const wasWaiting = !!place && place.position > 0;
  place = p;
  if (p.assignee && wasWaiting) assignedAfter = state.streamSeq;
  render();
}

// clearPlace hides the banner: the conversation was forgotten, resolved or
// closed.
export function clearPlace() {
  version++;
  place = null;
  assignedAfter = 0;
  render();
}

// loadPlace asks the server for the current place; a frame that arrives
// while it asks wins.
export async function loadPlace() {
  if (!hasConversation()) return;
  const asked = version;
  const id = session.conversation_id;
  const r = await api("GET", `${API}/conversations/${encodeURIComponent(id)}/queue`, { token: session.contact_token });
  if (r.status !== 200 || !r.data || asked !== version || session.conversation_id !== id) return;
  showPlace(r.data);
}

// noteMessage is told every message shown, so the agent's name can give
// way once that agent has replied.
export function noteMessage(m) {
  if (m.direction !== "outbound" || !m.author_name) return;
  if ((repliedAt.get(m.author_name) || 0) < m.seq) repliedAt.set(m.author_name, m.seq);
  if (place && place.assignee && place.assignee.name === m.author_name) render();
}

// kind is what the banner says: "waiting", "closed", "assigned" or "" (nothing).
function kind(p) {
  if (!p) return "";
  // Closed hours with someone online anyway: they may well answer.
  if (p.position > 0) return p.open === false && !(p.agents_online > 0) ? "closed" : "waiting";
  if (p.assignee && p.assignee.name) {
    return (repliedAt.get(p.assignee.name) || 0) > assignedAfter ? "" : "assigned";
  }
  return "";
}

function render() {
  const b = banner;
  if (!b) return;
  const k = kind(place);
  if (!k) {
    b.hidden = true;
    b.replaceChildren();
    delete b.dataset.state;
    delete b.dataset.position;
    return;
  }
  const text = k === "assigned" ? t("queueAssigned", { name: place.assignee.name }) : k === "closed" ? closedText(place) : waitingText(place);
  b.dataset.state = k;
  b.dataset.position = String(place.position || 0);
  b.hidden = false;
  const old = b.querySelector(".hy-queue-text");
  // Unchanged text stays untouched, so a screen reader does not read it again.
  if (old && old.textContent === text && !!b.querySelector(".hy-queue-avatar") === (k === "assigned")) return;
  const parts = [];
  if (k === "assigned") parts.push(avatar(place.assignee));
  const span = el("span", "hy-queue-text", text);
  span.setAttribute("data-testid", "queue-text");
  parts.push(span);
  b.replaceChildren(...parts);
}

function avatar(a) {
  const initialsEl = () => {
    const n = el("span", "hy-queue-avatar", initials(a.name));
    n.style.backgroundColor = avatarColor(a.name);
    n.setAttribute("aria-hidden", "true");
    return n;
  };
  const url = String(a.avatar_url || "");
  if (!url.startsWith("/") || url.startsWith("//")) return initialsEl(); // this server's avatars only
  const img = el("img", "hy-queue-avatar");
  img.alt = "";
  img.src = url;
  img.addEventListener("error", () => img.replaceWith(initialsEl()), { once: true });
  return img;
}

function waitingText(p) {
  const n = p.position;
  const vars = { n, ahead: n - 1 };
  if (p.eta_known) return t(n === 1 ? "queueNextEta" : "queueEta", { ...vars, eta: etaText(p.eta_seconds) });
  return t(n === 1 ? "queueNext" : "queuePosition", vars);
}

// etaText rounds up to minutes, says "less than a minute" under 60 s and
// hours from 90 minutes.
export function etaText(seconds) {
  const s = Math.max(0, Number(seconds) || 0);
  if (s < 60) return t("etaUnderMinute");
  const min = Math.ceil(s / 60);
  if (min < 90) return t("etaMinutes", { n: min });
  return t("etaHours", { n: Math.ceil(min / 60) });
}

function closedText(p) {
  const when = p.opens_at ? opensText(p.opens_at, p.time_zone) : "";
  return when ? t("queueClosed", { when }) : t("queueClosedNoTime");
}

// opensText says when the team opens, in the team's zone and in the words
// the bot uses (routing.OpeningText): "today at 09:00 (Beijing time)",
// "tomorrow", the weekday up to six days ahead ("Monday", "周一"), else the
// date ("Dec 14", "12月14日", with the year when not this year's); the zone
// is 北京时间 / Beijing time for China's, the city in English ("New York
// time"), the IANA name in Chinese, an unknown name read as UTC.
export function opensText(iso, timeZone, now = new Date()) {
  const d = new Date(iso);
  if (isNaN(d.getTime())) return "";
  let zone = String(timeZone || "UTC");
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
  } catch {
    zone = "UTC";
  }
  const parts = (x) => {
    const f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone, year: "numeric", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    });
    return Object.fromEntries(f.formatToParts(x).map((q) => [q.type, q.value]));
  };
  const o = parts(d);
  const n = parts(now);
  const days = Math.round((Date.UTC(o.year, o.month - 1, o.day) - Date.UTC(n.year, n.month - 1, n.day)) / 86400000);
  const fmt = (opts) => new Intl.DateTimeFormat(lang, { timeZone: zone, ...opts }).format(d);
  const zh = lang === "zh-CN";
  let day;
  if (days <= 0) day = t("opensToday");
  else if (days === 1) day = t("opensTomorrow");
  else if (days <= 6) day = fmt({ weekday: zh ? "short" : "long" });
  else if (o.year !== n.year) day = fmt({ year: "numeric", month: zh ? "long" : "short", day: "numeric" });
  else day = fmt({ month: zh ? "long" : "short", day: "numeric" });
  return t("opensAt", { day, time: `${o.hour}:${o.minute}`, zone: zoneName(zone) });
}

const BEIJING = ["Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC"];

function zoneName(tz) {
  if (BEIJING.includes(tz)) return t("zoneBeijing");
  if (tz.includes("/") && !tz.startsWith("Etc/")) {
    return t("zoneCity", { tz, city: tz.slice(tz.lastIndexOf("/") + 1).replaceAll("_", " ") });
  }
  return tz;
}
