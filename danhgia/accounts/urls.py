from django.urls import path

from danhgia.accounts import views

urlpatterns = [
    path("dang-nhap/", views.login_view, name="accounts-login"),
    path("dang-xuat/", views.logout_view, name="accounts-logout"),
]
