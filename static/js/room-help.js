// The room's short help box (templates/wellbeing/_room_help.html): shown, and focused so that keyboard and
// screen reader users land on it, right after "I found that triggering" and when the session ends.
export function showHelp() {
  const box = document.getElementById("room-help");
  if (!box) return;
  box.hidden = false;
  box.focus();
}
