// The live connection: a WebSocket that resumes after the last seq seen,
// reconnects with backoff, carries typing both ways, and the connection
// banner that tells the visitor when it is down.

import { MAX_RECONNECT_MS, TYPING_EVERY_MS, API, t, banner, input } from "./env.js";
import { api } from "./http.js";
import { session, state, hasConversation } from "./session.js";
import { resetConversation } from "./conversation.js";
import { handleMessage, replaceBody } from "./thread.js";
import { resumeOutbox } from "./outbox.js";
import { showAgentTyping, hideAgentTyping, setConversationStatus } from "./ui.js";
import { showPlace, clearPlace, loadPlace } from "./queue.js";

let ws = null;
let wsState = "idle"; // idle | connecting | open | closed
let wsEverOpen = false;
let wsAttempt = 0;
let reconnectTimer = null;
let typingSupported = true;
let lastTypingSent = 0;

// socketOpen says whether the socket is open (it may still be dead without
// knowing it after a long sleep or a network change).
export function socketOpen() {
  return !!ws && ws.readyState === WebSocket.OPEN;
}

export function closeSocket() {
  clearTimeout(reconnectTimer);
  reconnectTimer = null;
  if (ws) {
    const s = ws;
    ws = null;
    s.onopen = s.onmessage = s.onclose = s.onerror = null;
    try {
      s.close(1000);
    } catch {
      /* already closed */
    }
  }
  wsState = "idle";
}

// onFrame handles one frame from the server.
function onFrame(data) {
  let f;
  try {
    f = JSON.parse(data);
  } catch {
    return;
  }
  if (!f || typeof f !== "object") return;
  if (f.type === "message") handleMessage(f.message, true);
  else if (f.type === "typing") {
    if (f.from === "contact") return;
    if (f.typing === false || f.state === "stop") hideAgentTyping();
    else showAgentTyping(f.name);
  } else if (f.type === "conversation" && f.conversation) {
    setConversationStatus(f.conversation.status);
    if (f.conversation.status === "resolved" || f.conversation.status === "closed") clearPlace();
  } else if (f.type === "queue") {
    showPlace(f);
  } else if (f.type === "redacted" && Array.isArray(f.messages)) {
    for (const m of f.messages) replaceBody(m && m.seq, m && m.body);
  }
}

export function connect() {
  if (!hasConversation()) return;
  closeSocket();
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const url =
    `${proto}//${location.host}/ws/contact?conversation=${encodeURIComponent(session.conversation_id)}` +
    `&after=${state.streamSeq}`;
  let sock;
  try {
    sock = new WebSocket(url);
  } catch {
    scheduleReconnect(0);
    return;
  }
  const info = { established: false, typingSent: false, timer: null };
  sock.info = info;
  ws = sock;
  wsState = "connecting";
  updateBanner();
  const establish = () => {
    if (info.established) return;
    info.established = true;
    wsAttempt = 0;
    // Subscribed now: read the place once; frames bring every change after.
    loadPlace();
  };
  sock.onopen = () => {
    sock.send(JSON.stringify({ type: "auth", token: session.contact_token }));
    wsState = "open";
    wsEverOpen = true;
    info.timer = setTimeout(establish, 1500);
    updateBanner();
    resumeOutbox();
  };
  sock.onmessage = (ev) => {
    establish();
    onFrame(ev.data);
  };
  sock.onclose = (ev) => {
    clearTimeout(info.timer);
    if (ws !== sock) return;
    ws = null;
    wsState = "closed";
    hideAgentTyping();
    if (ev.code === 1008) {
      if (info.typingSent) {
        // This server does not take typing frames: stop sending them.
        typingSupported = false;
        connect();
        return;
      }
      checkConversation();
      return;
    }
    scheduleReconnect(ev.code);
  };
  sock.onerror = () => {
    /* onclose follows */
  };
}

function scheduleReconnect(code) {
  clearTimeout(reconnectTimer);
  const cap = Math.min(MAX_RECONNECT_MS, 1000 * 2 ** wsAttempt);
  wsAttempt = Math.min(wsAttempt + 1, 10);
  let delay = cap / 2 + Math.random() * (cap / 2); // exponential backoff with jitter
  if (code === 1001) delay = Math.max(delay, 1000 + Math.random() * 1000); // restarting: give it a moment
  wsState = "closed";
  updateBanner();
  reconnectTimer = setTimeout(() => {
    reconnectTimer = null;
    connect();
  }, delay);
}

export function kickReconnect() {
  if (reconnectTimer && hasConversation()) connect();
}

// checkConversation runs when the socket refused our token or conversation:
// it asks over HTTP whether the conversation is still ours.
async function checkConversation() {
  wsState = "closed";
  updateBanner();
  const r = await api(
    "GET",
    `${API}/conversations/${encodeURIComponent(session.conversation_id)}/messages?after=${state.streamSeq}`,
    { token: session.contact_token },
  );
  if (r.status === 401 || r.status === 404) {
    resetConversation();
    return;
  }
  if (r.status === 200 && r.data && Array.isArray(r.data.messages)) {
    for (const m of r.data.messages) handleMessage(m, true);
  }
  scheduleReconnect(1008);
}

export function sendTyping() {
  if (!typingSupported || !ws || ws.readyState !== WebSocket.OPEN || !ws.info.established) return;
  if (!input.value.trim()) return;
  const now = Date.now();
  if (now - lastTypingSent < TYPING_EVERY_MS) return;
  lastTypingSent = now;
  ws.info.typingSent = true;
  try {
    ws.send(JSON.stringify({ type: "typing" }));
  } catch {
    /* the close handler reconnects */
  }
}

// ---- banner ----

let connectingTimer = null;

export function updateBanner() {
  let st = "";
  if (navigator.onLine === false) st = "offline";
  else if (hasConversation() && wsState !== "open") {
    if (wsEverOpen || wsState === "closed") st = "reconnecting";
    else if (!connectingTimer && wsState === "connecting") {
      // Say "connecting" only when it takes a while.
      connectingTimer = setTimeout(() => {
        connectingTimer = null;
        if (wsState === "connecting" && !wsEverOpen) showBanner("connecting");
      }, 2000);
    }
  }
  showBanner(st);
}

export function showBanner(st) {
  if (!st) {
    banner.hidden = true;
    banner.textContent = "";
    delete banner.dataset.state;
    return;
  }
  const text = { offline: t("offline"), reconnecting: t("reconnecting"), connecting: t("connecting") }[st];
  if (banner.dataset.state === st && !banner.hidden) return;
  banner.dataset.state = st;
  banner.textContent = text;
  banner.hidden = false;
}
