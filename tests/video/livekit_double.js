// A test double for the vendored LiveKit client, served in place of static/vendor/livekit-client/ by
// tests/video/test_call_browser.py: the same global (LivekitClient) and the parts of its API that
// static/js/call.js uses. It records what the page asked of it in window.__lk, and lets a test make
// other people "join" the call. The token it receives is only decoded to learn who it was minted for.
(function () {
  const RoomEvent = {
    ParticipantConnected: "participantConnected",
    ParticipantDisconnected: "participantDisconnected",
    TrackSubscribed: "trackSubscribed",
    TrackUnsubscribed: "trackUnsubscribed",
    TrackMuted: "trackMuted",
    TrackUnmuted: "trackUnmuted",
    LocalTrackPublished: "localTrackPublished",
    LocalTrackUnpublished: "localTrackUnpublished",
    ActiveSpeakersChanged: "activeSpeakersChanged",
    Disconnected: "disconnected",
    MediaDevicesChanged: "mediaDevicesChanged",
  };
  class Participant {
    constructor(identity, name) {
      this.identity = identity;
      this.name = name;
      this.isMicrophoneEnabled = false;
      this.isCameraEnabled = false;
      this.isSpeaking = false;
    }
    getTrackPublication() {
      return undefined;
    }
    async setMicrophoneEnabled(on) {
      this.isMicrophoneEnabled = on;
      window.__lk.log.push(["microphone", on]);
    }
    async setCameraEnabled(on) {
      this.isCameraEnabled = on;
      window.__lk.log.push(["camera", on]);
    }
  }
  class Room {
    constructor() {
      this.handlers = {};
      this.remoteParticipants = new Map();
      this.localParticipant = null;
      window.__lk.room = this;
    }
    on(event, handler) {
      (this.handlers[event] = this.handlers[event] || []).push(handler);
      return this;
    }
    emit(event, ...args) {
      for (const handler of this.handlers[event] || []) handler(...args);
    }
    removeAllListeners() {
      this.handlers = {};
    }
    async connect(url, token) {
      const claims = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
      window.__lk.connected = { url, identity: claims.sub, name: claims.name, room: claims.video.room };
      this.localParticipant = new Participant(claims.sub, claims.name);
    }
    async disconnect() {
      window.__lk.log.push(["disconnect"]);
      this.emit(RoomEvent.Disconnected);
    }
    async switchActiveDevice() {}
    static async getLocalDevices() {
      return [];
    }
  }
  window.__lk = {
    log: [],
    connected: null,
    room: null,
    addRemote(identity, name, { mic = true, speaking = false } = {}) {
      const participant = new Participant(identity, name);
      participant.isMicrophoneEnabled = mic;
      participant.isSpeaking = speaking;
      window.__lk.room.remoteParticipants.set(identity, participant);
      window.__lk.room.emit(RoomEvent.ParticipantConnected, participant);
    },
  };
  window.LivekitClient = { Room, RoomEvent, Track: { Source: { Camera: "camera", Microphone: "microphone" } } };
})();
