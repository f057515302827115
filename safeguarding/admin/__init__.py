"""The trustees' admin: cases with their chronology, removals, contact reveals, the read-only audit trail.
One module per job; importing the package registers them all (Django's autodiscover imports it).

Every page requires members.roles.is_trustee as well as the model permission (a staff user who is not a
trustee sees nothing here). Encrypted columns are never listed, searched or filtered; protected text
appears only on a single record's page, and opening a case or revealing contact details is audited.
Changes go through safeguarding.services, so the admin obeys the same rules and audit as the site.
"""

from safeguarding.admin import audit, cases, contacts, registers, removals
from safeguarding.admin.access import ReadOnlyMixin, TrusteeOnlyMixin

__all__ = ["ReadOnlyMixin", "TrusteeOnlyMixin", "audit", "cases", "contacts", "registers", "removals"]
