// The embedded video call (LiveKit), on the member's room page and the leaders' dashboard.
// The vendored client (static/vendor/livekit-client/, a UMD build) defines window.LivekitClient before this
// module runs. A credential is asked of our server (POST) at the moment of joining, after every check, and
// handed straight to the client: it is never stored, shown or put in a URL. Moderation is not here: leaders
// mute and remove through the dashboard's own actions, which our server carries out on the call's server.
// Text goes in with textContent only.
import { fetchCredential, renderWaitingList, say } from "./call-shared.js";

const panel = document.getElementById("call");

if (panel && window.LivekitClient) {
  const { Room, RoomEvent, Track } = window.LivekitClient;
  const isLeader = panel.dataset.leader === "true";
  const el = (id) => document.getElementById(id);
  const waitingNote = el("call-waiting");
  const lobby = el("call-lobby");
  const live = el("call-live");
  const tiles = el("call-tiles");
  const audio = el("call-audio");
  const joinButton = el("call-join");
  const micButton = el("call-mic");
  const cameraButton = el("call-camera");
  let room = null;
  let closedForGood = false;
  // What the leaders' dashboard knows about each person, by their opaque call identity.
  const people = new Map(); // identity -> { user_id, name, admitted, status, is_leader }
  const hands = new Set(); // user ids with a raised hand
  const cameraOff = new Set(); // user ids with a camera-off notice

  // --- tiles -------------------------------------------------------------------------------------

  function tileFor(participant) {
    let tile = tiles.querySelector(`[data-identity="${CSS.escape(participant.identity)}"]`);
    if (!tile) {
      tile = el("tpl-call-tile").content.firstElementChild.cloneNode(true);
      tile.dataset.identity = participant.identity;
      tiles.append(tile);
    }
    return tile;
  }

  function field(tile, name) {
    return tile.querySelector(`[data-field="${name}"]`);
  }

  function renderTile(participant, isLocal) {
    const tile = tileFor(participant);
    const person = people.get(participant.identity);
    const name = participant.name || (person && person.name) || "Someone";
    const mic = participant.isMicrophoneEnabled;
    const camera = participant.isCameraEnabled;
    field(tile, "name").textContent = isLocal ? `${name} (you)` : name;
    field(tile, "state").textContent = `${mic ? "Microphone on" : "Microphone off"} · ${camera ? "camera on" : "camera off"}`;
    tile.classList.toggle("is-speaking", Boolean(participant.isSpeaking));
    tile.classList.toggle("camera-off", !camera);
    const hand = person && hands.has(person.user_id);
    field(tile, "hand").hidden = !hand;
    field(tile, "camera-notice").hidden = !(isLeader && person && cameraOff.has(person.user_id));
    const video = tile.querySelector("video");
    const publication = participant.getTrackPublication(Track.Source.Camera);
    const track = publication && publication.track;
    if (track && camera) {
      if (video.dataset.track !== track.sid) {
        track.attach(video);
        video.dataset.track = track.sid;
      }
    } else if (video.dataset.track) {
      video.removeAttribute("data-track");
      video.srcObject = null;
    }
    if (isLeader && !isLocal && person && !person.is_leader) {
      let mute = tile.querySelector(".call-mute");
      if (!mute) {
        mute = el("tpl-call-mute").content.firstElementChild.cloneNode(true);
        mute.querySelector("input[name=user]").value = person.user_id;
        field(mute, "name").textContent = ` ${name}`;
        tile.querySelector(".call-tile-text").append(mute);
      }
      mute.hidden = !mic;
    }
  }

  function render() {
    if (!room) return;
    const present = new Set([room.localParticipant.identity]);
    renderTile(room.localParticipant, true);
    for (const participant of room.remoteParticipants.values()) {
      present.add(participant.identity);
      renderTile(participant, false);
    }
    for (const tile of [...tiles.children]) if (!present.has(tile.dataset.identity)) tile.remove();
    micButton.textContent = room.localParticipant.isMicrophoneEnabled ? "Turn microphone off" : "Turn microphone on";
    micButton.setAttribute("aria-pressed", String(room.localParticipant.isMicrophoneEnabled));
    cameraButton.textContent = room.localParticipant.isCameraEnabled ? "Turn camera off" : "Turn camera on";
    cameraButton.setAttribute("aria-pressed", String(room.localParticipant.isCameraEnabled));
  }

  // --- devices -----------------------------------------------------------------------------------

  async function fillDevices() {
    for (const [kind, selectId] of [
      ["audioinput", "call-mic-device"],
      ["videoinput", "call-camera-device"],
    ]) {
      const select = el(selectId);
      const devices = await Room.getLocalDevices(kind).catch(() => []);
      select.replaceChildren(
        ...devices.map((device, index) => {
          const option = document.createElement("option");
          option.value = device.deviceId;
          option.textContent = device.label || `${kind === "audioinput" ? "Microphone" : "Camera"} ${index + 1}`;
          return option;
        }),
      );
      select.onchange = () => room && room.switchActiveDevice(kind, select.value);
    }
  }

  // --- joining and leaving -----------------------------------------------------------------------

  async function join(url = panel.dataset.credentialUrl, { retry = false } = {}) {
    joinButton.disabled = true;
    say("Joining the call…");
    let { ok, body, status } = await fetchCredential(url).catch(() => ({ ok: false, body: {}, status: 0 }));
    // Moved between rooms without a click (a word in private): a passing fault of the server or the network
    // is tried again after a moment, with jitter, rather than leaving the person outside every call.
    for (let attempt = 0; retry && !ok && (status === 0 || status >= 500) && attempt < 3; attempt += 1) {
      await new Promise((resolve) => window.setTimeout(resolve, 500 + Math.random() * 1000));
      ({ ok, body, status } = await fetchCredential(url).catch(() => ({ ok: false, body: {}, status: 0 })));
    }
    if (!ok) {
      joinButton.disabled = false;
      if (body.code === "waiting") showWaiting(true);
      say(body.message || "The call could not be joined just now. Please try again in a moment.", { pinned: true, isError: true });
      return;
    }
    room = new Room({ adaptiveStream: true, dynacast: true });
    for (const event of [
      RoomEvent.ParticipantConnected,
      RoomEvent.ParticipantDisconnected,
      RoomEvent.TrackSubscribed,
      RoomEvent.TrackUnsubscribed,
      RoomEvent.TrackMuted,
      RoomEvent.TrackUnmuted,
      RoomEvent.LocalTrackPublished,
      RoomEvent.LocalTrackUnpublished,
      RoomEvent.ActiveSpeakersChanged,
    ]) {
      room.on(event, render);
    }
    room.on(RoomEvent.TrackSubscribed, (track) => {
      if (track.kind === "audio") audio.append(track.attach());
    });
    room.on(RoomEvent.TrackUnsubscribed, (track) => track.detach().forEach((element) => element.remove()));
    room.on(RoomEvent.ParticipantConnected, (participant) => say(`${participant.name || "Someone"} joined the call.`));
    room.on(RoomEvent.ParticipantDisconnected, (participant) => say(`${participant.name || "Someone"} left the call.`));
    room.on(RoomEvent.Disconnected, () => left(closedForGood ? "" : "You're out of the call. You can join again."));
    room.on(RoomEvent.MediaDevicesChanged, fillDevices);
    try {
      await room.connect(body.url, body.token);
    } catch (error) {
      room = null;
      joinButton.disabled = false;
      say("The call could not be reached just now. Please try again in a moment.", { pinned: true, isError: true });
      return;
    }
    lobby.hidden = true;
    live.hidden = false;
    render();
    // Camera on unless they gave a camera-off notice; microphone off until they choose to speak.
    if (!body.camera_off) await room.localParticipant.setCameraEnabled(true).catch(() => say("Your camera could not be started."));
    await fillDevices();
    render();
    say("You're in the call.");
    return true;
  }

  // Leave whichever room we are in, quietly, and join another with a credential from `url` (a word in private,
  // static/js/private-word.js, and back to the group call). The microphone stays as it was.
  async function switchTo(url) {
    const micWasOn = Boolean(room && room.localParticipant.isMicrophoneEnabled);
    if (room) {
      const old = room;
      room = null;
      if (old.removeAllListeners) old.removeAllListeners();
      await old.disconnect();
    }
    tiles.replaceChildren();
    audio.replaceChildren();
    const joined = await join(url, { retry: true });
    if (joined && micWasOn) await room.localParticipant.setMicrophoneEnabled(true).catch(() => {});
    render();
    return Boolean(joined);
  }
  window.PeerSupportCall = { switchTo, groupUrl: panel.dataset.credentialUrl, inCall: () => Boolean(room) };

  function left(message) {
    if (room) {
      room.removeAllListeners && room.removeAllListeners();
      room = null;
    }
    tiles.replaceChildren();
    audio.replaceChildren();
    live.hidden = true;
    lobby.hidden = closedForGood;
    joinButton.disabled = closedForGood;
    if (message) say(message);
  }

  function showWaiting(waiting) {
    waitingNote.hidden = !waiting;
    lobby.hidden = waiting || Boolean(room);
  }

  joinButton.addEventListener("click", () => join());
  el("call-leave").addEventListener("click", async () => {
    if (room) await room.disconnect();
    left("You left the call. The room stays open for you.");
  });
  micButton.addEventListener("click", async () => {
    if (!room) return;
    await room.localParticipant.setMicrophoneEnabled(!room.localParticipant.isMicrophoneEnabled);
    render();
  });
  cameraButton.addEventListener("click", async () => {
    if (!room) return;
    await room.localParticipant.setCameraEnabled(!room.localParticipant.isCameraEnabled);
    render();
  });

  // --- what the room's socket tells us -------------------------------------------------------------

  function applyRoom(snapshot) {
    people.clear();
    for (const p of snapshot.participants) people.set(p.call_identity, p);
    hands.clear();
    for (const a of snapshot.alerts) if (a.kind === "hand" && !a.lowered_at) hands.add(a.user_id);
    cameraOff.clear();
    for (const n of snapshot.camera_off || []) cameraOff.add(n.user_id);
    renderWaiting();
    render();
  }

  function renderWaiting() {
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
        renderWaiting();
        render();
        break;
      case "alert":
        if (data.alert && data.alert.kind === "hand") {
          if (data.alert.lowered_at) hands.delete(data.alert.user_id);
          else hands.add(data.alert.user_id);
          render();
        }
        break;
      case "call_admitted":
        showWaiting(false);
        say(data.message + " You can join the call now.", { pinned: true });
        joinButton.focus();
        break;
      case "call_muted":
        say(data.message, { pinned: true });
        render();
        break;
      case "call_problem":
        say(data.message, { pinned: true, isError: true });
        break;
      case "call_problem_solved":
        say(data.message);
        break;
      default:
        break;
    }
  });
  document.addEventListener("room:finished", async (event) => {
    closedForGood = true;
    if (room) await room.disconnect();
    left("");
  });

  const snapshotData = document.getElementById("room-snapshot");
  if (snapshotData) applyRoom(JSON.parse(snapshotData.textContent));
}
