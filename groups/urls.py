from django.urls import path

from groups import views

app_name = "groups"

# Fixed paths come before "<slug>/": models.RESERVED_SLUGS keeps a group from taking their names. peersupport/urls.py
# adds, under these names, the pages that also show sessions and follow-ups (mine/, <slug>/, <slug>/members/).
urlpatterns = [
    path("", views.directory, name="directory"),
    path("invite/<str:token>/", views.invitation, name="invitation"),
    path("<slug:slug>/ask/", views.ask_to_join, name="ask"),
    path("<slug:slug>/agree/", views.agree, name="agree"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
    path("<slug:slug>/guidelines/edit/", views.edit_guidelines, name="edit_guidelines"),
    path("<slug:slug>/settings/", views.room_settings, name="room_settings"),
    path("<slug:slug>/members/<int:membership_id>/approve/", views.approve, name="approve"),
    path("<slug:slug>/members/<int:membership_id>/decline/", views.decline, name="decline"),
    path("<slug:slug>/members/<int:membership_id>/make-leader/", views.make_leader, name="make_leader"),
    path("<slug:slug>/members/<int:membership_id>/step-down/", views.step_down, name="step_down"),
    path("<slug:slug>/invitations/", views.create_invitation, name="create_invitation"),
    path("<slug:slug>/invitations/<int:invitation_id>/revoke/", views.revoke_invitation, name="revoke_invitation"),
]
