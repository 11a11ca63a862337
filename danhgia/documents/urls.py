from django.urls import path, register_converter

from danhgia.documents import views


class Format:
    regex = "docx|pdf"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class ReviewDocument:
    regex = "ban-kiem-diem|thong-bao"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(Format, "fmt")
register_converter(ReviewDocument, "review_doc")

urlpatterns = [
    path(
        "van-ban/danh-gia/<int:review_id>/<review_doc:kind>.<fmt:fmt>", views.review_document, name="documents-review"
    ),
    path(
        "van-ban/ky/<int:period_id>/don-vi/<int:unit_id>/bien-ban.<fmt:fmt>",
        views.minutes_document,
        name="documents-minutes",
    ),
    path(
        "van-ban/ky/<int:period_id>/don-vi/<int:unit_id>/thong-bao/<int:authority_id>.<fmt:fmt>",
        views.notice_document,
        name="documents-notice",
    ),
    path("van-ban/ky/<int:period_id>/don-vi/<int:unit_id>/bo-van-ban/", views.batch, name="documents-batch"),
    path("van-ban/bo-van-ban/<int:job_id>/", views.job_status, name="documents-job"),
    path("van-ban/bo-van-ban/<int:job_id>/tai-ve/", views.job_file, name="documents-job-file"),
    path("van-ban/mau/<int:unit_id>/", views.templates, name="documents-templates"),
    path("van-ban/mau/<int:unit_id>/co-san/<str:code>.docx", views.bundled_template, name="documents-bundled"),
    path("van-ban/mau/tep/<int:template_id>/", views.template_file, name="documents-template-file"),
    path("van-ban/mau/tep/<int:template_id>/ngung/", views.template_withdraw, name="documents-template-withdraw"),
]
