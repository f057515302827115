from django.urls import path

from care import conversation_views, views

app_name = "care"

urlpatterns = [
    path("groups/<slug:slug>/follow-ups/", views.group_follow_ups, name="group_follow_ups"),
    path("follow-ups/<int:pk>/claim/", views.claim, name="follow_up_claim"),
    path("follow-ups/<int:pk>/close/", views.close, name="follow_up_close"),
    path("follow-ups/<int:pk>/write/", conversation_views.follow_up_write, name="follow_up_write"),
    path("messages/", conversation_views.conversation_list, name="conversations"),
    path("messages/<int:pk>/", conversation_views.conversation, name="conversation"),
    path("groups/<slug:slug>/message-the-leaders/", conversation_views.message_leaders, name="message_leaders"),
    path("concerns/<int:pk>/write/", conversation_views.concern_write, name="concern_write"),
    path("room-alerts/<int:pk>/write/", conversation_views.alert_write, name="alert_write"),
]
