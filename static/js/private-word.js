// A word in private (sessions/room/private_word.py; templates/sessions/includes/private_word.html), on the
// leaders' dashboard and the member's room page. The answers and buttons are ordinary room forms (the page's
// own script sends them over the socket, or posts them). This script only shows who is in a private word, and
// moves the call: on "started" both pages leave the group call for the private room (a credential asked of our
// server at that moment, static/js/call.js: switchTo), and on "ended" both go back to the group call with a
// fresh group credential. Names go in with textContent only; nothing said is ever here.

const box = document.getElementById("private-word");

if (box && window.PeerSupportCall) {
  const call = window.PeerSupportCall;
  const el = (id) => document.getElementById(id);
  const isLeader = box.dataset.leader === "true";
  const me = Number(box.dataset.me);
  const status = el("private-word-status");
  const now = el("private-word-now");
  const withText = el("private-word-with");
  const words = new Map(); // id -> {id, state, leader_id, leader, member_id, member}
  const people = new Map(); // user id -> roster row (leaders: whom they can ask)
  let inPrivate = false;
  let finished = false;

  // Announced to screen readers always; shown only when the same words are not already on screen (the
  // invitation, "You're in a private word with …").
  function say(text, { shown = true } = {}) {
    status.textContent = text || "";
    status.classList.toggle("visually-hidden", !shown);
    if (!isLeader && text) box.hidden = false;
  }

  function mine() {
    for (const word of words.values()) if (word.leader_id === me || word.member_id === me) return word;
    return null;
  }

  function describe(word) {
    if (word.state === "started") return `${word.leader} is in a private word with ${word.member}.`;
    return `${word.leader} has asked ${word.member} for a word in private.`;
  }

  function render() {
    const word = mine();
    now.hidden = !word || (word.state !== "started" && !(isLeader && word.state === "invited"));
    if (word && word.state === "started") {
      withText.textContent = `You're in a private word with ${isLeader ? word.member : word.leader}. Nobody else can hear you.`;
      el("private-word-end").textContent = "End the private word";
    } else if (word && isLeader) {
      withText.textContent = `Waiting for ${word.member} to answer.`;
      el("private-word-end").textContent = "Withdraw the invitation";
    }
    if (isLeader) {
      const busy = new Set();
      for (const w of words.values()) busy.add(w.member_id);
      const list = el("private-word-list");
      list.replaceChildren(
        ...[...words.values()].map((w) => {
          const item = document.createElement("li");
          item.className = "person";
          item.textContent = describe(w);
          return item;
        }),
      );
      const choices = [...people.values()].filter(
        (p) => !p.is_leader && p.admitted && p.status === "present" && !busy.has(p.user_id),
      );
      const select = el("private-word-member");
      const chosen = select.value;
      select.replaceChildren(
        ...choices.map((p) => {
          const option = document.createElement("option");
          option.value = String(p.user_id);
          option.textContent = p.name;
          return option;
        }),
      );
      if (choices.some((p) => String(p.user_id) === chosen)) select.value = chosen;
      el("private-word-invite").hidden = Boolean(word) || choices.length === 0 || finished;
      el("private-word-nobody").hidden = choices.length > 0 || Boolean(word);
    } else {
      const invited = word && word.state === "invited";
      el("private-word-invitation").hidden = !invited;
      if (invited) el("private-word-invitation-text").textContent = `${word.leader} would like a word in private.`;
      box.hidden = !word && !status.textContent; // the last news ("back with the group") stays readable
    }
  }

  async function toPrivate() {
    if (inPrivate || finished) return;
    inPrivate = true;
    say("Moving you to the private word…");
    if (!(await call.switchTo(box.dataset.credentialUrl))) {
      say("The private word could not be joined just now. You can end it and stay with the group.");
      return;
    }
    say(withText.textContent, { shown: false });
  }

  async function backToGroup(message) {
    const wasInPrivate = inPrivate;
    inPrivate = false;
    if (finished) return;
    if (wasInPrivate) await call.switchTo(call.groupUrl);
    say(message);
  }

  async function refresh() {
    // Who is in a private word now: on load and on every (re)connect, so nothing missed meanwhile is lost.
    const response = await fetch(box.dataset.wordsUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store",
    }).catch(() => null);
    if (!response || !response.ok) return;
    const body = await response.json().catch(() => ({ words: [] }));
    words.clear();
    for (const word of body.words || []) words.set(word.id, word);
    render();
    const word = mine();
    if (word && word.state === "started" && call.inCall()) await toPrivate();
    else if (!word && inPrivate) await backToGroup("The private word has ended. You're back with the group.");
  }

  function setWord(word) {
    if (word.state === "ended") words.delete(word.id);
    else words.set(word.id, word);
    render();
  }

  document.addEventListener("room:message", async (event) => {
    const data = event.detail;
    switch (data.type) {
      case "snapshot":
        for (const p of data.participants) people.set(p.user_id, p);
        render();
        refresh();
        break;
      case "welcome":
        refresh();
        break;
      case "participant":
        people.set(data.participant.user_id, data.participant);
        render();
        break;
      case "private_word":
        setWord(data.word);
        break;
      case "private_word_invited":
        words.set(data.word, { id: data.word, state: "invited", leader: data.leader, leader_id: null, member_id: me });
        render();
        say(data.message, { shown: false });
        break;
      case "private_word_started": {
        const word = words.get(data.word);
        if (word) word.state = "started";
        else await refresh();
        render();
        await toPrivate();
        break;
      }
      case "private_word_ended":
        words.delete(data.word);
        render();
        await backToGroup(data.message);
        break;
      default:
        break;
    }
  });
  document.addEventListener("room:finished", () => {
    finished = true;
    inPrivate = false;
    words.clear();
    render();
  });

  render();
  refresh();
}
