"""Helpers for keyboard-only browser tests: reach a control by pressing Tab, and say what has focus."""

DESCRIBE_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "nothing (the page itself)";
  const name = (el.getAttribute("aria-label") || el.labels?.[0]?.textContent || el.textContent || "").trim();
  return `${el.tagName.toLowerCase()} "${name.replace(/\\s+/g, " ").slice(0, 80)}"`;
}"""


def focused(page) -> str:
    """What has focus, as a person would describe it: 'button "Raise my hand"'."""
    return page.evaluate(DESCRIBE_FOCUS)


def has_focus(locator) -> bool:
    return locator.evaluate("el => el === document.activeElement")


def tab_to(page, locator, *, max_presses: int = 80) -> None:
    """Press Tab until the locator's element has focus; fail with the path taken if it never does."""
    path = []
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        if has_focus(locator):
            return
        path.append(focused(page))
    raise AssertionError(f"Tab never reached {locator}. It went through: " + " → ".join(path))
