from django.urls import path

from danhgia.imports import views

urlpatterns = [
    path("", views.imports, name="imports-list"),
    path("<int:import_id>/", views.detail, name="imports-detail"),
    path("<int:import_id>/nhap/", views.confirm, name="imports-confirm"),
    path("<int:import_id>/huy/", views.discard, name="imports-discard"),
    path("mau.xlsx", views.blank_template, name="imports-template"),
    path("xuat/<int:unit_id>.xlsx", views.export, name="imports-export"),
]
