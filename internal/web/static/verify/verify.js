// The public anti-impersonation page: how to recognise real support, and
// the official channels the operator configured. Text goes in with
// textContent only (strict CSP, no innerHTML).
const text = {
  en: {
    title: 'How to recognise real support',
    intro: 'Scammers pretend to be wallet support. Real support from us always follows these rules:',
    rules: [
      ['We never ask for your mnemonic (seed / recovery phrase), private key or keystore file and its password.', 'Anyone who has them can take your funds. No real support agent, bot or form will ever ask.'],
      ['We never ask you to transfer funds to "verify", "unlock", "sync" or "validate" your wallet.', 'There is no such thing as a verification transfer.'],
      ['We never contact you first by direct message on Telegram, WeChat, WhatsApp, X or any other app.', 'Support only answers in the channels listed below, after you start the conversation.'],
      ['In our chat, real agents show the verified mark.', 'Messages from our team appear in the official chat window with the verified support mark; links or contacts sent to you elsewhere are not us.'],
    ],
    channelsTitle: 'Official channels',
    none: 'The operator has not listed any channels yet. Only use the chat inside the official app or website.',
    loadError: 'The list of official channels could not be loaded. Reload the page to try again.',
    report: 'If someone asked you for your recovery phrase or private key, stop talking to them and report it through an official channel above. If you already shared it, move your funds to a new wallet immediately.',
    toggle: '中文',
  },
  zh: {
    title: '如何识别真正的客服',
    intro: '骗子常常冒充钱包客服。我们的真实客服始终遵守以下规则：',
    rules: [
      ['我们绝不会索要您的助记词（恢复短语）、私钥或 keystore 文件及其密码。', '拿到它们的人就能转走您的资产。任何真实的客服、机器人或表单都不会索要。'],
      ['我们绝不会要求您转账来"验证"、"解冻"、"同步"或"激活"钱包。', '根本不存在所谓的验证转账。'],
      ['我们绝不会在 Telegram、微信、WhatsApp、X 或其他应用上主动私信您。', '客服只会在下列渠道中、在您发起对话后回复您。'],
      ['在我们的聊天窗口中，真实客服带有认证标记。', '我们团队的消息显示在官方聊天窗口中并带有认证客服标记；在其他地方发给您的链接或联系方式都不是我们。'],
    ],
    channelsTitle: '官方渠道',
    none: '运营方尚未列出任何渠道。请只使用官方应用或网站内的聊天。',
    loadError: '无法加载官方渠道列表，请刷新页面重试。',
    report: '如果有人向您索要恢复短语或私钥，请立即停止与其沟通，并通过上面的官方渠道举报。如果您已经泄露，请立即将资产转移到新钱包。',
    toggle: 'English',
  },
};

function pickLang() {
  const q = new URLSearchParams(location.search).get('lang');
  if (q) return q.toLowerCase().startsWith('zh') ? 'zh' : 'en';
  return (navigator.language || '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

let lang = pickLang();
let channels = null; // null: loading; 'error'; or an array
const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const k of kids) e.append(k);
  return e;
}

function render() {
  const t = text[lang];
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = t.title;
  $('title').textContent = t.title;
  $('intro').textContent = t.intro;
  $('rules').replaceChildren(...t.rules.map(([head, more]) => el('li', {}, el('strong', {}, head), ' ', more)));
  $('channels-title').textContent = t.channelsTitle;
  const list = $('channels');
  if (channels === 'error') {
    list.replaceChildren(el('li', { class: 'muted' }, t.loadError));
  } else if (Array.isArray(channels) && channels.length === 0) {
    list.replaceChildren(el('li', { class: 'muted' }, t.none));
  } else if (Array.isArray(channels)) {
    list.replaceChildren(...channels.filter((c) => /^https:\/\//i.test(c.url)).map((c) =>
      el('li', {}, el('a', { href: c.url, rel: 'noopener noreferrer', target: '_blank' }, c.label),
        el('span', { class: 'url' }, c.url))));
  }
  $('report').textContent = t.report;
  $('lang-toggle').textContent = t.toggle;
}

$('lang-toggle').addEventListener('click', () => { lang = lang === 'zh' ? 'en' : 'zh'; render(); });
render();
fetch('/api/v1/public/official-channels', { headers: { Accept: 'application/json' }, cache: 'no-store' })
  .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
  .then((d) => { channels = Array.isArray(d.channels) ? d.channels : []; render(); })
  .catch(() => { channels = 'error'; render(); });
