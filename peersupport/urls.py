from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from groups import urls as groups_urls
from members import urls as members_urls
from peersupport import figures_views, gdpr_views, group_pages, views
from safeguarding import urls as safeguarding_urls

admin.site.site_header = "Peer Support — trustees"
admin.site.site_title = "Peer Support trustees"
admin.site.index_title = "Safeguarding and groups"
# The admin's own login form would skip allauth's rate limits and the second factor: sign in through allauth.
admin.site.login = secure_admin_login(admin.site.login)

# The member's own pages under /me/: the profile (members/urls.py) and, from the top layer because they span every
# app, the data download and erasure (peersupport/gdpr.py), all under the "members" names.
member_pages = [
    *members_urls.urlpatterns,
    path("data/", gdpr_views.my_data, name="my_data"),
    path("data/download/", gdpr_views.download_my_data, name="download_my_data"),
    path("data/erase/", gdpr_views.erase_my_account, name="erase_my_account"),
]

# The funder figures count sessions and concerns together, so they live in the top layer (peersupport/figures.py),
# served under /safeguarding/ with the safeguarding names the trustees' links use.
safeguarding_pages = [
    *safeguarding_urls.urlpatterns,
    path("figures/", figures_views.funder_figures, name="funder_figures"),
    path("figures/chart.svg", figures_views.funder_figures_chart, name="funder_figures_chart"),
    path(
        "figures/follow-ups.svg", figures_views.funder_figures_follow_ups_chart, name="funder_figures_follow_ups_chart"
    ),
    path("figures/wellbeing.svg", figures_views.funder_figures_wellbeing_chart, name="funder_figures_wellbeing_chart"),
    path("figures/figures.csv", figures_views.funder_figures_csv, name="funder_figures_csv"),
]

# The group pages that also show sessions and follow-ups (peersupport/group_pages.py) join the others under the
# "groups" names; "mine/" stays ahead of "<slug>/" (a group cannot take a reserved slug).
group_pages_all = [
    path("mine/", group_pages.my_groups, name="mine"),
    path("<slug:slug>/", group_pages.detail, name="detail"),
    path("<slug:slug>/members/", group_pages.members, name="members"),
    *groups_urls.urlpatterns,
]

urlpatterns = [
    path("", views.home, name="home"),
    path("safeguarding-policy/", views.safeguarding_policy, name="safeguarding_policy"),
    path("healthz/", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("me/", include((member_pages, members_urls.app_name))),
    path("groups/", include((group_pages_all, groups_urls.app_name))),
    path("sessions/", include("sessions.urls")),
    path("safeguarding/", include((safeguarding_pages, safeguarding_urls.app_name))),
    path("care/", include("care.urls")),
    path("wellbeing/", include("wellbeing.urls")),
    path("admin/", admin.site.urls),
]
