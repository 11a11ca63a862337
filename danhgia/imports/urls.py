from django.urls import path

from danhgia.imports import views

urlpatterns = [
    path("", views.imports, name="imports-list"),
    path("<int:import_id>/", views.detail, name="imports-detail"),
    path("<int:import_id>/nhap/", views.confirm, name="imports-confirm"),
    path("<int:import_id>/huy/", views.discard, name="imports-discard"),
]
