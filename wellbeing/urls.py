from django.urls import path

from wellbeing import views

app_name = "wellbeing"

urlpatterns = [
    path("help/", views.help_page, name="help"),
    path("safety-plan/", views.safety_plan, name="safety_plan"),
    path("safety-plan/print/", views.safety_plan_print, name="safety_plan_print"),
    path("safety-plan/delete/", views.safety_plan_delete, name="safety_plan_delete"),
    path("groups/<slug:slug>/safety-plans/", views.group_safety_plans, name="group_safety_plans"),
    path("groups/<slug:slug>/safety-plans/<int:member_id>/", views.shared_safety_plan, name="shared_safety_plan"),
    path("sessions/<int:session_id>/debriefs/", views.session_debriefs, name="session_debriefs"),
]
