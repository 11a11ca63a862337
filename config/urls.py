from django.contrib import admin
from django.urls import include, path, re_path

from danhgia.api.api import api, not_found

urlpatterns = [
    path("quan-tri/", admin.site.urls),
    path("", include("danhgia.accounts.urls")),
    path("", include("danhgia.reports.urls")),
    path("to-chuc/", include("danhgia.orgs.urls")),
    path("ca-nhan/", include("danhgia.people.urls")),
    path("ky-danh-gia/", include("danhgia.periods.urls")),
    path("nhat-ky/", include("danhgia.audit.urls")),
    path("nhap-du-lieu/", include("danhgia.imports.urls")),
    path("", include("danhgia.reviews.urls")),
    path("", include("danhgia.documents.urls")),
    path("tai-khoan/", include("danhgia.api.urls")),
    path("api/v1/", api.urls),
    # Every other address under the API answers in JSON too.
    re_path(r"^api/(?P<rest>.*)$", not_found),
    # Django's set_language view: the Tiếng Việt / English switch in the top bar posts here.
    path("i18n/", include("django.conf.urls.i18n")),
]

# Bad requests (DisallowedHost...) can come before the user is known: the page renders without the request.
handler400 = "danhgia.lib.error_views.bad_request"
