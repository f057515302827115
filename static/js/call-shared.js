// What both embedded calls share (static/js/call.js for LiveKit, static/js/call-jitsi.js for Jitsi): asking our
// server for a credential at the moment of joining, saying what happened, and the leaders' list of people
// waiting to be let in. Text goes in with textContent only.

const el = (id) => document.getElementById(id);

function csrfToken() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

// POST, never cached: the answer goes straight to the call's client and is never stored or shown.
export async function fetchCredential(url) {
  const response = await fetch(url, {
    method: "POST",
    headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    credentials: "same-origin",
    cache: "no-store",
  });
  const body = await response.json().catch(() => ({}));
  return { ok: response.ok, body, status: response.status };
}

// The call's own status line; `pinned` also shows it in the page's announcer (errors, being let in).
export function say(text, { pinned = false, isError = false } = {}) {
  el("call-status").textContent = text;
  if (!pinned) return;
  const announcer = el("announce");
  const announcerText = el("announce-text");
  if (announcer && announcerText) {
    announcerText.textContent = text;
    announcer.classList.toggle("is-error", isError);
    announcer.hidden = false;
  }
}

// The leaders' "Waiting to join the call" list, from what the room's socket says about each person.
export function renderWaitingList(people) {
  const list = el("call-waiting-list");
  if (!list) return;
  const waiting = [...people].filter((p) => !p.admitted && p.status !== "left" && p.status !== "removed");
  list.replaceChildren(
    ...waiting.map((p) => {
      const item = el("tpl-call-waiting").content.firstElementChild.cloneNode(true);
      item.querySelector('[data-field="name"]').textContent = p.name;
      item.querySelector('[data-field="name-again"]').textContent = ` ${p.name}`;
      item.querySelector("input[name=user]").value = p.user_id;
      return item;
    }),
  );
  el("call-waiting-empty").hidden = waiting.length > 0;
  el("call-admit-all").hidden = waiting.length === 0;
}
