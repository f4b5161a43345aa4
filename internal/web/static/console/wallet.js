// Wallet context in the console: recognise addresses and transaction
// hashes in message bodies by their shape (the server checks checksums
// when it records them as attributes) and show them as chips linking to
// the configured block explorers. Text only: never innerHTML.
import { h } from './dom.js';
import { api } from './api.js';
import { t } from './i18n.js';

const B58 = '1-9A-HJ-NP-Za-km-z';
const NB = '(?<![0-9A-Za-z_])';
const NA = '(?![0-9A-Za-z_])';
// One pattern per kind, in the order the server tries them.
const PATTERNS = [
  { kind: 'tx', chain: 'evm', re: `0[xX][0-9a-fA-F]{64}` },
  { kind: 'address', chain: 'evm', re: `0[xX][0-9a-fA-F]{40}` },
  { kind: 'address', chain: 'bitcoin', re: `(?:bc1|BC1)[02-9ac-hj-np-zAC-HJ-NP-Z]{8,87}` },
  { kind: 'address', chain: 'tron', re: `T[${B58}]{33}` },
  { kind: 'address', chain: 'bitcoin', re: `[13][${B58}]{25,34}` },
  { kind: 'address', chain: 'solana', re: `[${B58}]{32,44}`, check: (v) => /[0-9]/.test(v) && /[A-Z]/.test(v) && /[a-z]/.test(v) },
  { kind: 'tx', chain: 'hex', re: `[0-9a-fA-F]{64}` },
];
const ANY = new RegExp(PATTERNS.map((p) => `${NB}(${p.re})${NA}`).join('|'), 'g');
const TRON_HINT = /\b(tron|trx|trc-?20|tronscan)\b|波场|波場/i;

// find returns [{kind, chain, value, start, end}] for text.
export function findWallet(text) {
  const out = [];
  if (!text) return out;
  const tronText = TRON_HINT.test(text);
  ANY.lastIndex = 0;
  let m;
  while ((m = ANY.exec(text)) !== null) {
    const i = m.slice(1).findIndex((g) => g !== undefined);
    const p = PATTERNS[i];
    const value = m[0];
    if (p.check && !p.check(value)) continue;
    let chain = p.chain;
    if (chain === 'hex') chain = tronText || out.some((e) => e.chain === 'tron') ? 'tron' : 'bitcoin';
    out.push({ kind: p.kind, chain, value, start: m.index, end: m.index + value.length });
  }
  return out;
}

let explorers = {};
let loading = null;
// loadExplorers fetches the explorer templates once per page load.
export function loadExplorers() {
  if (!loading) {
    loading = api('GET', '/api/v1/config/explorers').then((d) => { explorers = (d && d.explorers) || {}; })
      .catch(() => { loading = null; });
  }
  return loading;
}

export function explorerURL(chain, kind, value) {
  const tpl = explorers[chain] && explorers[chain][kind];
  if (!tpl || !/^https?:\/\//i.test(tpl)) return null;
  return tpl.split('{value}').join(encodeURIComponent(value));
}

function shorten(v) {
  return v.length > 16 ? `${v.slice(0, 8)}…${v.slice(-6)}` : v;
}

// walletChip is one address or hash as a link to its explorer.
export function walletChip(chain, kind, value) {
  const href = explorerURL(chain, kind, value);
  return h('a', {
    class: `wallet-chip wallet-${kind}`, 'data-testid': 'wallet-chip', 'data-chain': chain, 'data-kind': kind,
    title: `${value} (${t(`wallet.${kind}`)} · ${chain})`, href, target: href ? '_blank' : null,
    rel: 'noopener noreferrer',
  }, shorten(value));
}

// linkifyWallet splits text into text and chips, for h()'s children.
export function linkifyWallet(text) {
  const found = findWallet(text);
  if (!found.length) return [text];
  const parts = [];
  let last = 0;
  for (const e of found) {
    if (e.start > last) parts.push(text.slice(last, e.start));
    parts.push(walletChip(e.chain, e.kind, e.value));
    last = e.end;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

// walletAttr parses "wallet.<chain>.<kind>" attribute names.
export function walletAttr(key) {
  const m = /^wallet\.(evm|tron|bitcoin|solana)\.(address|tx)$/.exec(key);
  return m ? { chain: m[1], kind: m[2] } : null;
}
