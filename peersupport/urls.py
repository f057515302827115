from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from peersupport import views

admin.site.site_header = "Peer Support — trustees"
admin.site.site_title = "Peer Support trustees"
admin.site.index_title = "Safeguarding and groups"
# The admin's own login form would skip allauth's rate limits and the second factor: sign in through allauth.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("safeguarding-policy/", views.safeguarding_policy, name="safeguarding_policy"),
    path("healthz/", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("members.urls")),
    path("groups/", include("groups.urls")),
    path("sessions/", include("sessions.urls")),
    path("safeguarding/", include("safeguarding.urls")),
    path("care/", include("care.urls")),
    path("wellbeing/", include("wellbeing.urls")),
    path("admin/", admin.site.urls),
]
