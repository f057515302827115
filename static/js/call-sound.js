// The waiting room, heard (templates/sessions/includes/call_sound.html). Leaders hear a short soft sound when
// someone starts waiting to join the call; a member hears one when a leader lets them in (and when a leader asks
// for a word in private). The sound is made with the Web Audio API (no file). It is never played before the
// person has used the page (browsers block sound until then, and a sudden sound on arrival is unkind), and not
// at all when the switch is off (remembered in this browser). The same news is always shown and announced as
// text as well: here ("#call-heard"), or by the call's own note, so nobody depends on hearing it.

const panel = document.getElementById("call");
const toggle = document.getElementById("call-sound");

if (panel && toggle) {
  const KEY = "peersupport.call.sound";
  const isLeader = panel.dataset.leader === "true";
  const heard = document.getElementById("call-heard");
  const waiting = new Set(); // user ids known to be waiting, so each arrival is heard once
  let context = null;
  let used = false; // the person has clicked, tapped or pressed a key on this page
  let seenRoom = false;

  for (const type of ["pointerdown", "keydown"]) document.addEventListener(type, () => (used = true), true);

  // Our own record of a click, tap or key press since this page loaded (navigator.userActivation would do, but
  // it also counts script-driven activations, e.g. from automation, and we want the person's own).
  function userHasActed() {
    return used;
  }

  function soundOn() {
    return toggle.checked;
  }

  // Two soft notes, rising for good news (let in), gentle and level for "someone is waiting".
  const NOTES = { waiting: [523.25, 523.25], admitted: [523.25, 659.25], invited: [587.33, 698.46] };

  function chime(kind) {
    if (!soundOn() || !userHasActed()) return;
    try {
      context = context || new AudioContext();
      if (context.state === "suspended") context.resume();
      const start = context.currentTime + 0.02;
      NOTES[kind].forEach((frequency, i) => {
        const at = start + i * 0.22;
        const osc = context.createOscillator();
        const gain = context.createGain();
        osc.type = "sine";
        osc.frequency.value = frequency;
        gain.gain.setValueAtTime(0.0001, at);
        gain.gain.exponentialRampToValueAtTime(0.12, at + 0.03);
        gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.35);
        osc.connect(gain).connect(context.destination);
        osc.start(at);
        osc.stop(at + 0.4);
      });
    } catch (err) {
      // No audio here: the text below and on the page still says it.
    }
  }

  function tell(text) {
    heard.textContent = text;
  }

  function isWaiting(p) {
    return !p.is_leader && !p.admitted && p.status === "present";
  }

  function noteWaiting(participants, { quietly }) {
    const arrived = [];
    for (const p of participants) {
      if (isWaiting(p)) {
        if (!waiting.has(p.user_id)) arrived.push(p);
        waiting.add(p.user_id);
      } else {
        waiting.delete(p.user_id);
      }
    }
    if (!arrived.length || quietly) return;
    const names = arrived.map((p) => p.name).join(", ");
    tell(arrived.length === 1 ? `${names} is waiting to join the call.` : `${names} are waiting to join the call.`);
    chime("waiting");
  }

  toggle.checked = window.localStorage.getItem(KEY) !== "off";
  toggle.addEventListener("change", () => {
    window.localStorage.setItem(KEY, toggle.checked ? "on" : "off");
    if (toggle.checked) chime("admitted"); // so they know what it sounds like (this click is a gesture)
  });
  document.getElementById("call-sound-wrap").hidden = false;

  document.addEventListener("room:message", (event) => {
    const data = event.detail;
    switch (data.type) {
      case "snapshot":
        // The page's own first snapshot is what was already there: shown, not sounded.
        if (isLeader) noteWaiting(data.participants, { quietly: !seenRoom });
        seenRoom = true;
        break;
      case "participant":
        if (isLeader) noteWaiting([data.participant], { quietly: false });
        break;
      case "call_admitted":
        // static/js/call.js shows and announces "A leader has let you in".
        chime("admitted");
        break;
      case "private_word_invited":
        // static/js/private-word.js shows and announces the invitation.
        chime("invited");
        break;
      default:
        break;
    }
  });
}
