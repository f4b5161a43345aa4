// The thread: every message shown once, in seq order (keyed by seq, and the
// visitor's own by client_message_id until the server gives them a seq),
// with its author, attachments and delivery state.

import { t, thread, list, pill } from "./env.js";
import { el, icon, timeEl, formatSize, avatarColor, initials, appendLinkified } from "./dom.js";
import { attachmentURL } from "./http.js";
import { state, bySeq, byCid, outbox, scheduleSave, saveSession } from "./session.js";
import { botActions } from "./bot.js";
import { renderMarkdown } from "./markdown.js";
import { retryEntry, removeEntry } from "./outbox.js";
import { hideAgentTyping, postToParent } from "./ui.js";
import { noteMessage } from "./queue.js";

// ---- scrolling ----

export function isNearBottom() {
  return thread.scrollHeight - thread.scrollTop - thread.clientHeight < 60;
}

export function scrollToBottom(smooth) {
  thread.scrollTo({ top: thread.scrollHeight, behavior: smooth ? "smooth" : "auto" });
  state.stick = true;
  pill.hidden = true;
}

// place inserts a message element in seq order; messages without a seq
// (the visitor's unacknowledged ones) stay at the end in the order sent.
export function place(node, seq) {
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

// ---- rendering ----

// appendAuthor adds the avatar and the author line: the agent's name with
// the verified mark, the bot's label, or "You" for screen readers.
function appendAuthor(node, col, dir, m) {
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
}

function buildBubble(e, m, dir) {
  const bubble = el("div", "hy-bubble");
  const atts = e.file ? [{ local: true, filename: e.file.name, content_type: e.file.type }] : m.attachments || [];
  if (atts.length) {
    if (atts.some((a) => a.local || String(a.content_type || "").startsWith("image/"))) bubble.classList.add("hy-bubble--media");
    const box = el("div", "hy-attachments");
    for (const a of atts) box.appendChild(attachmentElement(e, a));
    bubble.appendChild(box);
  }
  const body = e.file ? "" : (e.message ? m.body : e.body) || "";
  if (body && dir === "bot") {
    // The bot writes the help center's Markdown subset: bold, lists, links.
    const d = el("div", "hy-body hy-md");
    d.setAttribute("data-testid", "message-body");
    d.appendChild(renderMarkdown(body, { text: linkified, target: "_blank" }));
    bubble.appendChild(d);
  } else if (body) {
    const p = el("p", "hy-body");
    p.setAttribute("data-testid", "message-body");
    if (dir === "inbound") p.textContent = body;
    else appendLinkified(p, body);
    bubble.appendChild(p);
  } else if (!atts.length) {
    bubble.appendChild(el("p", "hy-body", ""));
  }
  return bubble;
}

function linkified(text) {
  const f = document.createDocumentFragment();
  appendLinkified(f, text);
  return [f];
}

export function buildEntryElement(e) {
  const m = e.message || {};
  const dir = e.direction;
  const node = el("div", `hy-msg hy-msg--${dir}`);
  node.setAttribute("data-testid", "chat-message");
  node.dataset.direction = dir;
  if (e.seq) node.dataset.seq = String(e.seq);
  if (e.cid) node.dataset.clientId = e.cid;

  const col = el("div", "hy-msg-col");
  appendAuthor(node, col, dir, m);
  col.appendChild(buildBubble(e, m, dir));
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
      if (state.stick) scrollToBottom(false);
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
export function renderState(e) {
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
  if (e.state === "failed") appendFailure(e, meta);
}

// appendFailure adds why a message was not sent, and "retry" / "remove".
function appendFailure(e, meta) {
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

export function setState(e, st, error) {
  e.state = st;
  e.error = error || "";
  renderState(e);
}

// ---- incoming messages ----

export function handleMessage(m, live) {
  if (!m || typeof m.seq !== "number" || !m.direction) return;
  if (m.seq > state.streamSeq) {
    state.streamSeq = m.seq;
    scheduleSave();
  }
  if (m.direction === "note") return; // never sent to contacts; ignore if it ever is
  const known = bySeq.get(m.seq);
  if (known) {
    if (!known.message) known.message = m;
    return;
  }
  const wasNear = state.stick || isNearBottom();
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
  noteMessage(m);
  if (m.direction === "outbound") hideAgentTyping();
  if (!live) return;
  if (wasNear || m.direction === "inbound") scrollToBottom(false);
  else pill.hidden = false;
  if (m.direction !== "inbound" && (!state.panelVisible || document.hidden)) {
    state.unread++;
    postToParent({ type: "huiying:unread", count: state.unread });
  }
}

// replaceBody shows the new body of a message already on screen: a later
// message completed a secret, and the server removed it from this one.
export function replaceBody(seq, body) {
  const e = typeof seq === "number" ? bySeq.get(seq) : null;
  if (!e || typeof body !== "string") return;
  e.body = body;
  if (e.message) e.message.body = body;
  const p = e.el && e.el.querySelector('[data-testid="message-body"]');
  if (p) p.textContent = body;
}

// acknowledge marks one of the visitor's messages as stored with seq. When
// the server stored a different body (the secret guard removed a seed phrase
// or key), the bubble shows what was stored, so the secret leaves the screen.
export function acknowledge(e, seq, storedBody) {
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
    const wasNear = state.stick || isNearBottom();
    place(e.el, seq);
    if (wasNear) scrollToBottom(false);
  }
  setState(e, "delivered");
  saveSession();
}
