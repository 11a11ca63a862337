from django.urls import path

from danhgia.orgs import views

urlpatterns = [
    path("", views.tree, name="orgs-tree"),
    path("<int:unit_id>/", views.unit_detail, name="orgs-unit"),
    path("<int:unit_id>/truc-thuoc/", views.children, name="orgs-children"),
    path("chi-bo-chua-co-bi-thu/", views.missing_heads, name="orgs-missing-heads"),
    path("<int:unit_id>/them/", views.unit_add, name="orgs-add"),
    path("<int:unit_id>/sua/", views.unit_edit, name="orgs-edit"),
    path("<int:unit_id>/chuyen/", views.unit_move, name="orgs-move"),
    path("<int:unit_id>/giai-the/", views.unit_dissolve, name="orgs-dissolve"),
    path("<int:unit_id>/chuc-vu/them/", views.post_add, name="orgs-post-add"),
    path("<int:unit_id>/chuc-vu/<int:post_id>/thoi/", views.post_end_view, name="orgs-post-end"),
]
