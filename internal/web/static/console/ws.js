// The agent event stream: /ws/agent with the session cookie. It remembers
// the last event id and reconnects with ?after=ID so nothing is missed,
// backing off exponentially (1 s … 30 s, with jitter) while the server is
// unreachable.

export class AgentSocket {
  // handlers: onEvent(event), onTyping(frame), onStatus('connecting'|'live'|'reconnecting'),
  // onResync() (reconnected without a resume point: reload what is shown),
  // onTrouble(failures) (several failures in a row, or a 1008 close because
// the session, token or role changed: check the session).
  constructor(handlers) {
    this.h = handlers;
    this.ws = null;
    this.lastId = 0;
    this.failures = 0;
    this.everOpen = false;
    this.stopped = true;
    this.timer = 0;
    this.status = '';
    this.onVisible = () => {
      // A phone that slept may hold a dead socket; reconnect promptly.
      if (document.visibilityState === 'visible' && !this.stopped && !this.ws) {
        clearTimeout(this.timer);
        this.connect();
      }
    };
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    document.addEventListener('visibilitychange', this.onVisible);
    window.addEventListener('online', this.onVisible);
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    document.removeEventListener('visibilitychange', this.onVisible);
    window.removeEventListener('online', this.onVisible);
    if (this.ws) {
      this.ws.onclose = null;
      this.ws.onmessage = null;
      try { this.ws.close(1000); } catch { /* already closed */ }
    }
    this.ws = null;
    this.lastId = 0;
    this.everOpen = false;
    this.failures = 0;
  }

  setStatus(s) {
    if (s === this.status) return;
    this.status = s;
    if (this.h.onStatus) this.h.onStatus(s);
  }

  connect() {
    if (this.stopped) return;
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    let url = `${proto}//${location.host}/ws/agent`;
    if (this.lastId > 0) url += `?after=${encodeURIComponent(this.lastId)}`;
    let ws;
    try {
      ws = new WebSocket(url);
    } catch {
      this.retry();
      return;
    }
    this.ws = ws;
    if (!this.everOpen) this.setStatus('connecting');
    let opened = false;
    ws.onopen = () => {
      opened = true;
      const reconnect = this.everOpen;
      this.everOpen = true;
      this.failures = 0;
      this.setStatus('live');
      // Without an event id to resume from, events during the outage are
      // lost: let the views reload.
      if (reconnect && this.lastId === 0 && this.h.onResync) this.h.onResync();
    };
    ws.onmessage = (e) => {
      let f;
      try { f = JSON.parse(e.data); } catch { return; }
      if (!f || typeof f !== 'object') return;
      if (f.type === 'event' && f.event) {
        const id = Number(f.event.id);
        if (id > 0) {
          if (id <= this.lastId) return; // a replayed duplicate
          this.lastId = id;
        }
        if (this.h.onEvent) this.h.onEvent(f.event);
      } else if (f.type === 'typing') {
        if (this.h.onTyping) this.h.onTyping(f);
      }
    };
    ws.onerror = () => { /* onclose follows */ };
    ws.onclose = (e) => {
      if (this.ws === ws) this.ws = null;
      if (this.stopped) return;
      if (!opened || e.code !== 1000) this.failures += 1;
      // 1008: the server closed the stream because this agent's access
      // changed (signed out elsewhere, deactivated, role changed): ask at
      // once whether the session still holds rather than after backing off.
      const policy = e.code === 1008;
      if (this.h.onTrouble && (policy || (this.failures >= 2 && this.failures % 2 === 0))) this.h.onTrouble(this.failures);
      this.retry(e.code);
    };
  }

  retry(code) {
    if (this.stopped) return;
    this.setStatus('reconnecting');
    clearTimeout(this.timer);
    // 1001 (restart) and 1013 (fell behind): come back soon.
    const quick = code === 1001 || code === 1013;
    const base = quick && this.failures <= 1 ? 1000 : Math.min(30000, 1000 * 2 ** Math.max(0, this.failures - 1));
    const delay = base * (0.5 + Math.random() * 0.5) + (quick ? 500 : 0);
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
