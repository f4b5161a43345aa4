// The visitor's conversation: started on the first message, forgotten when
// the server no longer accepts it, and its history read on load.

import { API, MAX_PAGE, params, inboxKey, t, thread } from "./env.js";
import { api } from "./http.js";
import { session, state, bySeq, byCid, hasConversation, saveSession } from "./session.js";
import { handleMessage } from "./thread.js";
import { connect, closeSocket, updateBanner } from "./socket.js";
import { showStatusNote } from "./ui.js";
import { visitorContext, contextSent, askName } from "./visitor.js";
import { clearPlace } from "./queue.js";

let starting = null;

function startBody() {
  const b = {};
  for (const k of ["name", "email", "user_id", "user_hash"]) {
    const v = params.get(k);
    if (v) b[k] = v;
  }
  const ctx = visitorContext();
  if (Object.keys(ctx).length) b.context = ctx;
  return b;
}

// ensureConversation starts the conversation on the first message.
export function ensureConversation() {
  if (hasConversation()) return Promise.resolve({ ok: true });
  if (!starting) {
    starting = (async () => {
      const body = startBody();
      const path = `${API}/${encodeURIComponent(inboxKey)}/conversations`;
      let r = await api("POST", path, { body });
      if (r.status === 400 && body.context) {
        // The visitor must be able to write even if the host page passed a
        // context field the server refuses: start without the context.
        delete body.context;
        r = await api("POST", path, { body });
      }
      if (r.status === 201 && r.data && r.data.conversation_id && r.data.contact_token) {
        session.conversation_id = r.data.conversation_id;
        session.contact_token = r.data.contact_token;
        session.contact_id = r.data.contact_id;
        const uid = params.get("user_id");
        if (uid) session.user_id = uid;
        state.streamSeq = 0;
        saveSession();
        contextSent(body.context);
        markConversation();
        connect();
        askName();
        return { ok: true };
      }
      if (r.status === 404) return { ok: false, status: r.status, data: r.data, unavailable: true };
      return { ok: false, status: r.status, data: r.data };
    })().finally(() => {
      starting = null;
    });
  }
  return starting;
}

export function markConversation() {
  if (session.conversation_id) thread.dataset.conversationId = session.conversation_id;
  else delete thread.dataset.conversationId;
}

// resetConversation forgets a conversation the server no longer accepts
// (deleted, or a token it cannot verify); the next message starts a new one.
export function resetConversation() {
  closeSocket();
  delete session.conversation_id;
  delete session.contact_token;
  delete session.contact_id;
  state.streamSeq = 0;
  for (const [seq, e] of bySeq) {
    if (e.el) e.el.remove();
    if (e.cid) byCid.delete(e.cid);
    bySeq.delete(seq);
  }
  markConversation();
  saveSession();
  clearPlace();
  showStatusNote(t("conversationReset"));
  updateBanner();
}

export async function loadHistory() {
  let after = 0;
  for (;;) {
    const r = await api(
      "GET",
      `${API}/conversations/${encodeURIComponent(session.conversation_id)}/messages?after=${after}`,
      { token: session.contact_token },
    );
    if (r.status === 200 && r.data && Array.isArray(r.data.messages)) {
      const msgs = r.data.messages;
      for (const m of msgs) handleMessage(m, false);
      if (msgs.length < MAX_PAGE) return "ok";
      after = msgs[msgs.length - 1].seq;
      continue;
    }
    if (r.status === 401 || r.status === 404) return "gone";
    return "error"; // offline or the server is down: the socket catches up later
  }
}
