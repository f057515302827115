from django.urls import path

from members import views

app_name = "members"

# The data download and erasure pages span every app: peersupport/urls.py adds them under the same names.

urlpatterns = [
    path("", views.profile, name="profile"),
]
