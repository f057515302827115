// The embedded video call (Jitsi Meet), on the member's room page and the leaders' dashboard.
// Jitsi's IFrame API (external_api.js, loaded from the Jitsi server itself) defines window.JitsiMeetExternalAPI
// before this module runs. A JWT is asked of our server (POST) at the moment of joining, after every check, and
// handed straight to the API: it is never stored, shown or put in our page's URL. The call runs in Jitsi's frame,
// with its own toolbar (microphone, camera, devices, hand); what it cannot do for us, this file does:
// - the hand raised in the call is our hand (the same form the page's hand button sends), and the other way round;
// - recording, streaming, transcription, the invite and the pre-join screen are switched off, the name read-only;
// - a member's camera-off notice starts them with the camera off;
// - Jitsi has no server API for us, so a removal is carried out by the leaders' own clients (they are the call's
//   moderators): the server sends `call_kick`, and a leader's client kicks whoever in the call has that name. The
//   IFrame API shows people by display name only, so when two people share the name, the leader is asked to do it.
// Text goes in with textContent only.
import { fetchCredential, renderWaitingList, say } from "./call-shared.js";

const panel = document.getElementById("call");

// Off for everyone, whatever the server's own config.js says (docs/video.md lists the server settings that
// enforce it; a page's overwrite alone cannot be trusted for that).
const TOOLBAR = [
  "microphone",
  "camera",
  "raisehand",
  "tileview",
  "select-background",
  "settings",
  "fullscreen",
  "participants-pane",
  "toggle-camera",
  "hangup",
];

function configFor(body) {
  return {
    prejoinConfig: { enabled: false },
    prejoinPageEnabled: false,
    readOnlyName: true,
    disableInviteFunctions: true,
    disableDeepLinking: true,
    startWithAudioMuted: true,
    startWithVideoMuted: Boolean(body.camera_off),
    fileRecordingsEnabled: false,
    liveStreamingEnabled: false,
    localRecording: { disable: true },
    recordingService: { enabled: false, sharingEnabled: false },
    liveStreaming: { enabled: false },
    transcription: { enabled: false },
    hideConferenceSubject: true,
    toolbarButtons: TOOLBAR,
    // Chat stays in our own room (never stored); Jitsi's would be a second one nobody moderates.
    disableChat: true,
    enableWelcomePage: false,
    enableClosePage: false,
  };
}

if (panel && panel.dataset.provider === "jitsi") {
  const isLeader = panel.dataset.leader === "true";
  const el = (id) => document.getElementById(id);
  const waitingNote = el("call-waiting");
  const lobby = el("call-lobby");
  const live = el("call-live");
  const frame = el("call-frame");
  const joinButton = el("call-join");
  let api = null;
  let localId = null;
  let closedForGood = false;
  // Our hand (what the room's server says) and the hand in the call (what Jitsi says), kept the same.
  let ourHand = Boolean(document.querySelector('#room [data-show="hand-up"]:not([hidden])'));
  let handInCall = false;
  // What the room's socket says about each person (leaders), and who is in the call by Jitsi's id.
  const people = new Map(); // call_identity -> { user_id, name, admitted, status, is_leader }
  const inCall = new Map(); // Jitsi participant id -> display name

  // --- the hand, both ways (members) -------------------------------------------------------------------------

  function sendOurHand(raised) {
    // The page's own hand form, through room.js (the socket, or a plain POST while it is down).
    const action = raised ? "raise_hand" : "lower_hand";
    const input = document.querySelector(`#room form[data-room-action] input[name=action][value="${action}"]`);
    if (input) input.form.requestSubmit();
  }

  function onHandInCall({ id, handRaised }) {
    if (isLeader || id !== localId) return;
    handInCall = Boolean(handRaised); // a timestamp in recent Jitsi versions, 0 when lowered
    if (handInCall !== ourHand) sendOurHand(handInCall);
  }

  function followOurHand(raised) {
    ourHand = raised;
    if (api && localId && !isLeader && handInCall !== ourHand) {
      handInCall = ourHand;
      api.executeCommand("toggleRaiseHand");
    }
  }

  // --- removal through the leaders' clients ------------------------------------------------------------------

  function idsNamed(name) {
    return [...inCall].filter(([id, shown]) => id !== localId && shown === name).map(([id]) => id);
  }

  function kick(name, message) {
    if (!api || !isLeader) return;
    const ids = idsNamed(name);
    if (ids.length === 1) {
      api.executeCommand("kickParticipant", ids[0]);
      if (message) say(message, { pinned: true });
    } else if (ids.length > 1) {
      say(`More than one person called ${name} is in the call. Please remove the right one from the call's participant list.`, {
        pinned: true,
        isError: true,
      });
    }
  }

  // Someone removed this session who comes back into the call with a token they kept: kicked again on sight,
  // unless someone still here has the same name (then the leader decides, from the call's participant list).
  function kickIfRemoved(id) {
    const name = inCall.get(id);
    const named = [...people.values()].filter((p) => p.name === name);
    if (named.length && named.every((p) => p.status === "removed")) kick(name, `${name} was removed and is taken out of the call again.`);
  }

  // --- joining and leaving -----------------------------------------------------------------------------------

  async function join() {
    if (!window.JitsiMeetExternalAPI) {
      say("The call could not be reached just now. Everything else on this page still works.", { pinned: true, isError: true });
      return;
    }
    joinButton.disabled = true;
    say("Joining the call…");
    const { ok, body } = await fetchCredential(panel.dataset.credentialUrl).catch(() => ({ ok: false, body: {} }));
    if (!ok) {
      joinButton.disabled = false;
      if (body.code === "waiting") showWaiting(true);
      say(body.message || "The call could not be joined just now. Please try again in a moment.", { pinned: true, isError: true });
      return;
    }
    lobby.hidden = true;
    live.hidden = false;
    api = new window.JitsiMeetExternalAPI(body.domain, {
      roomName: body.room,
      jwt: body.token,
      parentNode: frame,
      width: "100%",
      height: "100%",
      lang: "en",
      userInfo: { displayName: body.name },
      configOverwrite: configFor(body),
      interfaceConfigOverwrite: { MOBILE_APP_PROMO: false, SHOW_CHROME_EXTENSION_BANNER: false },
    });
    const iframe = api.getIFrame();
    iframe.title = "The video call";
    iframe.setAttribute("allow", "camera; microphone; fullscreen; display-capture; autoplay");
    api.addListener("videoConferenceJoined", ({ id }) => {
      localId = id;
      say("You're in the call.");
      if (!isLeader && ourHand) followOurHand(true);
    });
    api.addListener("participantJoined", ({ id, displayName }) => {
      inCall.set(id, displayName || "");
      if (isLeader) kickIfRemoved(id);
    });
    api.addListener("displayNameChange", ({ id, displayname }) => {
      inCall.set(id, displayname || "");
      if (isLeader) kickIfRemoved(id);
    });
    api.addListener("participantLeft", ({ id }) => inCall.delete(id));
    api.addListener("raiseHandUpdated", onHandInCall);
    api.addListener("participantKickedOut", ({ kicked }) => {
      if (kicked && kicked.local) left("A leader took you out of the call.");
    });
    api.addListener("videoConferenceLeft", () => left(closedForGood ? "" : "You left the call. The room stays open for you."));
    api.addListener("readyToClose", () => left(closedForGood ? "" : "You left the call. The room stays open for you."));
  }

  function left(message) {
    if (api) {
      const leaving = api;
      api = null;
      leaving.dispose();
    }
    localId = null;
    handInCall = false;
    inCall.clear();
    frame.replaceChildren();
    live.hidden = true;
    lobby.hidden = closedForGood;
    joinButton.disabled = closedForGood;
    if (message) say(message);
  }

  // The session ended: a leader's client ends the call for everyone still in it (Jitsi's end_conference
  // component must be enabled for that; members' own clients leave it anyway).
  function endForEveryone() {
    if (api && isLeader) api.executeCommand("endConference");
  }

  function showWaiting(waiting) {
    waitingNote.hidden = !waiting;
    lobby.hidden = waiting || Boolean(api);
  }

  joinButton.addEventListener("click", join);
  el("call-leave").addEventListener("click", () => left("You left the call. The room stays open for you."));

  // --- what the room's socket tells us -----------------------------------------------------------------------

  function applyRoom(snapshot) {
    people.clear();
    for (const p of snapshot.participants) people.set(p.call_identity, p);
    renderWaitingList(people.values());
  }

  document.addEventListener("room:message", (event) => {
    const data = event.detail;
    switch (data.type) {
      case "snapshot":
        applyRoom(data);
        break;
      case "participant":
        people.set(data.participant.call_identity, data.participant);
        renderWaitingList(people.values());
        break;
      case "welcome":
      case "state":
        if ("hand_raised" in data) followOurHand(Boolean(data.hand_raised));
        break;
      case "done":
        if (data.state && "hand_raised" in data.state) followOurHand(Boolean(data.state.hand_raised));
        if (data.action === "end_session") endForEveryone();
        break;
      case "call_admitted":
        showWaiting(false);
        say(data.message + " You can join the call now.", { pinned: true });
        joinButton.focus();
        break;
      case "call_kick":
        kick(data.name, data.message);
        break;
      case "session_ended":
        endForEveryone();
        break;
      default:
        break;
    }
  });
  document.addEventListener("room:finished", () => {
    // Removed, the session ended, or the room closed: out of the call too.
    closedForGood = true;
    left("");
  });

  const snapshotData = document.getElementById("room-snapshot");
  if (snapshotData) applyRoom(JSON.parse(snapshotData.textContent));
}
