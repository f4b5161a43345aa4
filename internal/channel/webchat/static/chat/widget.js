/*! Huiying chat widget.
 *
 *   <script src="https://HOST/widget.js" data-inbox="INBOX_KEY" async></script>
 *
 * Optional attributes: data-lang="en|zh-CN" (the chat's language; default:
 * the browser's); a signed-in user: data-user-id, data-user-hash (from your
 * backend), data-user-name, data-user-email; the visitor's context:
 * data-app-version, data-device. Adds a launcher button at the bottom right
 * that opens the chat (HOST/chat/INBOX_KEY?embed=1) in a panel. Everything
 * lives in a shadow root, so the host page's styles and ours never meet.
 *
 * The chat is told the page's address (without its #fragment) and
 * referrer; it adds the browser, device, language and time zone itself.
 *
 * The page can also drive it: window.Huiying.open(), .close(), .toggle(),
 * .setUser({user_id, user_hash, name, email}) (before the chat opens, or it
 * reloads for the new user) and .setAttributes({app_version, device,
 * page_url, referrer, browser, language, time_zone}) (merged; sent at once).
 */
(function () {
  "use strict";

  if (window.__huiyingWidget) return;

  var script = document.currentScript;
  if (!script || !script.getAttribute("data-inbox")) {
    script = document.querySelector('script[data-inbox][src*="widget.js"]');
  }
  if (!script) return;
  var inbox = script.getAttribute("data-inbox");
  if (!inbox) {
    if (window.console) console.warn("Huiying widget: add data-inbox=\"INBOX_KEY\" to the script tag");
    return;
  }
  window.__huiyingWidget = true;

  var origin;
  try {
    origin = new URL(script.src, location.href).origin;
  } catch (e) {
    return;
  }
  var lang = script.getAttribute("data-lang") || "";
  var uiLang = (lang || (navigator.languages && navigator.languages[0]) || navigator.language || "en")
    .toLowerCase()
    .indexOf("zh") === 0
    ? "zh"
    : "en";
  var TEXT = {
    en: { open: "Open support chat", close: "Close support chat", title: "Support chat", unread: "unread" },
    zh: { open: "打开在线客服", close: "关闭在线客服", title: "在线客服", unread: "条未读" },
  }[uiLang];

  var user = {
    user_id: script.getAttribute("data-user-id") || "",
    user_hash: script.getAttribute("data-user-hash") || "",
    name: script.getAttribute("data-user-name") || "",
    email: script.getAttribute("data-user-email") || "",
  };
  var CONTEXT_KEYS = ["page_url", "referrer", "browser", "app_version", "device", "language", "time_zone"];
  var context = {};
  try {
    var here = new URL(location.href);
    here.hash = "";
    context.page_url = here.href;
  } catch (e) {
    /* no address */
  }
  if (document.referrer) context.referrer = document.referrer;
  if (script.getAttribute("data-app-version")) context.app_version = script.getAttribute("data-app-version");
  if (script.getAttribute("data-device")) context.device = script.getAttribute("data-device");

  function chatURL() {
    var u = origin + "/chat/" + encodeURIComponent(inbox) + "?embed=1" + (lang ? "&lang=" + encodeURIComponent(lang) : "");
    for (var k in user) {
      if (user[k]) u += "&" + k + "=" + encodeURIComponent(user[k]);
    }
    return u;
  }

  var CSS =
    ":host{all:initial}" +
    "*,*::before,*::after{box-sizing:border-box}" +
    "[hidden]{display:none!important}" +
    ".launcher{position:fixed;right:20px;bottom:20px;right:max(20px,env(safe-area-inset-right));bottom:max(20px,env(safe-area-inset-bottom));" +
    "z-index:2147483000;width:60px;height:60px;margin:0;padding:0;border:0;border-radius:50%;" +
    "background:#1d4ed8;color:#fff;cursor:pointer;display:grid;place-items:center;" +
    "box-shadow:0 6px 20px rgba(15,23,42,.28),0 2px 6px rgba(15,23,42,.18);transition:transform .15s ease,background-color .15s ease;" +
    "-webkit-tap-highlight-color:transparent}" +
    ".launcher:hover{background:#123c9c;transform:scale(1.05)}" +
    ".launcher:focus-visible{outline:3px solid #1d4ed8;outline-offset:3px}" +
    ".launcher svg{display:block;width:28px;height:28px;pointer-events:none}" +
    ".badge{position:absolute;top:-2px;right:-2px;min-width:20px;height:20px;padding:0 6px;border-radius:10px;" +
    "background:#b42318;color:#fff;font:700 12px/20px system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;text-align:center;" +
    "box-shadow:0 0 0 2px #fff}" +
    ".panel{position:fixed;right:20px;bottom:92px;right:max(20px,env(safe-area-inset-right));z-index:2147483001;" +
    "width:370px;height:600px;max-height:calc(100vh - 112px);max-width:calc(100vw - 40px);" +
    "border-radius:16px;overflow:hidden;background:#123c9c;" +
    "box-shadow:0 12px 48px rgba(15,23,42,.3),0 2px 8px rgba(15,23,42,.16)}" +
    ".frame{display:block;width:100%;height:100%;border:0;margin:0;padding:0;background:#f4f6f9;color-scheme:light}" +
    ".close{position:absolute;top:12px;right:12px;z-index:1;width:40px;height:40px;margin:0;padding:0;border:0;border-radius:50%;" +
    "background:rgba(255,255,255,.16);color:#fff;cursor:pointer;display:grid;place-items:center}" +
    ".close:hover{background:rgba(255,255,255,.28)}" +
    ".close:focus-visible{outline:3px solid #fff;outline-offset:1px}" +
    ".close svg{display:block;width:22px;height:22px;pointer-events:none}" +
    "@media (max-width:480px){" +
    ".panel{top:0;left:0;right:0;bottom:0;width:100%;height:100%;max-width:none;max-height:none;border-radius:0;" +
    "padding:env(safe-area-inset-top) env(safe-area-inset-right) env(safe-area-inset-bottom) env(safe-area-inset-left)}" +
    ".close{top:calc(10px + env(safe-area-inset-top));right:calc(10px + env(safe-area-inset-right))}" +
    ".open .launcher{display:none}" +
    "}" +
    "@media (prefers-reduced-motion:reduce){.launcher{transition:none}.launcher:hover{transform:none}}";

  var SVG_NS = "http://www.w3.org/2000/svg";
  function svg(d) {
    var s = document.createElementNS(SVG_NS, "svg");
    s.setAttribute("viewBox", "0 0 24 24");
    s.setAttribute("aria-hidden", "true");
    s.setAttribute("focusable", "false");
    var p = document.createElementNS(SVG_NS, "path");
    p.setAttribute("fill", "currentColor");
    p.setAttribute("d", d);
    s.appendChild(p);
    return s;
  }
  var CHAT_ICON = "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8.4L4 21.5V18a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2Zm3 6.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3Zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3Zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3Z";
  var CLOSE_ICON = "M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7l-1.4-1.4L9.2 12 2.9 5.7l1.4-1.4 6.3 6.3 6.3-6.3 1.4 1.4Z";
  var DOWN_ICON = "M12 15.6 5.3 8.9l1.4-1.4 5.3 5.3 5.3-5.3 1.4 1.4L12 15.6Z";

  var host, root, wrap, launcher, badge, panel, frame, closeBtn;
  var isOpen = false;
  var unread = 0;
  var frameReady = false;

  function build() {
    host = document.createElement("div");
    host.id = "huiying-widget-" + Math.random().toString(36).slice(2, 8);
    host.setAttribute("data-huiying-widget", "");
    root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;

    // A constructed style sheet is not subject to the host page's CSP
    // style-src; fall back to a <style> element where it is not supported.
    var sheetDone = false;
    try {
      if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === "function") {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        root.adoptedStyleSheets = [sheet];
        sheetDone = true;
      }
    } catch (e) {
      sheetDone = false;
    }
    if (!sheetDone) {
      var st = document.createElement("style");
      st.textContent = CSS;
      root.appendChild(st);
    }

    wrap = document.createElement("div");
    wrap.className = "wrap";

    panel = document.createElement("div");
    panel.className = "panel";
    panel.id = "huiying-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", TEXT.title);
    panel.hidden = true;

    closeBtn = document.createElement("button");
    closeBtn.type = "button";
    closeBtn.className = "close";
    closeBtn.setAttribute("aria-label", TEXT.close);
    closeBtn.setAttribute("title", TEXT.close);
    closeBtn.setAttribute("data-testid", "widget-close");
    closeBtn.appendChild(svg(CLOSE_ICON));
    closeBtn.addEventListener("click", function () {
      close(true);
    });
    panel.appendChild(closeBtn);

    launcher = document.createElement("button");
    launcher.type = "button";
    launcher.className = "launcher";
    launcher.setAttribute("data-testid", "widget-launcher");
    launcher.setAttribute("aria-label", TEXT.open);
    launcher.setAttribute("title", TEXT.open);
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", "huiying-panel");
    launcher.appendChild(svg(CHAT_ICON));
    badge = document.createElement("span");
    badge.className = "badge";
    badge.hidden = true;
    badge.setAttribute("data-testid", "widget-unread");
    launcher.appendChild(badge);
    launcher.addEventListener("click", toggle);

    wrap.appendChild(panel);
    wrap.appendChild(launcher);
    root.appendChild(wrap);

    root.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && isOpen) {
        ev.stopPropagation();
        close(true);
      }
    });
    window.addEventListener("message", onMessage);
    (document.body || document.documentElement).appendChild(host);
  }

  function ensureFrame() {
    if (frame) return;
    frame = document.createElement("iframe");
    frame.className = "frame";
    frame.title = TEXT.title;
    frame.setAttribute("data-testid", "widget-frame");
    frame.setAttribute("allow", "clipboard-write");
    frame.setAttribute("referrerpolicy", "origin");
    frame.addEventListener("load", function () {
      frameReady = true;
      post({ type: "huiying:context", context: context });
      if (isOpen) post({ type: "huiying:open" });
      else post({ type: "huiying:hidden" });
    });
    frame.src = chatURL();
    panel.appendChild(frame);
  }

  function post(msg) {
    if (!frame || !frame.contentWindow) return;
    try {
      frame.contentWindow.postMessage(msg, origin);
    } catch (e) {
      /* not loaded yet */
    }
  }

  function setUnread(n) {
    unread = n > 0 ? n : 0;
    badge.textContent = unread > 9 ? "9+" : String(unread);
    badge.hidden = unread === 0 || isOpen;
    launcher.setAttribute("aria-label", unread && !isOpen ? TEXT.open + " (" + unread + " " + TEXT.unread + ")" : isOpen ? TEXT.close : TEXT.open);
  }

  function open() {
    if (isOpen) return;
    isOpen = true;
    ensureFrame();
    panel.hidden = false;
    wrap.className = "wrap open";
    launcher.setAttribute("aria-expanded", "true");
    launcher.replaceChild(svg(DOWN_ICON), launcher.firstChild);
    launcher.setAttribute("title", TEXT.close);
    setUnread(0);
    if (frameReady) post({ type: "huiying:open" });
    try {
      frame.focus();
    } catch (e) {
      /* ignore */
    }
  }

  function close(returnFocus) {
    if (!isOpen) return;
    isOpen = false;
    panel.hidden = true;
    wrap.className = "wrap";
    launcher.setAttribute("aria-expanded", "false");
    launcher.replaceChild(svg(CHAT_ICON), launcher.firstChild);
    launcher.setAttribute("title", TEXT.open);
    setUnread(unread);
    post({ type: "huiying:hidden" });
    if (returnFocus) launcher.focus();
  }

  function toggle() {
    if (isOpen) close(true);
    else open();
  }

  function onMessage(ev) {
    if (!frame || ev.source !== frame.contentWindow || ev.origin !== origin) return;
    var d = ev.data;
    if (!d || typeof d !== "object") return;
    if (d.type === "huiying:close") close(true);
    else if (d.type === "huiying:unread" && typeof d.count === "number") setUnread(isOpen ? 0 : d.count);
  }

  function init() {
    if (host) return;
    build();
  }

  window.Huiying = window.Huiying || {};
  window.Huiying.open = function () {
    init();
    open();
  };
  window.Huiying.close = function () {
    if (host) close(false);
  };
  window.Huiying.toggle = function () {
    init();
    toggle();
  };
  // setUser identifies a signed-in user (user_hash computed by your
  // backend); an open chat reloads as that user.
  window.Huiying.setUser = function (u) {
    if (!u || typeof u !== "object") return;
    var changed = false;
    for (var k in user) {
      var v = u[k] == null ? "" : String(u[k]);
      if (v !== user[k]) {
        user[k] = v;
        changed = true;
      }
    }
    if (changed && frame) {
      frameReady = false;
      frame.src = chatURL();
    }
  };
  // setAttributes adds to the visitor's context shown to agents.
  window.Huiying.setAttributes = function (attrs) {
    if (!attrs || typeof attrs !== "object") return;
    for (var i = 0; i < CONTEXT_KEYS.length; i++) {
      var k = CONTEXT_KEYS[i];
      if (attrs[k] != null && attrs[k] !== "") context[k] = String(attrs[k]);
    }
    if (frameReady) post({ type: "huiying:context", context: context });
  };

  if (document.body) init();
  else document.addEventListener("DOMContentLoaded", init);
})();
