from django.urls import path

from danhgia.orgs import views

urlpatterns = [
    path("", views.tree, name="orgs-tree"),
    path("<int:unit_id>/", views.unit_detail, name="orgs-unit"),
    path("<int:unit_id>/truc-thuoc/", views.children, name="orgs-children"),
    path("chi-bo-chua-co-bi-thu/", views.missing_heads, name="orgs-missing-heads"),
]
