"""The W3C Nu HTML Checker (vnu.jar, from npm's `vnu-jar`) as one local web service for the whole test run.

The JVM takes seconds to start, so it starts once per test run (a session fixture) and every page is posted
to it over loopback: one java invocation however many pages, roles, schemes and widths are checked. The
service is the checker's own documented HTTP interface (POST the document, `?out=json`), not a fake.

vnu.jar is found at $VNU_JAR, else in npm's global folder (`npm install -g vnu-jar`, as .ci/run does).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess  # nosec B404: runs the local Java checker, arguments fixed below
import time
import urllib.error
import urllib.request
from pathlib import Path

# Informational notes are not errors; "error" and "non-document-error" (the checker could not read the page) are.
FAILING = {"error", "non-document-error"}


def find_vnu_jar() -> Path | None:
    if os.environ.get("VNU_JAR"):
        path = Path(os.environ["VNU_JAR"])
        return path if path.is_file() else None
    npm = shutil.which("npm")
    if npm is None:
        return None
    root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True, check=False).stdout.strip()  # nosec B603
    path = Path(root) / "vnu-jar" / "build" / "dist" / "vnu.jar"
    return path if path.is_file() else None


class NuChecker:
    """A running `nu.validator.servlet.Main` on 127.0.0.1:port."""

    def __init__(self, jar: Path, port: int):
        self.url = f"http://127.0.0.1:{port}/?out=json"
        java = shutil.which("java") or "java"
        self.process = subprocess.Popen(  # nosec B603: fixed arguments, a local jar
            [
                java,
                "-Xss8m",  # the schema compiler recurses deeply: 512k overflows
                "-Xmx768m",
                "-Dnu.validator.servlet.bind-address=127.0.0.1",
                "-cp",
                str(jar),
                "nu.validator.servlet.Main",
                str(port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_until_ready()

    def _wait_until_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Nu checker exited with {self.process.returncode}")
            try:
                self.messages("<!doctype html><html lang=en><title>t</title></html>")
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.3)
        raise RuntimeError("the Nu checker did not start")

    def messages(self, html: str) -> list[dict]:
        request = urllib.request.Request(
            self.url, data=html.encode(), headers={"Content-Type": "text/html; charset=utf-8"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # nosec B310
            return json.load(response)["messages"]

    def errors(self, html: str) -> list[str]:
        """The checker's errors for the document, one readable line each (line: message, extract)."""
        found = []
        for message in self.messages(html):
            if message.get("type") not in FAILING:
                continue
            extract = " ".join(message.get("extract", "").split())[:120]
            found.append(f"Nu line {message.get('lastLine', '?')}: {message['message']} [{extract}]")
        return found

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
