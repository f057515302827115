// Gives every control in Django's admin a name a screen reader can read out. Django's own widgets leave
// three gaps (found by axe in tests/browser/test_a11y_pages.py): the date and time boxes of a date-time
// field, the help icons of the two-list selector, and the searchable (select2) drop-downs.
"use strict";

function fieldLabel(element) {
  const row = element.closest(".form-row, .fieldBox, td");
  const label = row && row.querySelector("label");
  return label ? label.textContent.replace(/[:*\s]+$/, "").trim() : "";
}

function nameDateTimeBoxes(root) {
  root.querySelectorAll("p.datetime input").forEach((input) => {
    if (input.labels.length || input.hasAttribute("aria-label")) return;
    const part = input.classList.contains("vTimeField") ? "time" : "date";
    const name = fieldLabel(input);
    input.setAttribute("aria-label", name ? `${name}: ${part}` : part);
  });
}

function nameHelpIcons(root) {
  // A span may not carry aria-label unless it has a role; these icons stand for the text they label.
  root.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach((icon) => {
    icon.setAttribute("role", "img");
  });
}

function nameSearchableSelects(root) {
  root.querySelectorAll("select.admin-autocomplete").forEach((select) => {
    const label = select.id && document.querySelector(`label[for="${select.id}"]`);
    const box = select.nextElementSibling && select.nextElementSibling.querySelector(".select2-selection");
    const shown = box && box.querySelector(".select2-selection__rendered");
    if (!label || !box || !shown) return;
    if (!label.id) label.id = `${select.id}-label`;
    box.setAttribute("aria-labelledby", `${label.id} ${shown.id}`);
    shown.setAttribute("aria-labelledby", label.id);
  });
}

function nameEverything(root) {
  nameDateTimeBoxes(root);
  nameHelpIcons(root);
  nameSearchableSelects(root);
}

// Django builds its widgets in two waves: the searchable drop-downs when the document is ready (jQuery's
// ready callbacks run in the order they were added, and this deferred script adds its own after theirs),
// the two-list selectors on the window's load event (again, this listener comes after theirs).
let waves = 0;
function afterDjango() {
  nameEverything(document);
  waves += 1;
  if (waves === 2) document.documentElement.dataset.adminA11y = "done"; // the accessibility tests wait for this
}
if (window.django && window.django.jQuery) {
  window.django.jQuery(afterDjango);
} else {
  document.addEventListener("DOMContentLoaded", afterDjango);
}
window.addEventListener("load", afterDjango);

// Rows added to an inline ("Add another …") get the same fixes once Django has set them up.
document.addEventListener("formset:added", (event) => setTimeout(() => nameEverything(event.target), 0));
