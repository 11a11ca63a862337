from django.urls import path

from danhgia.audit import views

urlpatterns = [path("", views.event_list, name="audit-list")]
