// The visitor's session and the page's shared state: the conversation and
// its token, kept in localStorage under "huiying.chat.<inbox key>" as
// {conversation_id, contact_token, contact_id, last_seq, pending:[{cid, body, ts}]},
// the messages on screen by seq and by client_message_id, and the outbox.

import { params, storeKey } from "./env.js";

// ---- storage ----

const memoryStore = new Map(); // when localStorage is blocked (some third-party iframes)

export function storeGet(k) {
  try {
    return localStorage.getItem(k);
  } catch {
    return memoryStore.get(k) ?? null;
  }
}

export function storeSet(k, v) {
  try {
    if (v === null) localStorage.removeItem(k);
    else localStorage.setItem(k, v);
  } catch {
    if (v === null) memoryStore.delete(k);
    else memoryStore.set(k, v);
  }
}

export function loadSession() {
  let s = null;
  try {
    s = JSON.parse(storeGet(storeKey) || "null");
  } catch {
    s = null;
  }
  if (!s || typeof s !== "object") s = {};
  // A different signed-in user on this device must not see the previous user's thread.
  const uid = params.get("user_id");
  if (uid && s.user_id !== undefined && s.user_id !== uid) s = {};
  return s;
}

// ---- state ----

/** @type {{conversation_id?:string, contact_token?:string, contact_id?:string, user_id?:string, last_seq?:number, pending?:Array}} */
export const session = loadSession();

export const state = {
  streamSeq: 0, // highest seq received from the history or the socket: where a reconnect resumes
  stick: true, // keep the thread scrolled to the bottom
  unread: 0,
  panelVisible: true,
};

export const bySeq = new Map(); // seq -> entry
export const byCid = new Map(); // client_message_id -> entry (the visitor's own messages)
export const outbox = []; // the visitor's messages not yet acknowledged, oldest first

export function hasConversation() {
  return !!(session.conversation_id && session.contact_token);
}

export function saveSession() {
  session.last_seq = state.streamSeq;
  session.pending = outbox
    .filter((e) => !e.file && e.state !== "delivered" && !e.permanent)
    .map((e) => ({ cid: e.cid, body: e.body, ts: e.ts }));
  if (!hasConversation() && session.pending.length === 0) {
    storeSet(storeKey, null);
    return;
  }
  storeSet(storeKey, JSON.stringify(session));
}

let saveTimer = null;

export function scheduleSave() {
  if (saveTimer) return;
  saveTimer = setTimeout(() => {
    saveTimer = null;
    saveSession();
  }, 300);
}
