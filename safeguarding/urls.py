from django.urls import path

from safeguarding import datarights_views, views

app_name = "safeguarding"

# The funder figures (sessions and concerns together) are added by peersupport/urls.py, under these names.

urlpatterns = [
    path("contact-details/", views.my_contact_details, name="my_contact_details"),
    path("contact-details/withdraw/", views.withdraw_contact_details, name="withdraw_contact_details"),
    path("concerns/", views.my_concerns, name="my_concerns"),
    path("concerns/new/", views.concern_start, name="concern_start"),
    path("concerns/<int:pk>/", views.concern_detail, name="concern_detail"),
    path("concerns/<int:pk>/status/", views.concern_set_status, name="concern_set_status"),
    path("concerns/<int:pk>/escalate/", views.concern_escalate, name="concern_escalate"),
    path("groups/<slug:slug>/", views.group_safeguarding, name="group_safeguarding"),
    path("groups/<slug:slug>/concerns/", views.group_concerns, name="group_concerns"),
    path("groups/<slug:slug>/concerns/new/", views.raise_concern, name="raise_concern"),
    path("groups/<slug:slug>/members/<int:member_id>/welfare-reveal/", views.welfare_reveal, name="welfare_reveal"),
    path("groups/<slug:slug>/members/<int:member_id>/remove/", views.remove_member, name="remove_member"),
    path("removals/<int:pk>/reinstate/", views.reinstate, name="reinstate"),
    path("data-protection/complaint/", datarights_views.data_complaint, name="data_complaint"),
]
