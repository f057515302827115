// A websocket that reconnects with back-off, plus the helpers the room and the dashboard share.
// Plain ES module, no build step. Text is always inserted with textContent, never as HTML.

// Close codes from the server after which reconnecting would not help (see sessions/room/consumer.py).
export const FINAL_CLOSE_CODES = new Set([4001, 4002, 4003]);

// The room's message types in both directions and the check-in's values, as the server defines them
// (sessions/room/protocol.py: catalogue), rendered into the room and dashboard pages with json_script.
// tests/room/test_protocol_schema.py checks the scripts handle exactly these types.
export function roomProtocol() {
  const data = document.getElementById("room-protocol");
  return data ? JSON.parse(data.textContent) : { to_server: [], to_browser: [], check_in: {} };
}

const HEARTBEAT_MS = 25000;
const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000, 30000];

export class RoomSocket {
  // onMessage(data) for each JSON message; onStatus(status, detail) with
  // status one of "connecting", "open", "reconnecting", "closed".
  constructor(path, { onMessage, onStatus }) {
    this.url = `${window.location.protocol === "https:" ? "wss" : "ws"}://${window.location.host}${path}`;
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.attempt = 0;
    this.stopped = false;
    this.ws = null;
    this.heartbeat = null;
    this.retryTimer = null;
    this.protocol = roomProtocol();
    this.known = new Set(this.protocol.to_browser);
  }

  get isOpen() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  connect() {
    if (this.stopped) return;
    this.onStatus(this.attempt === 0 ? "connecting" : "reconnecting", { attempt: this.attempt });
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (err) {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.addEventListener("open", () => {
      this.attempt = 0;
      this.onStatus("open", {});
      this.heartbeat = window.setInterval(() => this.send({ type: "ping" }), HEARTBEAT_MS);
    });
    ws.addEventListener("message", (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch (err) {
        return;
      }
      // Only the messages the server's schema defines reach the page's handlers.
      if (!data || !this.known.has(data.type)) {
        console.warn("room: a message of a type the protocol does not define was ignored", data && data.type);
        return;
      }
      this.onMessage(data);
    });
    ws.addEventListener("close", (event) => {
      window.clearInterval(this.heartbeat);
      this.ws = null;
      if (FINAL_CLOSE_CODES.has(event.code)) {
        this.stopped = true;
        this.onStatus("closed", { code: event.code });
        return;
      }
      this.scheduleRetry();
    });
  }

  scheduleRetry() {
    if (this.stopped) return;
    const base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    const delay = base * (0.8 + Math.random() * 0.4); // jitter, so a restarted server is not stampeded
    this.attempt += 1;
    this.onStatus("reconnecting", { attempt: this.attempt, delay });
    this.retryTimer = window.setTimeout(() => this.connect(), delay);
  }

  // Returns true when the message went out over the open socket; false means "use the HTTP fallback".
  send(message) {
    if (!this.isOpen) return false;
    try {
      this.ws.send(JSON.stringify(message));
      return true;
    } catch (err) {
      return false;
    }
  }

  stop() {
    this.stopped = true;
    window.clearTimeout(this.retryTimer);
    window.clearInterval(this.heartbeat);
    if (this.ws) this.ws.close(1000);
  }
}

// Form fields that the server expects as numbers or yes/no over the socket.
const INT_FIELDS = new Set(["user", "alert", "to"]);
const BOOL_FIELDS = new Set(["enabled"]);

// A room action form as a socket message: {type: <action>, ...fields}.
export function formMessage(form) {
  const message = {};
  for (const [name, value] of new FormData(form).entries()) {
    if (name === "csrfmiddlewaretoken") continue;
    if (name === "action") message.type = value;
    else if (INT_FIELDS.has(name)) message[name] = Number.parseInt(value, 10);
    else if (BOOL_FIELDS.has(name)) message[name] = value === "true";
    else message[name] = value;
  }
  return message;
}

// The same form posted over plain HTTP (the fallback while the socket is down). Resolves to the
// server's JSON answer ({type: "done"|"error", ...}); a network failure becomes an error answer.
export async function postForm(form) {
  try {
    // getAttribute: the form has an input named "action", which shadows the form.action property.
    const response = await fetch(form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    const type = response.headers.get("Content-Type") || "";
    if (type.includes("application/json")) return await response.json();
    return { type: "error", code: "http_" + response.status, message: "That didn't work. Please reload the page." };
  } catch (err) {
    return {
      type: "error",
      code: "offline",
      message: "We couldn't reach the server. Please check your connection and try again.",
    };
  }
}

export async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  const body = await response.json().catch(() => ({}));
  return { status: response.status, body };
}

// Times are written as core/britishtime.py's clock() writes them on the server: 7 pm, 7.30 pm,
// midday, midnight (Intl has no such style, so the hour and minute are taken from it and put into words).
export function timeFormatter(timeZone) {
  const options = { hour: "numeric", minute: "2-digit", hourCycle: "h23" };
  let parts;
  try {
    parts = new Intl.DateTimeFormat("en-GB", { ...options, timeZone });
  } catch (err) {
    parts = new Intl.DateTimeFormat("en-GB", options);
  }
  return { format: (date) => clockWords(parts.formatToParts(date)) };
}

function clockWords(parts) {
  const hour = Number(parts.find((part) => part.type === "hour").value) % 24;
  const minute = Number(parts.find((part) => part.type === "minute").value);
  if (minute === 0 && (hour === 0 || hour === 12)) return hour === 0 ? "midnight" : "midday";
  const shown = hour % 12 || 12;
  const suffix = hour < 12 ? "am" : "pm";
  return minute === 0 ? `${shown} ${suffix}` : `${shown}.${String(minute).padStart(2, "0")} ${suffix}`;
}

// For <time datetime>: to the second, in UTC (HTML allows at most three digits of a second; the server
// sends six).
export function machineTime(iso) {
  const date = iso ? new Date(iso) : null;
  return date && !Number.isNaN(date.getTime()) ? date.toISOString().replace(/\.\d{3}Z$/, "Z") : "";
}

export function formatTime(formatter, iso) {
  return iso ? formatter.format(new Date(iso)) : "";
}

// Add a line to a live log (the room's chat and replies, the dashboard's chat and replies): who and
// when, then the words, all as text. Lines live only in the page; nothing is kept anywhere.
export function appendLogLine(list, formatter, { who, text, at, className }) {
  const item = document.createElement("li");
  if (className) item.className = className;
  const head = document.createElement("span");
  head.className = "log-head";
  const name = document.createElement("strong");
  name.textContent = who;
  const time = document.createElement("time");
  time.dateTime = machineTime(at);
  time.textContent = formatTime(formatter, at);
  head.append(name, " ", time);
  const body = document.createElement("span");
  body.className = "log-text";
  body.textContent = text;
  item.append(head, body);
  list.append(item);
  item.scrollIntoView({ block: "nearest" });
}

// Set the text of the element marked data-field="name" inside root (hiding it when empty, if asked).
export function setField(root, name, text, { hideWhenEmpty = false } = {}) {
  const el = root.querySelector(`[data-field="${name}"]`);
  if (!el) return null;
  el.textContent = text || "";
  if (hideWhenEmpty) el.hidden = !text;
  return el;
}

// Give a cloned <template> fresh ids (the template's ids end in "-new"), keeping labels tied to inputs.
export function renameIds(root, suffix) {
  for (const el of root.querySelectorAll("[id$='-new']")) el.id = el.id.replace(/-new$/, "-" + suffix);
  for (const el of root.querySelectorAll("label[for$='-new']")) {
    el.htmlFor = el.htmlFor.replace(/-new$/, "-" + suffix);
  }
}

// Keep a list's children in step with items, reusing nodes by key so open forms and focus survive.
export function syncList(list, items, keyOf, create, update) {
  const existing = new Map();
  for (const child of list.children) existing.set(child.dataset.key, child);
  items.forEach((item, index) => {
    const key = String(keyOf(item));
    let node = existing.get(key);
    if (node) existing.delete(key);
    else {
      node = create(item);
      node.dataset.key = key;
    }
    update(node, item);
    if (list.children[index] !== node) list.insertBefore(node, list.children[index] || null);
  });
  for (const node of existing.values()) node.remove();
}
