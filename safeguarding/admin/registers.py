"""The registers whose admin lives beside their models: data-rights requests and breaches
(safeguarding/datarights_admin.py) and leaders' suitability checks (safeguarding/suitability_admin.py),
behind the trustee check.
"""

from django.contrib import admin

from safeguarding import datarights_admin, suitability_admin
from safeguarding.admin.access import TrusteeOnlyMixin
from safeguarding.models import Breach, DataRightsRequest, SuitabilityCheck


@admin.register(DataRightsRequest)
class DataRightsRequestAdmin(TrusteeOnlyMixin, datarights_admin.DataRightsRequestAdminBase):
    pass


@admin.register(Breach)
class BreachAdmin(TrusteeOnlyMixin, datarights_admin.BreachAdminBase):
    pass


@admin.register(SuitabilityCheck)
class SuitabilityCheckAdmin(TrusteeOnlyMixin, suitability_admin.SuitabilityCheckAdminBase):
    pass
