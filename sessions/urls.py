from django.urls import path

from sessions import call_views, views
from sessions.room import private_word_views
from sessions.room import views as room_views

app_name = "sessions"

urlpatterns = [
    # A group's sessions and the leaders' scheduling pages.
    path("group/<slug:slug>/", views.group_sessions, name="group"),
    path("group/<slug:slug>/new/", views.create, name="create"),
    path("group/<slug:slug>/series/", views.create_series, name="create_series"),
    path("group/<slug:slug>/members/<int:user_id>/", views.member_history, name="member_history"),
    # One session.
    path("<int:session_id>/", views.detail, name="detail"),
    path("<int:session_id>/join/", views.join, name="join"),
    path("<int:session_id>/go/<str:token>/", views.go, name="go"),
    path("<int:session_id>/edit/", views.edit, name="edit"),
    path("<int:session_id>/link/", views.meeting_link, name="meeting_link"),
    path("<int:session_id>/cancel/", views.cancel, name="cancel"),
    path("<int:session_id>/open/", views.open_session, name="open"),
    path("<int:session_id>/end/", views.end_session, name="end"),
    path("<int:session_id>/register/", views.register, name="register"),
    path("<int:session_id>/camera-off/", views.camera_off, name="camera_off"),
    path("<int:session_id>/camera-off/list/", views.camera_off_list, name="camera_off_list"),
    path("camera-off/<int:notice_id>/withdraw/", views.camera_off_withdraw, name="camera_off_withdraw"),
    # The member's calendar and the trustees' figures.
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("figures/", views.figures, name="figures"),
    # The live room and the leaders' dashboard (sessions/room/views.py).
    path("<int:session_id>/room/", room_views.room_page, name="room"),
    path("<int:session_id>/room/action/", room_views.room_action, name="room_action"),
    path("<int:session_id>/room/state.json", room_views.room_state, name="room_state"),
    path("<int:session_id>/room/left/", room_views.room_left, name="room_left"),
    path("<int:session_id>/dashboard/", room_views.dashboard, name="dashboard"),
    path("<int:session_id>/dashboard/action/", room_views.dashboard_action, name="dashboard_action"),
    path("<int:session_id>/dashboard/snapshot.json", room_views.dashboard_snapshot, name="dashboard_snapshot"),
    # The embedded video call (sessions/call_views.py): a credential at the moment of joining.
    path("<int:session_id>/room/call/", call_views.call_credential, name="call_credential"),
    # A word in private (sessions/room/private_word_views.py).
    path("<int:session_id>/room/call/private/", private_word_views.private_credential, name="private_credential"),
    path("<int:session_id>/room/private-words.json", private_word_views.private_words, name="private_words"),
]
