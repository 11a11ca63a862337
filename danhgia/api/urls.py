from django.urls import path

from danhgia.api import views

urlpatterns = [
    path("ma-api/", views.tokens, name="api-tokens"),
    path("ma-api/<int:token_id>/thu-hoi/", views.token_revoke, name="api-token-revoke"),
]
