from django.urls import path

from danhgia.reports import views

urlpatterns = [path("", views.home, name="home")]
