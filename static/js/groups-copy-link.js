// "Copy the link" buttons: shown only when the clipboard is available; the text field works without them.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    var status = document.getElementById("copy-status");
    if (!field || !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(
        function () { if (status) { status.textContent = "The link is copied."; } },
        function () {
          field.select();
          if (status) { status.textContent = "Please copy the selected link."; }
        }
      );
    });
  });
})();
