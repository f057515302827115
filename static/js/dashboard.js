// The leaders' dashboard. The server draws the page as the room is when it loads (it works without this
// script); the script adopts what the server drew, keeps a copy of the room (from the snapshot, then live
// events) and changes only what an event changes: a row is redrawn when what it says changes, a new row is
// cloned from the page's <template>s and filled with textContent only, and nothing is thrown away and
// rebuilt. The order of the roster, what counts as urgent and the summary's words are the server's
// (`attention`, `needs_you` in the payloads, `summary` in the catalogue: sessions/room/snapshot.py); this
// script only sorts and counts by them. While the socket is down it polls the snapshot over HTTP, and
// leader actions are posted as plain forms.
import {
  RoomSocket,
  formMessage,
  postForm,
  getJSON,
  timeFormatter,
  formatTime,
  machineTime,
  appendLogLine,
  setField,
  renameIds,
  syncList,
  roomProtocol,
} from "./socket.js";

const root = document.getElementById("dashboard");
const timeFormat = timeFormatter(root.dataset.timeZone);
const connection = document.getElementById("connection");
const announcer = document.getElementById("announce");
const announcerText = document.getElementById("announce-text");
const srStatus = document.getElementById("sr-status");
const srAlert = document.getElementById("sr-alert");
const badge = document.getElementById("alert-badge");
const soundToggle = document.getElementById("sound-toggle");
const baseTitle = document.title;
// While the socket is down the dashboard polls: every 3 s, so whatever happened shows within 5 s.
const POLL_MS = 3000;
const SUMMARY = roomProtocol().summary; // the "Needs you now" line's words (sessions/room/protocol.py)
const CONCERN_KINDS = new Set(["message", "triggered", "held_chat", "check_in"]);
const STATUS_LABELS = { present: "Here", stepped_out: "Stepped out", left: "Left", removed: "Removed" };

const room = {
  session: {},
  participants: new Map(),
  alerts: new Map(),
  toArrive: [],
  cameraOff: [],
};
// Live-only words (private messages, notes, held-back chat), kept in this page's memory and nowhere else.
const texts = new Map();
const pending = new Map();
let pollTimer = null;
let finished = false;
let initialised = false; // the page's own first snapshot raises no alarm

// --- alerting: badge, title, screen reader, optional sound ---------------------------------------

let audio = null;
function playTone() {
  // A short, soft two-note chime made with the Web Audio API (no sound file).
  try {
    audio = audio || new AudioContext();
    const now = audio.currentTime;
    [660, 880].forEach((frequency, i) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, now + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.2, now + i * 0.18 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.18 + 0.25);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + i * 0.18);
      osc.stop(now + i * 0.18 + 0.3);
    });
  } catch (err) {
    // No audio available: the badge, title and announcement still show the alert.
  }
}

function openAlertCount() {
  let count = 0;
  for (const a of room.alerts.values()) if (!a.acknowledged_at && !a.lowered_at) count += 1;
  return count;
}

function updateBadge() {
  const count = openAlertCount();
  badge.hidden = count === 0;
  setText(badge, count === 1 ? "1 alert needs a look" : `${count} alerts need a look`);
  const title = count ? `(${count}) ${baseTitle}` : baseTitle;
  if (document.title !== title) document.title = title;
}

function alertText(a) {
  if (a.kind === "check_in") return `${a.name} left: ${a.check_in_label}`;
  return `${a.name}: ${a.kind_label}`;
}

function raiseAlarm(a) {
  srAlert.textContent = alertText(a);
  if (soundToggle.checked) playTone();
}

// Said to screen readers (a live region that is always there) and shown as a note pinned to the bottom of
// the window, so it is seen even when the button that caused it is far down a narrow page.
function announce(text, { isError = false } = {}) {
  if (!text) return;
  srStatus.textContent = text;
  announcer.hidden = false;
  announcer.classList.toggle("is-error", isError);
  announcerText.textContent = text;
}
document.getElementById("announce-close").addEventListener("click", () => {
  announcer.hidden = true;
});

// --- rendering ---------------------------------------------------------------------------------

function clone(templateId, suffix) {
  const node = document.getElementById(templateId).content.firstElementChild.cloneNode(true);
  renameIds(node, suffix);
  return node;
}

function part(node, name) {
  return node.querySelector(`[data-part="${name}"]`);
}

// What each row was last drawn from, so a row is only touched when what it says changes: the rows the server
// drew are adopted with what the server drew them from (adoptServerRows), and stay as they are until then.
const drawn = new WeakMap();

function drawOnChange(view, draw) {
  return (node, item) => {
    const seen = JSON.stringify(view(item));
    if (drawn.get(node) === seen) return;
    drawn.set(node, seen);
    draw(node, item);
  };
}

// Change a live region or a note only when its words change: a screen reader may say it again otherwise.
function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

function createAlert(a) {
  const node = clone("tpl-alert", "a" + a.id);
  for (const input of node.querySelectorAll("input[name=alert]")) input.value = a.id;
  for (const input of node.querySelectorAll("input[name=user]")) input.value = a.user_id;
  return node;
}

function updateAlert(node, a) {
  node.dataset.kind = a.kind;
  node.classList.toggle("is-new", !a.acknowledged_at && !a.lowered_at);
  setField(node, "name", a.name);
  setField(node, "kind_label", a.kind_label);
  const time = setField(node, "created_at", formatTime(timeFormat, a.created_at));
  time.dateTime = machineTime(a.created_at);
  setField(node, "check_in_label", a.check_in_label, { hideWhenEmpty: true });
  setField(node, "matched_word", a.matched_word ? `Held back: it includes “${a.matched_word}” from the group's word list.` : "", {
    hideWhenEmpty: true,
  });
  const text = texts.get(a.id);
  setField(node, "text", text, { hideWhenEmpty: true });
  const mayHaveWords = a.had_note || a.kind === "message" || a.kind === "held_chat";
  const at = formatTime(timeFormat, a.created_at);
  setField(node, "text_note", !text && mayHaveWords ? `The words were shown only to the leaders here at ${at}, and aren't kept.` : "", {
    hideWhenEmpty: true,
  });
  // A conversation about it with the member, after the session (care/): the URL is built from the page's.
  part(node, "write").hidden = !WRITE_KINDS.has(a.kind);
  node.querySelector('[data-field="write_link"]').href = root.dataset.writeUrl.replace("/0/", `/${a.id}/`);
  part(node, "write").querySelector('[data-field="name_for_button"]').textContent = ` (${a.name})`;
  const status = [];
  if (a.acknowledged_by) status.push(`Acknowledged by ${a.acknowledged_by}.`);
  if (a.kind === "hand" && a.lowered_at) status.push(a.lowered_by ? `Hand lowered by ${a.lowered_by}.` : "Hand lowered.");
  if (a.kind === "left" && a.lowered_at) status.push("They came back.");
  if (a.kind === "welfare" && a.lowered_at) status.push("They're back.");
  if (a.concern_recorded) status.push("Recorded as a safeguarding concern.");
  setField(node, "status", status.join(" "));
  // Buttons say whose alert they act on ("Acknowledge raised hand from Sam", "Lower hand of Sam").
  for (const label of part(node, "acknowledge").querySelectorAll('[data-field="name_for_button"]')) {
    label.textContent = ` ${a.kind_label.toLowerCase()} from ${a.name}`;
  }
  for (const label of part(node, "lower").querySelectorAll('[data-field="name_for_button"]')) {
    label.textContent = ` of ${a.name}`;
  }
  part(node, "acknowledge").hidden = Boolean(a.acknowledged_at);
  part(node, "lower").hidden = !(a.kind === "hand" && !a.lowered_at);
  part(node, "concern").hidden = !(CONCERN_KINDS.has(a.kind) && !a.concern_recorded);
  const concernText = node.querySelector('[data-field="concern_text"]');
  if (text && !concernText.value) concernText.value = text;
}

function minutesSince(iso) {
  return Math.floor((Date.now() - new Date(iso).getTime()) / 60000);
}

function createPerson(p) {
  const node = clone("tpl-person", "p" + p.user_id);
  for (const input of node.querySelectorAll("input[name=user], input[name=to]")) input.value = p.user_id;
  return node;
}

// The compact roster's marks, from the alerts' `needs_you` (sessions/room/views.py: _with_marks, the same words).
function personMarks(p) {
  const mine = [...room.alerts.values()].filter((a) => a.user_id === p.user_id && a.needs_you);
  const marks = [];
  if (mine.some((a) => a.needs_you === "hand")) marks.push("Hand up");
  if (mine.some((a) => a.needs_you !== "hand")) marks.push("Needs a look");
  if (room.cameraOff.some((n) => n.user_id === p.user_id)) marks.push("Camera off");
  return marks;
}

// Everything a roster row says: the payload, its marks, and how long someone has been out (which changes as
// the clock runs, so the row is redrawn when the minute changes and not otherwise).
function personView(p) {
  const minutes = p.status === "stepped_out" ? minutesSince(p.stepped_out_at) : null;
  return { ...p, marks: personMarks(p), minutes };
}

function alertView(a) {
  return { ...a, text: texts.get(a.id) || "" };
}

function updatePerson(node, p) {
  const { marks, minutes } = personView(p);
  node.dataset.status = p.status;
  setField(node, "name", p.name);
  setField(node, "pronouns", p.pronouns ? `(${p.pronouns})` : "");
  setField(node, "role", p.is_leader ? "leader" : "", { hideWhenEmpty: true });
  setField(node, "status_label", STATUS_LABELS[p.status] || p.status);
  let since = "";
  let overdue = false;
  if (p.status === "stepped_out") {
    since = `since ${formatTime(timeFormat, p.stepped_out_at)} (${minutes} min)`;
    overdue = minutes >= room.session.welfare_threshold_minutes;
    if (overdue) since += ": longer than usual, maybe check in with them";
  } else if (p.status === "left" || p.status === "removed") {
    since = `at ${formatTime(timeFormat, p.left_at)}`;
    if (p.status === "left" && p.left_without_check_in) since += ", without a check-in";
  }
  setField(node, "since", since);
  node.classList.toggle("is-overdue", overdue);
  setField(node, "marks", marks.join(" · "), { hideWhenEmpty: true });
  setField(node, "passing", p.passing ? "Would rather not talk today" : "", { hideWhenEmpty: true });
  for (const label of node.querySelectorAll('[data-field="name_for_button"]')) label.textContent = ` ${p.name}`;
  part(node, "reply").querySelector('[data-field="name_for_button"]').textContent = ` to ${p.name}`;
  const isMember = !p.is_leader && p.status !== "removed";
  part(node, "member-actions").hidden = !isMember;
  part(node, "reply").hidden = !(p.status === "present" || p.status === "stepped_out");
  part(node, "remove").hidden = !isMember;
}

// A list of names the way the server draws it (sessions/dashboard.html): each item is [name, meta, rest],
// the name in bold when `strong`. Redrawn only when its words change.
function renderSimpleList(id, items, partsOf, { strong = false } = {}) {
  const list = document.getElementById(id);
  const rows = items.map(partsOf);
  const words = rows.map(([name, meta, rest]) => `${name}${meta ? ` ${meta}` : ""}${rest}`);
  if ([...list.children].map((li) => li.textContent).join("\n") !== words.join("\n")) {
    list.replaceChildren(
      ...rows.map(([name, meta, rest]) => {
        const li = document.createElement("li");
        const who = document.createElement(strong ? "strong" : "span");
        who.textContent = name;
        li.append(who);
        if (meta) {
          const span = document.createElement("span");
          span.className = "meta";
          span.textContent = meta;
          li.append(" ", span);
        }
        if (rest) li.append(rest);
        return li;
      }),
    );
  }
  document.getElementById(id + "-empty").hidden = items.length > 0;
}

const WRITE_KINDS = new Set(["message", "triggered", "check_in", "held_chat", "welfare"]);

// The "Needs you now" line: the alerts' `needs_you` counted with the catalogue's words (snapshot.urgent_summary).
function urgentSummary(alerts) {
  const counts = new Map();
  for (const a of alerts) if (a.needs_you) counts.set(a.needs_you, (counts.get(a.needs_you) || 0) + 1);
  const parts = SUMMARY.words
    .filter(([key]) => counts.get(key))
    .map(([key, one, many]) => `${counts.get(key)} ${counts.get(key) === 1 ? one : many}`);
  return parts.length ? `${SUMMARY.lead}${parts.join(", ")}.` : SUMMARY.none;
}

function byTime(a, b) {
  return a.created_at === b.created_at ? a.id - b.id : a.created_at < b.created_at ? -1 : 1;
}

// --- focus: keyboard and screen reader users stay where they were ---------------------------------

function isShown(el) {
  return el.isConnected && el.checkVisibility();
}

function firstControl(node) {
  return [...node.querySelectorAll("button, summary, a[href], input:not([type=hidden]), select, textarea")].find(
    isShown,
  );
}

function focusGently(el) {
  if (!el.matches("button, summary, a[href], input, select, textarea")) el.tabIndex = -1;
  el.focus();
}

// When the control a leader just used disappears (an acknowledged alert loses its button, a lowered hand
// leaves the queue, a removed person loses their actions), focus moves to what is now in its place: the next
// control in the same item, the next item, or the list's "nothing here" note, never back to the page's top.
function keepingFocus(change) {
  const before = document.activeElement;
  const item = before && before !== document.body ? before.closest("li[data-key]") : null;
  const list = item ? item.parentElement : null;
  const index = list ? [...list.children].indexOf(item) : -1;
  change();
  if (!item || !before) return;
  if (isShown(before)) {
    if (document.activeElement !== before) before.focus(); // the item moved within its list
    return;
  }
  if (item.isConnected) {
    focusGently(firstControl(item) || item);
    return;
  }
  const next = list.children[Math.min(index, list.children.length - 1)];
  if (next) focusGently(firstControl(next) || next);
  else {
    const empty = document.getElementById(`${list.id}-empty`);
    if (empty && isShown(empty)) focusGently(empty);
  }
}

// Who needs attention first is on top: the order is the server's (each person's `attention` key, from
// sessions/room/snapshot.py: attention); the script only compares the keys, element by element.
function byAttention(a, b) {
  const [x, y] = [a.attention, b.attention];
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return x.length - y.length;
}

function render() {
  keepingFocus(renderAll);
}

const drawAlert = drawOnChange(alertView, updateAlert);
const drawPerson = drawOnChange(personView, updatePerson);

// The parts of the room, in the order they are shown (the server's template draws them the same way).
function parts() {
  const alerts = [...room.alerts.values()];
  const hands = alerts.filter((a) => a.needs_you === "hand").sort(byTime);
  // Presence ("left") lives on the roster; urgent alerts come first, then the newest.
  const others = alerts
    .filter((a) => a.kind !== "hand" && a.kind !== "left")
    .sort(byTime)
    .reverse()
    .sort((a, b) => Boolean(b.needs_you) - Boolean(a.needs_you));
  const people = [...room.participants.values()].sort(byAttention);
  return { alerts, hands, others, people };
}

function renderAll() {
  const { alerts, hands, others, people } = parts();
  syncList(document.getElementById("hands"), hands, (a) => a.id, createAlert, drawAlert);
  document.getElementById("hands-empty").hidden = hands.length > 0;
  document.getElementById("lower-all-form").hidden = hands.length === 0;
  setText(document.getElementById("dash-summary"), urgentSummary(alerts));
  syncList(document.getElementById("alerts"), others, (a) => a.id, createAlert, drawAlert);
  document.getElementById("alerts-empty").hidden = others.length > 0;
  syncList(document.getElementById("roster"), people, (p) => p.user_id, createPerson, drawPerson);
  document.getElementById("roster-empty").hidden = people.length > 0;
  const here = new Set(room.participants.keys());
  renderSimpleList(
    "to-arrive",
    room.toArrive.filter((p) => !here.has(p.user_id)),
    (p) => [p.name, p.is_leader ? "(leader)" : "", ""],
  );
  renderSimpleList("camera-off", room.cameraOff, (n) => [n.name, n.standing ? "(for every session)" : "", `: ${n.reason}`], {
    strong: true,
  });
  renderChatState(room.session.chat_enabled);
  updateBadge();
}

// The rows the server drew are the script's from the start: each is marked as drawn from the snapshot the
// page carries, so the first render finds nothing to change (tests/browser/test_dashboard_drawn_once.py).
function adoptServerRows() {
  const { hands, others, people } = parts();
  const adopt = (listId, items, keyOf, view) => {
    const byKey = new Map(items.map((item) => [String(keyOf(item)), item]));
    for (const node of document.getElementById(listId).children) {
      const item = byKey.get(node.dataset.key);
      if (item) drawn.set(node, JSON.stringify(view(item)));
    }
  };
  adopt("hands", hands, (a) => a.id, alertView);
  adopt("alerts", others, (a) => a.id, alertView);
  adopt("roster", people, (p) => p.user_id, personView);
}

function renderChatState(enabled) {
  document.getElementById("chat-toggle-value").value = enabled ? "false" : "true";
  setText(document.getElementById("chat-toggle-button"), enabled ? "Turn the chat off" : "Turn the chat on");
  setText(document.getElementById("chat-state"), enabled ? "The chat is on." : "The chat is off for everyone.");
}

const backchannelMe = document.getElementById("backchannel-log")?.dataset.me;

function appendLine(listId, who, text, at) {
  appendLogLine(document.getElementById(listId), timeFormat, { who, text, at });
}

// --- state changes -----------------------------------------------------------------------------

function takeSnapshot(snapshot) {
  room.session = snapshot.session;
  room.participants = new Map(snapshot.participants.map((p) => [p.user_id, p]));
  room.alerts = new Map(snapshot.alerts.map((a) => [a.id, a]));
  room.toArrive = snapshot.to_arrive;
  room.cameraOff = snapshot.camera_off;
}

function applySnapshot(snapshot) {
  // The embedded call (static/js/call.js) keeps its tiles in step: who waits, hands, camera-off notices.
  document.dispatchEvent(new CustomEvent("room:message", { detail: snapshot }));
  const before = new Set(room.alerts.keys());
  takeSnapshot(snapshot);
  render();
  if (initialised) {
    // Alerts that arrived while we were disconnected still get noticed.
    const fresh = snapshot.alerts.filter((a) => !before.has(a.id) && !a.acknowledged_at && !a.lowered_at);
    if (fresh.length) raiseAlarm(fresh[fresh.length - 1]);
  }
  initialised = true;
  if (snapshot.session.status !== "open") finish("The session has ended.");
}

function onMessage(data) {
  if (data.type !== "snapshot") document.dispatchEvent(new CustomEvent("room:message", { detail: data }));
  switch (data.type) {
    case "snapshot":
      applySnapshot(data);
      break;
    case "pong":
      // Each heartbeat brings the whole room again, so an event lost on the way is caught up with.
      if (data.snapshot) applySnapshot(data.snapshot);
      break;
    case "participant":
      room.participants.set(data.participant.user_id, data.participant);
      room.toArrive = room.toArrive.filter((p) => p.user_id !== data.participant.user_id);
      render();
      break;
    case "alert": {
      const isNew = !room.alerts.has(data.alert.id);
      if (data.text) texts.set(data.alert.id, data.text);
      room.alerts.set(data.alert.id, data.alert);
      render();
      if (isNew) raiseAlarm(data.alert);
      break;
    }
    case "chat":
      appendLine("chat-log", data.is_leader ? `${data.from} (leader)` : data.from, data.text, data.at);
      break;
    case "chat_state":
      room.session.chat_enabled = data.enabled;
      renderChatState(data.enabled);
      break;
    case "backchannel":
      // templates/sessions/includes/dashboard_backchannel.html: leaders only, never saved.
      appendLine("backchannel-log", String(data.from_id) === backchannelMe ? "You" : data.from, data.text, data.at);
      break;
    case "reply_sent":
      appendLine("replies", `${data.from} to ${data.to}`, data.text, data.at);
      break;
    case "done":
    case "error":
      handleAnswer(data);
      break;
    case "notice":
      announce(data.message);
      break;
    case "session_ended":
    case "closed":
      finish(data.message);
      break;
    default:
      break;
  }
}

function handleAnswer(data) {
  if (data.type === "done") {
    const form = pending.get(data.action);
    if (form && form.hasAttribute("data-clear")) form.reset();
    if (form) keepingFocus(() => form.closest("details")?.removeAttribute("open"));
    pending.delete(data.action);
    if (data.action === "end_session") {
      finish(data.message);
      return;
    }
    if (data.action !== "chat") announce(data.message);
  } else if (data.type === "error") {
    announce(data.message, { isError: true });
  }
}

function finish(message) {
  finished = true;
  document.dispatchEvent(new CustomEvent("room:finished", { detail: { message } }));
  socket.stop();
  stopPolling();
  connection.dataset.state = "closed";
  connection.textContent = message;
  for (const button of root.querySelectorAll("form[data-dash-action] button")) button.disabled = true;
  announce(message);
}

// --- polling while the socket is down ------------------------------------------------------------

async function poll() {
  const { status, body } = await getJSON(root.dataset.snapshotUrl).catch(() => ({ status: 0, body: {} }));
  if (status === 200 && body.type === "snapshot") applySnapshot(body);
  else if (status === 409 || status === 403 || status === 404) finish(body.message || "The room has closed.");
}

function startPolling() {
  if (pollTimer || finished) return;
  poll();
  pollTimer = window.setInterval(poll, POLL_MS);
}

function stopPolling() {
  window.clearInterval(pollTimer);
  pollTimer = null;
}

const STATUS_TEXT = {
  connecting: "Connecting…",
  open: "Live: updates appear as they happen.",
  reconnecting: "Reconnecting… Checking the room every few seconds meanwhile, and your buttons still work.",
};

function onStatus(status) {
  if (finished || status === "closed") return;
  connection.dataset.state = status;
  connection.textContent = STATUS_TEXT[status] || "";
  if (status === "open") stopPolling(); // the socket sends a fresh snapshot on connect
  else if (status === "reconnecting") startPolling();
}

const socket = new RoomSocket(root.dataset.socketPath, { onMessage, onStatus });

root.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-dash-action]");
  if (!form || finished) return;
  event.preventDefault();
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
  const message = formMessage(form);
  pending.set(message.type, form);
  if (socket.send(message)) return;
  handleAnswer(await postForm(form));
  poll(); // show the change now rather than at the next poll
});

// Keep "stepped out for N minutes" current.
window.setInterval(() => {
  if (!finished) render();
}, 30000);

soundToggle.checked = window.localStorage.getItem("peersupport.dashboard.sound") === "on";
soundToggle.addEventListener("change", () => {
  window.localStorage.setItem("peersupport.dashboard.sound", soundToggle.checked ? "on" : "off");
  if (soundToggle.checked) playTone(); // lets the browser allow audio, and lets the leader hear it
});
document.getElementById("sound-wrap").hidden = false;

// Take over what the server drew, as it is: the snapshot it was drawn from comes with the page.
const firstSnapshot = JSON.parse(document.getElementById("room-snapshot").textContent);
takeSnapshot(firstSnapshot);
adoptServerRows();
applySnapshot(firstSnapshot);
socket.connect();
