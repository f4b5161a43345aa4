// Huiying end-user chat: the full-page chat for in-app WebViews, also shown
// inside the widget's iframe (?embed=1). This module starts the page; the
// work is done by the modules beside it:
//
//   env.js           settings, language, inbox key and the page's elements
//   dom.js           DOM and formatting helpers
//   session.js       the stored session and the page's shared state
//   http.js          requests to the widget API and their errors
//   conversation.js  starting, forgetting and loading the conversation
//   thread.js        the messages on screen, in seq order
//   bot.js           the FAQ bot's links and buttons
//   outbox.js        sending the visitor's messages, retries
//   socket.js        the live connection and the connection banner
//   ui.js            typing indicator, status note, composer size, texts
//   wire.js          the page's event handlers
//   lang.js          the page's language: follows the visitor's writing, or their choice
//   visitor.js       the visitor's setting (page, device…) and name, told to the server
//   queue.js         the queue banner: place in line, expected wait, opening time, the agent
//
// The modules import each other's functions (a cycle among function
// declarations is safe in ES modules); none of them calls into another at
// load time, except env.js, dom.js and session.js, which import nothing
// that imports them back.
//
// Rules these files keep:
//   - API data (bodies, names, file names) only ever goes into the page as
//     text (textContent, createTextNode, attributes), never as HTML.
//   - Every message is shown once, in seq order: messages are keyed by seq,
//     and the visitor's own messages by their client_message_id until the
//     server gives them a seq.
//   - A message the server has not acknowledged is retried with the same
//     client_message_id, so a retry can never store it twice.
//
// Query parameters: lang=en|zh-CN, embed=1 (inside the widget's panel),
// inbox=KEY (when served other than as /chat/KEY), and optionally name,
// email, user_id, user_hash (sent when the conversation is started) and
// page_url, referrer, app_version, device, browser (the visitor's context).
//
// State kept in localStorage under "huiying.chat.<inbox key>":
// {conversation_id, contact_token, contact_id, last_seq, pending:[{cid, body, ts}]}.
// The thread element carries data-conversation-id once a conversation exists.
//
// data-testid hooks: chat-input, chat-send, chat-upload, chat-thread,
// chat-welcome, chat-message (data-direction, data-seq once stored,
// data-client-id for the visitor's own), message-body, message-state
// (data-state sending|delivered|failed), message-error, message-retry,
// message-remove, verified-badge, typing-indicator, connection-banner
// (data-state offline|reconnecting|connecting), new-messages-pill,
// conversation-status, safety-note, chat-lang (data-lang), chat-name-prompt,
// chat-name-input, chat-name-save, chat-name-skip, chat-name-thanks,
// queue-banner (data-state waiting|closed|assigned, data-position), queue-text.

import { embed, inboxKey, app, thread } from "./env.js";
import { outbox, hasConversation } from "./session.js";
import { markConversation, resetConversation, loadHistory } from "./conversation.js";
import { scrollToBottom } from "./thread.js";
import { restorePending, pump } from "./outbox.js";
import { connect, updateBanner, showBanner } from "./socket.js";
import { applyTexts, autoGrow, updateSendButton } from "./ui.js";
import { wire } from "./wire.js";
import { initLang } from "./lang.js";
import { initContext, syncContext, askName } from "./visitor.js";
import { initQueue } from "./queue.js";

async function start() {
  initLang();
  initContext();
  initQueue();
  applyTexts();
  if (embed) {
    app.classList.add("hy-embed");
    document.documentElement.classList.add("hy-embed-doc");
  }
  wire();
  autoGrow();
  updateSendButton();
  markConversation();

  // Messages that were waiting for an ack when the page was closed.
  restorePending();

  if (hasConversation()) {
    thread.setAttribute("aria-busy", "true"); // do not read the whole history out
    const res = await loadHistory();
    thread.removeAttribute("aria-busy");
    if (res === "gone") resetConversation();
    else {
      connect();
      syncContext();
      askName();
    }
  }
  scrollToBottom(false);
  updateBanner();
  if (outbox.length) pump();
  if (!inboxKey) showBanner("");
}

start();
