// Texts of the end-user chat, in English and Simplified Chinese.
//
// The language comes from ?lang=en|zh-CN when given, else from the browser:
// any zh* language gets zh-CN, everything else English.

const STRINGS = {
  en: {
    docTitle: "Support chat",
    title: "Support",
    subtitle: "Chat with our support team",
    safety: "We will never ask for your mnemonic (seed phrase) or private key.",
    safetyLink: "How to recognise real support",
    welcome: "Hi! How can we help you today? Send us a message and our support team will reply right here.",
    threadLabel: "Conversation",
    inputLabel: "Message",
    placeholder: "Type a message…",
    send: "Send",
    attach: "Send an image",
    you: "You",
    agentFallback: "Support agent",
    verified: "Verified support",
    verifiedTitle: "This reply comes from the official support team of this app.",
    bot: "Auto-reply",
    botSolved: "Solved",
    botNotSolved: "Not solved",
    botNone: "None of these",
    botRephrase: "Ask another way",
    botHandoff: "Talk to a person",
    sending: "Sending…",
    uploading: "Uploading… {pct}%",
    delivered: "Delivered",
    failed: "Not sent",
    retry: "Retry",
    remove: "Remove",
    typing: "{name} is typing…",
    typingAnon: "Support is typing…",
    newMessages: "New messages",
    offline: "You are offline. Your messages will be sent when the connection is back.",
    connecting: "Connecting…",
    reconnecting: "Connection lost. Reconnecting…",
    resolved: "This conversation was marked as resolved. Send a message if you need more help.",
    closed: "This conversation was closed. Send a message if you need more help.",
    imageAlt: "Image {name}",
    fileLink: "{name} ({size})",
    errTooLarge: "The file is too large.",
    errTooLargeMax: "The file is too large (max {max}).",
    errUnsupported: "This file type is not supported. Send a PNG, JPEG, GIF or WebP image.",
    errNotImage: "Only images can be sent here (PNG, JPEG, GIF or WebP).",
    errTooLong: "The message is too long.",
    errUnavailable: "This support chat is not available. Please contact the app's support another way.",
    errNetwork: "No connection.",
    errGeneric: "Something went wrong.",
    conversationReset: "Your previous conversation is no longer available. A new one will start with your next message.",
    askName: "May we know your name? It is optional.",
    askNameLabel: "Your name",
    askNamePlaceholder: "Your name",
    askNameSave: "Save",
    askNameSkip: "Skip",
    askNameThanks: "Thanks, {name}!",
    queueNextEta: "You're next in line · {eta}",
    queueEta: "You're #{n} in line · {eta}",
    queueNext: "You're next in line. An agent will reply here as soon as one is free.",
    queuePosition: "You're #{n} in line. An agent will reply here as soon as one is free.",
    etaUnderMinute: "less than a minute",
    etaMinutes: "about {n} min",
    etaHours: "about {n} hours",
    queueClosed: "Our team is offline now and opens {when}. Your message is saved; we'll reply here.",
    queueClosedNoTime: "Our team is offline now. Your message is saved; we'll reply here.",
    opensToday: "today",
    opensTomorrow: "tomorrow",
    opensAt: "{day} at {time} ({zone})",
    zoneBeijing: "Beijing time",
    zoneCity: "{city} time",
    queueAssigned: "{name} is handling your conversation",
  },
  "zh-CN": {
    docTitle: "在线客服",
    title: "在线客服",
    subtitle: "与客服团队在线沟通",
    safety: "我们绝不会索要您的助记词或私钥。",
    safetyLink: "如何识别真正的客服",
    welcome: "您好！请问有什么可以帮您？留言后，客服会在这里回复您。",
    threadLabel: "会话消息",
    inputLabel: "消息",
    placeholder: "输入消息…",
    send: "发送",
    attach: "发送图片",
    you: "我",
    agentFallback: "客服",
    verified: "官方客服",
    verifiedTitle: "此回复来自本应用的官方客服团队。",
    bot: "自动回复",
    botSolved: "已解决",
    botNotSolved: "未解决",
    botNone: "都不是",
    botRephrase: "换个说法问",
    botHandoff: "转人工客服",
    sending: "发送中…",
    uploading: "上传中… {pct}%",
    delivered: "已送达",
    failed: "发送失败",
    retry: "重试",
    remove: "删除",
    typing: "{name} 正在输入…",
    typingAnon: "客服正在输入…",
    newMessages: "有新消息",
    offline: "网络已断开，恢复连接后会自动发送您的消息。",
    connecting: "正在连接…",
    reconnecting: "连接已断开，正在重新连接…",
    resolved: "此会话已标记为已解决。如需更多帮助，请直接发送消息。",
    closed: "此会话已关闭。如需更多帮助，请直接发送消息。",
    imageAlt: "图片 {name}",
    fileLink: "{name}（{size}）",
    errTooLarge: "文件太大。",
    errTooLargeMax: "文件太大（上限 {max}）。",
    errUnsupported: "不支持此文件类型，请发送 PNG、JPEG、GIF 或 WebP 图片。",
    errNotImage: "这里只能发送图片（PNG、JPEG、GIF 或 WebP）。",
    errTooLong: "消息太长。",
    errUnavailable: "此客服会话不可用，请通过其他方式联系客服。",
    errNetwork: "网络未连接。",
    errGeneric: "出现问题，请稍后重试。",
    conversationReset: "之前的会话已不可用。发送下一条消息时将开始新的会话。",
    askName: "方便告诉我们怎么称呼您吗？（可不填）",
    askNameLabel: "您的称呼",
    askNamePlaceholder: "您的称呼",
    askNameSave: "保存",
    askNameSkip: "跳过",
    askNameThanks: "谢谢，{name}！",
    queueNextEta: "下一位就是您 · {eta}",
    queueEta: "您前面还有 {ahead} 人 · {eta}",
    queueNext: "下一位就是您。客服一有空就会在这里回复您。",
    queuePosition: "您前面还有 {ahead} 人。客服一有空就会在这里回复您。",
    etaUnderMinute: "预计不到 1 分钟",
    etaMinutes: "预计 {n} 分钟",
    etaHours: "预计约 {n} 小时",
    queueClosed: "客服现在不在线，将于{when}上线。您的留言已保存，我们会在这里回复您。",
    queueClosedNoTime: "客服现在不在线。您的留言已保存，我们会在这里回复您。",
    opensToday: "今天",
    opensTomorrow: "明天",
    opensAt: "{day} {time}（{zone}）",
    zoneBeijing: "北京时间",
    zoneCity: "{tz} 时间",
    queueAssigned: "{name} 正在为您服务",
  },
};

export const LANGS = Object.keys(STRINGS);

// detectLang returns the language a visitor's message is written in, as
// the bot reads it (internal/bot DetectLocale): "zh-CN" when it has a Han
// character, "en" when it has a word of Latin letters, else "" (digits,
// emoji, a pasted address or hash: no sign of a language).
export function detectLang(text) {
  const s = String(text || "");
  if (/\p{Script=Han}/u.test(s)) return "zh-CN";
  if (/(^|[^A-Za-z0-9])[A-Za-z]{2,}(?![A-Za-z0-9])/.test(s)) return "en";
  return "";
}

// pickLang returns "en" or "zh-CN".
export function pickLang(search = location.search, navLangs = navigator.languages || [navigator.language]) {
  const q = new URLSearchParams(search).get("lang");
  if (q) {
    const l = q.trim().toLowerCase();
    if (l.startsWith("zh")) return "zh-CN";
    if (l.startsWith("en")) return "en";
  }
  const first = (navLangs && navLangs[0]) || "";
  return String(first).toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

// translator returns t(key, vars): the text for key with {name} placeholders filled in.
export function translator(lang) {
  const table = STRINGS[lang] || STRINGS.en;
  return (key, vars) => {
    let s = table[key] ?? STRINGS.en[key] ?? key;
    if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
    return s;
  };
}
