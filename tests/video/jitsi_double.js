// A test double for Jitsi's IFrame API (external_api.js), served by a loopback server in place of
// https://<JITSI_DOMAIN>/external_api.js in tests/video/test_jitsi_browser.py. It implements what
// static/js/call-jitsi.js uses: the JitsiMeetExternalAPI constructor, addListener, executeCommand, getIFrame and
// dispose, and emits the events a real call would (videoConferenceJoined, participantJoined, raiseHandUpdated,
// participantLeft). It records in window.__jitsi what the page asked of it, and lets a test play the call's side:
// other people joining, or the local person raising a hand in Jitsi's own toolbar.
(function () {
  const record = { constructed: [], commands: [], disposed: 0 };
  const LOCAL_ID = "local0a1";

  class JitsiMeetExternalAPI {
    constructor(domain, options) {
      const { parentNode, ...rest } = options;
      record.constructed.push({ domain, options: rest });
      this.listeners = new Map();
      this.hand = 0;
      this.frame = document.createElement("iframe");
      this.frame.name = "jitsiConferenceFrame0";
      parentNode.append(this.frame);
      window.__jitsi.api = this;
      // A real call answers once the conference is joined; here, on the next turn of the event loop.
      setTimeout(() => this.emit("videoConferenceJoined", { id: LOCAL_ID, displayName: options.userInfo.displayName, roomName: options.roomName }), 0);
    }
    addListener(event, listener) {
      if (!this.listeners.has(event)) this.listeners.set(event, []);
      this.listeners.get(event).push(listener);
    }
    on(event, listener) {
      this.addListener(event, listener);
    }
    removeListener(event, listener) {
      this.listeners.set(event, (this.listeners.get(event) || []).filter((l) => l !== listener));
    }
    emit(event, data) {
      for (const listener of this.listeners.get(event) || []) listener(data);
    }
    executeCommand(name, ...args) {
      record.commands.push([name, ...args]);
      if (name === "toggleRaiseHand") {
        this.hand = this.hand ? 0 : Date.now();
        setTimeout(() => this.emit("raiseHandUpdated", { id: LOCAL_ID, handRaised: this.hand }), 0);
      } else if (name === "kickParticipant") {
        setTimeout(() => this.emit("participantLeft", { id: args[0] }), 0);
      }
    }
    getIFrame() {
      return this.frame;
    }
    dispose() {
      record.disposed += 1;
      this.frame.remove();
      if (window.__jitsi.api === this) window.__jitsi.api = null;
    }
  }

  window.JitsiMeetExternalAPI = JitsiMeetExternalAPI;
  window.__jitsi = {
    record,
    api: null,
    localId: LOCAL_ID,
    // Someone else joins the call (as Jitsi tells a page about people already there, or arriving).
    join(id, displayName) {
      window.__jitsi.api.emit("participantJoined", { id, displayName });
    },
    // The local person uses the hand in Jitsi's own toolbar.
    raiseHandInCall() {
      const api = window.__jitsi.api;
      api.hand = api.hand ? 0 : Date.now();
      api.emit("raiseHandUpdated", { id: LOCAL_ID, handRaised: api.hand });
    },
  };
})();
