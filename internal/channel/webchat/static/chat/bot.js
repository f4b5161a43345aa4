// The FAQ bot's answers in the thread: article links and the
// "solved / not solved" and "choose an article" buttons, and after "not
// solved" the "ask another way" and "talk to a person" buttons. Once one is
// tapped, it looks chosen and the others not, also after a reload.

import { API, t, input } from "./env.js";
import { el } from "./dom.js";
import { api } from "./http.js";
import { session, storeGet, storeSet } from "./session.js";

// answeredKey remembers, per conversation, the bot messages whose buttons
// were used and which one ("seq:choice"), so they stay disabled, with the
// choice shown, after a reload.
function answeredKey() {
  return `huiying.bot.${session.conversation_id || ""}`;
}

// answered maps seq → the choice made ("" when not known: stored by an
// older page as a bare seq).
function answered() {
  const m = new Map();
  try {
    for (const x of JSON.parse(storeGet(answeredKey()) || "[]")) {
      const [seq, ...choice] = String(x).split(":");
      m.set(Number(seq), choice.join(":"));
    }
  } catch {
    // unreadable: nothing is marked
  }
  return m;
}

function markAnswered(seq, choice) {
  const m = answered();
  m.delete(seq);
  m.set(seq, choice);
  storeSet(answeredKey(), JSON.stringify(Array.from(m, ([s, c]) => `${s}:${c}`).slice(-200)));
}

// choiceOf names a button's choice: its action, and the article chosen.
function choiceOf(action, articleId) {
  return articleId ? `${action}:${articleId}` : action;
}

// botActions builds the article links and buttons of a bot message:
// an answer has "solved / not solved", suggestions one button per article
// and "none of these".
export function botActions(e, meta) {
  const arts = Array.isArray(meta.articles) ? meta.articles : [];
  if (!arts.length && meta.kind !== "answer" && meta.kind !== "not_solved") return null;
  const box = el("div", "hy-bot-actions");
  box.setAttribute("data-testid", "bot-actions");
  box.dataset.kind = meta.kind || "";
  const done = answered();
  const buttons = [];
  // choose shows btn as the chosen one (or none, with null) and the others
  // as not chosen; all are disabled once one was tapped.
  const choose = (btn) => {
    for (const b of buttons) {
      b.disabled = !!btn || done.has(e.seq);
      b.setAttribute("aria-pressed", String(b === btn));
    }
    if (btn) box.dataset.answered = "true";
    else delete box.dataset.answered;
  };
  const send = async (action, articleId, btn) => {
    choose(btn);
    const r = await api("POST", `${API}/conversations/${encodeURIComponent(session.conversation_id)}/bot-feedback`, {
      body: { seq: e.seq, action, article_id: articleId || "" },
      token: session.contact_token,
    });
    if (r.status === 200 || r.status === 409) {
      markAnswered(e.seq, choiceOf(action, articleId));
      if (action === "rephrase") input.focus();
      return;
    }
    choose(null);
  };
  const button = (label, cls, testid, action, articleId) => {
    const b = el("button", `hy-bot-btn ${cls}`, label);
    b.type = "button";
    b.setAttribute("data-testid", testid);
    b.dataset.choice = choiceOf(action, articleId);
    if (articleId) b.dataset.article = articleId;
    b.addEventListener("click", () => send(action, articleId, b));
    buttons.push(b);
    return b;
  };
  // After a reload: the choice made, or every button off when not known.
  const settle = () => {
    if (!done.has(e.seq)) return;
    const c = done.get(e.seq);
    const btn = buttons.find((b) => b.dataset.choice === c) || null;
    choose(btn);
    for (const b of buttons) b.disabled = true;
  };
  if (meta.kind === "suggestions" || meta.kind === "not_solved") {
    for (const a of arts.slice(0, 3)) box.appendChild(button(a.title, "hy-bot-btn--choice", "bot-choice", "choose", a.id));
    if (meta.kind === "suggestions") {
      box.appendChild(button(t("botNone"), "hy-bot-btn--quiet", "bot-not-solved", "not_solved"));
    } else {
      const row = el("div", "hy-bot-row");
      row.appendChild(button(t("botRephrase"), "hy-bot-btn--quiet", "bot-rephrase", "rephrase"));
      row.appendChild(button(t("botHandoff"), "hy-bot-btn--quiet", "bot-handoff", "handoff"));
      box.appendChild(row);
    }
    settle();
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
  settle();
  return box;
}
