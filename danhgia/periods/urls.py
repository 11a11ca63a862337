from django.urls import path

from danhgia.periods import views

urlpatterns = [
    path("", views.period_list, name="periods-list"),
    path("tao-moi/", views.period_create, name="periods-create"),
    path("<int:period_id>/", views.period_detail, name="periods-detail"),
    path("<int:period_id>/trang-thai/", views.period_status, name="periods-status"),
    path("<int:period_id>/buoc/<int:phase_id>/", views.phase_edit, name="periods-phase"),
    path("<int:period_id>/nhom/", views.group_list, name="periods-groups"),
    path("<int:period_id>/nhom/tao-moi/", views.group_create, name="periods-group-create"),
    path("<int:period_id>/nhom/<int:group_id>/", views.group_detail, name="periods-group"),
    path("<int:period_id>/nhom/<int:group_id>/lap-lai/", views.group_fill, name="periods-group-fill"),
    path("<int:period_id>/nhom/<int:group_id>/bo-sung/", views.group_add, name="periods-group-add"),
    path("<int:period_id>/nhom/<int:group_id>/loai/<int:entry_id>/", views.group_remove, name="periods-group-remove"),
    path("<int:period_id>/nhom/<int:group_id>/xoa/", views.group_delete, name="periods-group-delete"),
]
