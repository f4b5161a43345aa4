// The page's event handlers: the composer, the thread, the network and the
// page's lifecycle, another tab, the widget around it, and the phone's
// keyboard.

import { storeKey, app, thread, pill, form, input, sendBtn, attachBtn, upload } from "./env.js";
import { session, state, hasConversation, loadSession } from "./session.js";
import { markConversation } from "./conversation.js";
import { isNearBottom, scrollToBottom } from "./thread.js";
import { sendText, sendFile, resumeOutbox } from "./outbox.js";
import { connect, sendTyping, socketOpen, updateBanner } from "./socket.js";
import { autoGrow, updateSendButton, postToParent } from "./ui.js";
import { mergeWidgetContext } from "./visitor.js";

function wireComposer() {
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    sendText();
  });
  input.addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter" || ev.isComposing || ev.keyCode === 229) return; // IME: Enter picks a candidate
    if (ev.shiftKey || ev.altKey) return; // newline
    ev.preventDefault();
    sendText();
  });
  input.addEventListener("input", () => {
    autoGrow();
    updateSendButton();
    sendTyping();
  });
  // Keep the keyboard up on phones: tapping send must not take the focus.
  sendBtn.addEventListener("mousedown", (ev) => ev.preventDefault());
  attachBtn.addEventListener("click", () => upload.click());
  upload.addEventListener("change", () => {
    for (const f of Array.from(upload.files || [])) sendFile(f);
    upload.value = "";
  });
  input.addEventListener("paste", (ev) => {
    const files = Array.from((ev.clipboardData && ev.clipboardData.files) || []).filter((f) =>
      String(f.type).startsWith("image/"),
    );
    if (files.length) {
      ev.preventDefault();
      files.forEach(sendFile);
    }
  });
}

function wireDrop() {
  app.addEventListener("dragover", (ev) => {
    if (ev.dataTransfer && Array.from(ev.dataTransfer.types || []).includes("Files")) {
      ev.preventDefault();
      app.classList.add("hy-dragging");
    }
  });
  app.addEventListener("dragleave", (ev) => {
    if (ev.target === app || !app.contains(ev.relatedTarget)) app.classList.remove("hy-dragging");
  });
  app.addEventListener("drop", (ev) => {
    app.classList.remove("hy-dragging");
    const files = Array.from((ev.dataTransfer && ev.dataTransfer.files) || []);
    if (files.length) {
      ev.preventDefault();
      files.forEach(sendFile);
    }
  });
}

function wireThread() {
  thread.addEventListener(
    "scroll",
    () => {
      state.stick = isNearBottom();
      if (state.stick) pill.hidden = true;
    },
    { passive: true },
  );
  pill.addEventListener("click", () => {
    const hadFocus = document.activeElement === pill;
    scrollToBottom(true);
    if (hadFocus) input.focus({ preventScroll: true }); // the pill is gone: keep the focus somewhere useful
  });
  if (typeof ResizeObserver === "function") {
    new ResizeObserver(() => {
      if (state.stick) scrollToBottom(false);
    }).observe(thread);
  }
}

function wireLifecycle() {
  let hiddenSince = 0;
  window.addEventListener("online", () => {
    updateBanner();
    // The network changed: the old socket may be dead without knowing it.
    if (hasConversation()) connect();
    resumeOutbox();
  });
  window.addEventListener("offline", updateBanner);
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) {
      hiddenSince = Date.now();
      return;
    }
    if (state.panelVisible) {
      state.unread = 0;
      postToParent({ type: "huiying:unread", count: 0 });
    }
    if (!hasConversation()) return;
    // After a long sleep the socket may be dead without knowing it: reopen.
    const long = hiddenSince && Date.now() - hiddenSince > 60000;
    if (!socketOpen() || long) connect();
    hiddenSince = 0;
  });
  window.addEventListener("pageshow", (ev) => {
    if (ev.persisted && hasConversation()) connect();
  });

  // Another tab of the same chat started the conversation: join it.
  window.addEventListener("storage", (ev) => {
    if (ev.key !== storeKey || hasConversation()) return;
    const s = loadSession();
    if (s.conversation_id && s.contact_token) {
      session.conversation_id = s.conversation_id;
      session.contact_token = s.contact_token;
      session.contact_id = s.contact_id;
      markConversation();
      connect();
    }
  });
}

// wireParent answers the widget around us (embed mode).
function wireParent() {
  window.addEventListener("message", (ev) => {
    if (ev.source !== window.parent || !ev.data || typeof ev.data !== "object") return;
    if (ev.data.type === "huiying:open") {
      state.panelVisible = true;
      state.unread = 0;
      postToParent({ type: "huiying:unread", count: 0 });
      if (state.stick) scrollToBottom(false);
      if (window.matchMedia("(pointer: fine)").matches) input.focus({ preventScroll: true });
    } else if (ev.data.type === "huiying:hidden") {
      state.panelVisible = false;
    } else if (ev.data.type === "huiying:context") {
      mergeWidgetContext(ev.data.context);
    }
  });
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && !ev.isComposing) postToParent({ type: "huiying:close" });
  });
}

// fitViewport follows the visible area on phones when the keyboard opens
// (iOS does not resize the layout for it).
function fitViewport() {
  const vv = window.visualViewport;
  if (vv) {
    const fit = () => {
      if (Math.abs(vv.scale - 1) > 0.01) return; // pinch-zoomed: leave the layout alone
      app.style.setProperty("--hy-app-height", Math.round(vv.height) + "px");
      if (document.scrollingElement && document.scrollingElement.scrollTop) window.scrollTo(0, 0);
    };
    vv.addEventListener("resize", fit);
    fit();
  }
}

export function wire() {
  wireComposer();
  wireDrop();
  wireThread();
  wireLifecycle();
  wireParent();
  fitViewport();
}
