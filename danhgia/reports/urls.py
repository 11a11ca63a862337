from django.urls import path

from danhgia.reports import views

urlpatterns = [
    path("", views.home, name="home"),
    path("bao-cao/", views.dashboard_view, name="reports-dashboard"),
    path("bao-cao/tong-hop/", views.synthesis_view, name="reports-synthesis"),
    path("bao-cao/tong-hop.xlsx", views.synthesis_export, {"ext": "xlsx"}, name="reports-synthesis-xlsx"),
    path("bao-cao/tong-hop.pdf", views.synthesis_export, {"ext": "pdf"}, name="reports-synthesis-pdf"),
    path("bao-cao/ty-le-htxs/", views.quotas_view, name="reports-quotas"),
    path("bao-cao/ty-le-htxs.xlsx", views.quotas_export, name="reports-quotas-xlsx"),
    path("bao-cao/ra-soat/", views.screening_view, name="reports-screening"),
    path("bao-cao/ra-soat.xlsx", views.screening_export, name="reports-screening-xlsx"),
    path("bao-cao/qua-trinh/<int:person_id>/", views.person_profile, name="reports-profile"),
]
