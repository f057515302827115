// The member's room page. The page works without this script (every button is a form POST);
// this upgrades it to the live socket, and falls back to posting the form while the socket is down.
import { RoomSocket, formMessage, postForm, getJSON, timeFormatter, appendLogLine } from "./socket.js";
import { showHelp } from "./room-help.js";

const root = document.getElementById("room");
const timeFormat = timeFormatter(root.dataset.timeZone);
const connection = document.getElementById("connection");
const announcer = document.getElementById("announce");
const announcerText = document.getElementById("announce-text");
const srStatus = document.getElementById("sr-status");
const chatLog = document.getElementById("chat-log");
const replies = document.getElementById("replies");
const repliesEmpty = document.getElementById("replies-empty");

// Forms waiting for the server's answer, by action, so their text is cleared only once it arrived.
const pending = new Map();
let finished = false;
let failedAttempts = 0;

const STATUS_TEXT = {
  connecting: "Connecting…",
  open: "You're in the room. Updates are live.",
  reconnecting: "Reconnecting… Your buttons still work while we do.",
};

// Said once to screen readers (a live region that is always there). Seen once: as a note placed in the page
// right after `near` (the form that was used, or the part of the room it is about), never floating over a
// control; with no `near`, what changed on the page is the visible answer (the note that replaces a button,
// a new line in the replies), so no second note is shown.
function announce(text, { isError = false, near = null } = {}) {
  if (!text) return;
  srStatus.textContent = text;
  announcer.hidden = !near;
  if (!near) return;
  near.after(announcer);
  announcer.classList.toggle("is-error", isError);
  announcerText.textContent = text;
}

// Where a note about each kind of alert belongs ("A leader has seen your raised hand.").
function nearKind(kind) {
  const action = { hand: "raise_hand", message: "message", triggered: "triggered", held_chat: "chat" }[kind];
  const form = action && root.querySelector(`form[data-room-action] input[name=action][value="${action}"]`);
  if (!form) return null;
  return kind === "hand" ? root.querySelector(".room-buttons") : form.closest("form");
}
document.getElementById("announce-close").addEventListener("click", () => {
  announcer.hidden = true;
});

function show(key, visible) {
  for (const el of root.querySelectorAll(`[data-show="${key}"]`)) el.hidden = !visible;
}

// Each button that swaps for its opposite (raise / lower my hand, stepping out / I'm back, pass) and the
// control or note that takes its place.
const OPPOSITE = {
  "hand-down": "hand-up",
  "hand-up": "hand-down",
  in: "out",
  out: "in",
  "not-passing": "passing",
  passing: "not-passing",
};

// When the button someone just pressed swaps for its opposite, move focus to the one that replaced it (or
// to the note saying what happened), so keyboard and screen reader users are not thrown to the page's top.
function keepFocus(before) {
  const swapped = before && before !== document.body ? before.closest("[data-show]") : null;
  if (!swapped || !swapped.hidden || !(swapped.dataset.show in OPPOSITE)) return;
  const shown = root.querySelector(`[data-show="${OPPOSITE[swapped.dataset.show]}"]:not([hidden])`);
  const target = shown && (shown.querySelector("button") || shown);
  if (!target) return;
  if (!target.matches("button")) target.tabIndex = -1;
  target.focus();
}

function applyState(state) {
  if (!state) return;
  const before = document.activeElement;
  showState(state);
  keepFocus(before);
}

function showState(state) {
  if ("hand_raised" in state) {
    show("hand-up", state.hand_raised);
    show("hand-down", !state.hand_raised);
  }
  if ("stepped_out" in state) {
    show("out", state.stepped_out);
    show("in", !state.stepped_out);
  }
  if ("passing" in state) {
    show("passing", state.passing);
    show("not-passing", !state.passing);
  }
  if ("chat_enabled" in state) {
    show("chat-on", state.chat_enabled);
    show("chat-off", !state.chat_enabled);
  }
}

function appendLine(list, line) {
  appendLogLine(list, timeFormat, line);
}

function chatAuthor(data) {
  if (data.from_handle === root.dataset.chatHandle) return "You";
  return data.is_leader ? `${data.from} (leader)` : data.from;
}

function finish(message) {
  // Removed, session ended or left: no more actions from this page.
  finished = true;
  document.dispatchEvent(new CustomEvent("room:finished", { detail: { message } }));
  socket.stop();
  connection.dataset.state = "closed";
  connection.textContent = message;
  for (const button of root.querySelectorAll("form[data-room-action] button")) button.disabled = true;
  // The connection box (a status region) says it, once; it is at the top, so bring it into view.
  announcer.hidden = true;
  connection.scrollIntoView({ block: "nearest" });
  showHelp();
}

function noteFor(form) {
  if (!form || !(form.dataset.show in OPPOSITE)) return form;
  const now = OPPOSITE[form.dataset.show];
  if (root.querySelector(`.room-state-note[data-show="${now}"]:not([hidden])`)) return null;
  return root.querySelector(`form[data-show="${now}"]:not([hidden])`) || form;
}

function handleAnswer(data, form) {
  if (data.type === "done") {
    const action = data.action === "chat_held" ? "chat" : data.action; // a held-back chat message is done too
    const waiting = pending.get(action);
    if (waiting && waiting.hasAttribute("data-clear")) waiting.reset();
    pending.delete(action);
    applyState(data.state);
    if (data.action === "leave") {
      window.location.assign(root.dataset.leftUrl);
      return;
    }
    // A button swapped for its opposite shows the note beside it (hand raised, stepped out, passing): that
    // is the confirmation. Otherwise the note goes under the form now shown (hand lowered, back) or the form
    // used (a message, a flag, a held-back chat line). A chat line shows in the chat.
    if (data.action === "chat") return;
    announce(data.message, { near: noteFor(form) });
    if (data.action === "triggered") showHelp();
  } else if (data.type === "error") {
    announce(data.message, { isError: true, near: form || root.querySelector(".room-buttons") });
    if (form) form.querySelector("textarea, input[type=text]")?.focus();
  }
}

function onMessage(data) {
  // The embedded call (static/js/call.js) listens too: admitted from the waiting room, muted, removed.
  document.dispatchEvent(new CustomEvent("room:message", { detail: data }));
  switch (data.type) {
    case "welcome":
    case "state":
      applyState(data);
      if (data.message) announce(data.message, { near: root.querySelector(".room-buttons") });
      break;
    case "done":
    case "error":
      handleAnswer(data, pending.get(data.action === "chat_held" ? "chat" : data.action) || null);
      break;
    case "chat":
      appendLine(chatLog, { who: chatAuthor(data), text: data.text, at: data.at });
      break;
    case "chat_state":
      applyState({ chat_enabled: data.enabled });
      // The chat's own notice ("The leaders have turned the chat off for now.") or its form shows the change.
      announce(data.enabled ? "The leaders have turned the chat on." : "The leaders have turned the chat off for now.");
      break;
    case "reply":
      repliesEmpty.hidden = true;
      appendLine(replies, { who: `${data.from} (leader)`, text: data.text, at: data.at });
      announce(`A private reply from ${data.from}: ${data.text}`);
      break;
    case "seen":
      announce(data.message, { near: nearKind(data.kind) });
      break;
    case "concern_recorded":
      repliesEmpty.hidden = true;
      appendLine(replies, { who: "From the leaders", text: data.message, at: new Date().toISOString() });
      announce(data.message);
      break;
    case "closed":
      finish(data.message);
      break;
    case "session_ended":
      // The leaving check-in is offered on the "left" page after the end.
      finish(data.message);
      window.location.assign(root.dataset.leftUrl);
      break;
    case "left":
      window.location.assign(root.dataset.leftUrl);
      break;
    default:
      break;
  }
}

async function checkWhyDisconnected() {
  // After a few failed reconnects, ask over HTTP whether we may still be here (removed? ended?).
  const { status, body } = await getJSON(root.dataset.stateUrl).catch(() => ({ status: 0, body: {} }));
  if (status === 403 || status === 409 || status === 404) finish(body.message || "The room has closed for you.");
  else if (status === 200) applyState(body);
}

function onStatus(status) {
  if (finished) return;
  if (status === "closed") return; // the server said why in its last message
  connection.dataset.state = status;
  connection.textContent = STATUS_TEXT[status] || "";
  if (status === "open") failedAttempts = 0;
  if (status === "reconnecting") {
    failedAttempts += 1;
    if (failedAttempts === 3 || failedAttempts % 6 === 0) checkWhyDisconnected();
  }
}

const socket = new RoomSocket(root.dataset.socketPath, { onMessage, onStatus });

root.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-room-action]");
  if (!form || finished) return;
  event.preventDefault();
  const message = formMessage(form);
  pending.set(message.type, form);
  if (socket.send(message)) return;
  // Socket down: the same action as a plain POST. Nothing is kept if it cannot be delivered.
  const answer = await postForm(form);
  handleAnswer(answer, form);
  if (answer.type === "error" && ["forbidden", "removed", "not_open", "not_found"].includes(answer.code)) {
    finish(answer.message);
  }
});

socket.connect();
