// The chat's language. It starts as ?lang= or the browser's, follows the
// conversation once the visitor has written (read as the bot reads it, so
// the buttons speak the language the bot answers in), and the visitor can
// switch it with the header's toggle: a switch wins over the writing. The
// choice is kept under "huiying.chat.<inbox key>.lang" as {lang, chosen}.

import { lang, setLang, storeKey } from "./env.js";
import { detectLang } from "./i18n.js";
import { storeGet, storeSet } from "./session.js";
import { el } from "./dom.js";
import { applyTexts } from "./ui.js";

const LANG_KEY = storeKey + ".lang";
let chosen = false; // the visitor picked the language with the toggle
let toggle = null;
const listeners = [];

// onLangChange calls fn after each switch, for texts built in code.
export function onLangChange(fn) {
  listeners.push(fn);
}

// initLang restores the kept language and puts the toggle in the header.
export function initLang() {
  let kept = null;
  try {
    kept = JSON.parse(storeGet(LANG_KEY) || "null");
  } catch {
    kept = null;
  }
  if (kept && (kept.lang === "en" || kept.lang === "zh-CN")) {
    chosen = !!kept.chosen;
    if (kept.lang !== lang) setLang(kept.lang);
  }
  toggle = el("button", "hy-lang");
  toggle.type = "button";
  toggle.setAttribute("data-testid", "chat-lang");
  toggle.addEventListener("click", () => use(lang === "zh-CN" ? "en" : "zh-CN", true));
  const header = document.querySelector(".hy-header");
  if (header) header.append(toggle);
  render();
}

function render() {
  if (!toggle) return;
  const other = lang === "zh-CN" ? "en" : "zh-CN";
  toggle.textContent = other === "en" ? "EN" : "中文";
  toggle.lang = other;
  toggle.setAttribute("aria-label", other === "en" ? "Switch to English (切换到英文)" : "切换到中文 (Switch to Chinese)");
  toggle.dataset.lang = lang;
}

function use(l, byVisitor) {
  if (byVisitor) chosen = true;
  storeSet(LANG_KEY, JSON.stringify({ lang: l, chosen }));
  if (l === lang) return;
  setLang(l);
  applyTexts();
  render();
  for (const fn of listeners) fn(l);
}

// followWriting switches to the language of the visitor's message, unless
// the visitor chose one.
export function followWriting(text) {
  if (chosen) return;
  const l = detectLang(text);
  if (l) use(l, false);
}
