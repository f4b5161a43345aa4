// The FAQ bot's answers in the thread: article links and the
// "solved / not solved" and "choose an article" buttons.

import { API, t } from "./env.js";
import { el } from "./dom.js";
import { api } from "./http.js";
import { session, storeGet, storeSet } from "./session.js";

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
export function botActions(e, meta) {
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
