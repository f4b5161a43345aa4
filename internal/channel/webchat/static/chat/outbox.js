// The outbox: the visitor's messages until the server acknowledges them.
// They are sent one at a time, in the order written, and a message the
// server has not acknowledged is retried with the same client_message_id,
// so a retry can never store it twice.

import { API, ACCEPTED_IMAGES, t, input } from "./env.js";
import { uuid, sleep } from "./dom.js";
import { api, uploadRequest, classify, errorText } from "./http.js";
import { session, byCid, outbox, saveSession } from "./session.js";
import { followWriting } from "./lang.js";
import { ensureConversation, resetConversation } from "./conversation.js";
import { buildEntryElement, place, scrollToBottom, renderState, setState, acknowledge } from "./thread.js";
import { kickReconnect } from "./socket.js";
import { autoGrow, updateSendButton, showStatusNote } from "./ui.js";

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

// restorePending shows again the messages that were waiting for an ack
// when the page was closed; they are sent once the page has started.
export function restorePending() {
  const pending = Array.isArray(session.pending) ? session.pending : [];
  for (const p of pending) {
    if (!p || !p.cid || typeof p.body !== "string") continue;
    const e = { cid: p.cid, body: p.body, ts: p.ts || new Date().toISOString(), direction: "inbound", state: "sending", attempts: 0 };
    byCid.set(e.cid, e);
    outbox.push(e);
    buildEntryElement(e);
    place(e.el);
  }
}

export function sendText() {
  const text = input.value.replace(/\s+$/, "");
  if (!text.trim()) {
    input.focus();
    return;
  }
  followWriting(text);
  newEntry({ body: text });
  input.value = "";
  autoGrow();
  updateSendButton();
  showStatusNote("");
  saveSession();
  pump();
}

export function sendFile(file) {
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
export async function pump() {
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

// post makes one attempt at storing e: its text, or its file as an upload.
function post(e) {
  if (e.file) {
    return uploadRequest(
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
  }
  return api("POST", `${API}/conversations/${encodeURIComponent(session.conversation_id)}/messages`, {
    token: session.contact_token,
    body: { client_message_id: e.cid, body: e.body },
  });
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
    } else {
      r = await post(e);
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

export function retryEntry(e) {
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

export function removeEntry(e) {
  const i = outbox.indexOf(e);
  if (i >= 0) outbox.splice(i, 1);
  if (e.cid) byCid.delete(e.cid);
  if (e.el) e.el.remove();
  if (e.previewUrl) URL.revokeObjectURL(e.previewUrl);
  saveSession();
  input.focus();
}

// resumeOutbox retries every message that failed for a temporary reason.
export function resumeOutbox() {
  let any = false;
  for (const x of outbox) {
    if (x.state === "failed" && !x.permanent) {
      setState(x, "sending");
      any = true;
    }
  }
  if (any || outbox.some((x) => x.state === "sending")) pump();
}
