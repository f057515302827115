from django.urls import path

from groups import views

app_name = "groups"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("mine/", views.my_groups, name="mine"),
    path("<slug:slug>/", views.detail, name="detail"),
]
