from django.urls import path

from wellbeing import views
from wellbeing.checkin import views as check_in_views

app_name = "wellbeing"

urlpatterns = [
    path("help/", views.help_page, name="help"),
    path("safety-plan/", views.safety_plan, name="safety_plan"),
    path("safety-plan/print/", views.safety_plan_print, name="safety_plan_print"),
    path("safety-plan/delete/", views.safety_plan_delete, name="safety_plan_delete"),
    path("groups/<slug:slug>/safety-plans/", views.group_safety_plans, name="group_safety_plans"),
    path("groups/<slug:slug>/safety-plans/<int:member_id>/", views.shared_safety_plan, name="shared_safety_plan"),
    path("sessions/<int:session_id>/debriefs/", views.session_debriefs, name="session_debriefs"),
    # The monthly ONS4 check-in a group may choose (wellbeing/checkin/).
    path("sessions/<int:session_id>/check-in/", check_in_views.check_in, name="check_in"),
    path("my-check-ins/", check_in_views.my_check_ins, name="my_check_ins"),
    path("my-check-ins/chart.svg", check_in_views.my_check_ins_chart, name="my_check_ins_chart"),
    path("groups/<slug:slug>/check-in/", check_in_views.group_check_in, name="group_check_in"),
]
