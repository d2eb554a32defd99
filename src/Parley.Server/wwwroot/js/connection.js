// The WebSocket to /ws and nothing else: requests matched to replies by id, events handed on,
// and a reconnect loop with exponential backoff. It knows no op but what it is asked to send.

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 5000;
const REQUEST_TIMEOUT_MS = 20000;

/** A reply of type "error", or a request that could not be answered (code "offline", "timeout"). */
export class ProtocolError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

export class Connection {
  /**
   * @param {string} url ws:// or wss:// address of /ws
   * @param {{onOpen: () => void, onDown: (attempt: number, delayMs: number) => void, onEvent: (event: object) => void}} handlers
   */
  constructor(url, handlers) {
    this.url = url;
    this.handlers = handlers;
    this.socket = null;
    this.pending = new Map();
    this.nextId = 1;
    this.attempt = 0;
    this.timer = null;
    this.stopped = false;
  }

  get isOpen() {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  start() {
    this.stopped = false;
    this.open();
  }

  open() {
    clearTimeout(this.timer);
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.attempt = 0;
      this.handlers.onOpen();
    });
    socket.addEventListener('message', (e) => this.receive(e.data));
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.failPending();
      if (!this.stopped) this.retry();
    });
  }

  /** Backoff: 0.5 s, 1 s, 2 s, 4 s, then every 5 s, each with up to 25 % jitter. */
  retry() {
    const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** this.attempt);
    const delay = Math.round(base * (0.75 + Math.random() * 0.25));
    this.attempt++;
    this.handlers.onDown(this.attempt, delay);
    this.timer = setTimeout(() => this.open(), delay);
  }

  receive(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    const waiter = frame.re !== undefined && frame.re !== null ? this.pending.get(frame.re) : undefined;
    if (waiter) {
      this.pending.delete(frame.re);
      clearTimeout(waiter.timer);
      if (frame.type === 'error') waiter.reject(new ProtocolError(frame.code, frame.message));
      else waiter.resolve(frame);
      return;
    }
    this.handlers.onEvent(frame);
  }

  /** Sends one request; resolves with the "ok" reply, rejects with a ProtocolError. */
  request(type, fields = {}) {
    if (!this.isOpen) return Promise.reject(new ProtocolError('offline', 'not connected'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ProtocolError('timeout', `no reply to '${type}'`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      this.socket.send(JSON.stringify({ ...fields, id, type }));
    });
  }

  failPending() {
    for (const waiter of this.pending.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(new ProtocolError('offline', 'the connection was lost'));
    }
    this.pending.clear();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.close();
  }
}
