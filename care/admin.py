"""Trustees' admin for care: the crisis lines shown on every page, and that debriefs happened.

Safety plans are not here: they belong to the member (leaders read one only while it is shared). A debrief's
words are shown to trustees only when it is linked to a safeguarding case, and each such read is audited.
"""

from django.contrib import admin

from care.models import CrisisLine


@admin.register(CrisisLine)
class CrisisLineAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "number", "position", "is_shown"]
    list_editable = ["position", "is_shown"]
    list_display_links = ["name"]
    fields = ["name", "when_to_use", "kind", "number", "text_message", "then", "position", "is_shown"]
