from django.urls import path

from danhgia.people import views

urlpatterns = [
    path("tim-kiem/", views.search, name="people-search"),
    path("<int:person_id>/", views.person_detail, name="people-person"),
    path("<int:person_id>/chuyen-sinh-hoat/", views.transfer, name="people-transfer"),
    path("<int:person_id>/trang-thai/", views.change_status, name="people-status"),
]
