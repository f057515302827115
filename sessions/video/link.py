"""The plain meeting link (Zoom, Teams, or any site): today's behaviour, with its limits said plainly.

Members reach the link through the join page's single-use, one-minute ticket (sessions/views.py `go`), so it
is never in a page, an email or a calendar. But once opened it is the meeting's own URL: it can be copied and
shared, a removal in our app does not reach the call, and recording depends on the meeting's own settings.
The leaders' link page says so (templates/sessions/meeting_link_form.html).
"""

from sessions.video.base import Caller, Client, NotEmbedded


class LinkProvider:
    name = "link"
    reaches_call = False
    kicks_in_browser = False
    private_rooms = False

    def mint(self, caller: Caller) -> dict:
        raise NotEmbedded("Members open the meeting through the join page.")

    # Nothing of ours reaches someone else's meeting: these do nothing, and the pages say so.
    def remove(self, *, room: str, identity: str) -> None:
        return None

    def mute(self, *, room: str, identity: str) -> bool:
        return False

    def end(self, *, room: str) -> None:
        return None

    def client(self) -> Client:
        return Client(embedded=False)
