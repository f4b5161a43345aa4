// The parts of the page around the thread: the agent's typing indicator,
// the conversation's status note, the composer's size and send button, the
// texts of the page, and messages to the widget around it.

import {
  AGENT_TYPING_MS, lang, t, embed, typingEl, typingText, statusNote, input, sendBtn, attachBtn,
} from "./env.js";
import { state } from "./session.js";
import { scrollToBottom } from "./thread.js";

// ---- typing, status ----

let typingTimer = null;

export function showAgentTyping(name) {
  typingText.textContent = name ? t("typing", { name }) : t("typingAnon");
  const wasNear = state.stick;
  typingEl.hidden = false;
  if (wasNear) scrollToBottom(false);
  clearTimeout(typingTimer);
  typingTimer = setTimeout(hideAgentTyping, AGENT_TYPING_MS);
}

export function hideAgentTyping() {
  clearTimeout(typingTimer);
  typingTimer = null;
  typingEl.hidden = true;
}

export function setConversationStatus(status) {
  if (status === "resolved") showStatusNote(t("resolved"));
  else if (status === "closed") showStatusNote(t("closed"));
  else showStatusNote("");
}

export function showStatusNote(text) {
  statusNote.textContent = text;
  statusNote.hidden = !text;
}

// ---- composer ----

export function autoGrow() {
  input.style.height = "auto";
  const max = parseFloat(getComputedStyle(input).maxHeight) || 160;
  const h = Math.min(input.scrollHeight + 2, max);
  input.style.height = h + "px";
}

export function updateSendButton() {
  sendBtn.classList.toggle("hy-send--empty", !input.value.trim());
}

// ---- parent window (the widget) ----

export function postToParent(msg) {
  if (!embed || window.parent === window) return;
  try {
    window.parent.postMessage(msg, "*"); // nothing secret: counts and requests only
  } catch {
    /* no parent */
  }
}

// ---- texts ----

export function applyTexts() {
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
