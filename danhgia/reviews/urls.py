from django.urls import path

from danhgia.reviews import opinion_views, stuck_views, views

urlpatterns = [
    path("danh-gia/<int:review_id>/", views.review_detail, name="reviews-detail"),
    path("danh-gia/<int:review_id>/tu-kiem-diem/", views.self_review, name="reviews-self"),
    path("danh-gia/<int:review_id>/tu-kiem-diem/luu/", views.self_review_autosave, name="reviews-autosave"),
    path("danh-gia/<int:review_id>/mo-lai/", views.reopen, name="reviews-reopen"),
    path("danh-gia/<int:review_id>/minh-chung/", views.evidence_add, name="reviews-evidence-add"),
    path("danh-gia/<int:review_id>/minh-chung/<int:evidence_id>/", views.evidence_file, name="reviews-evidence"),
    path(
        "danh-gia/<int:review_id>/minh-chung/<int:evidence_id>/go/",
        views.evidence_remove,
        name="reviews-evidence-remove",
    ),
    path("danh-gia/<int:review_id>/du-kien/", views.facts, name="reviews-facts"),
    path(
        "danh-gia/<int:review_id>/quyet-dinh/<int:decision_id>/ban-quet/",
        views.decision_file,
        name="reviews-decision-file",
    ),
    path("danh-gia/<int:review_id>/tham-dinh/", views.appraise, name="reviews-appraise"),
    path("danh-gia/<int:review_id>/han-che/", views.shortcoming_add, name="reviews-shortcoming-add"),
    path("danh-gia/<int:review_id>/khieu-nai/", views.complain, name="reviews-complain"),
    path(
        "danh-gia/<int:review_id>/quyet-dinh-khong-de-xuat/",
        stuck_views.decide_unproposed,
        name="reviews-decide-unproposed",
    ),
    path("danh-gia/<int:review_id>/khong-xep-loai/", stuck_views.exclude, name="reviews-exclude"),
    path("danh-gia/<int:review_id>/dua-tro-lai/", stuck_views.reinstate, name="reviews-reinstate"),
    path("danh-gia/<int:review_id>/de-nghi-quyet-dinh/", stuck_views.refer, name="reviews-refer"),
    path("han-che/<int:shortcoming_id>/", views.shortcoming_update, name="reviews-shortcoming"),
    path("khieu-nai/<int:complaint_id>/", views.complaint_detail, name="reviews-complaint"),
    path("thong-bao/", views.notifications, name="notifications"),
    path("danh-gia/<int:review_id>/y-kien/", opinion_views.review_opinions, name="opinions-review"),
    path("y-kien/nhom/<int:group_id>/", opinion_views.group_detail, name="opinions-group"),
    path("y-kien/phieu/<int:respondent_id>/", opinion_views.sheet, name="opinions-sheet"),
    path("y-kien/cua-toi/", opinion_views.my_sheets, name="opinions-mine"),
    # Public: reached by a single-use link without an account (accounts/middleware.py PUBLIC_PREFIXES).
    path("y-kien/lien-ket/<str:token>/", opinion_views.answer, name="opinions-answer"),
    path(
        "ky-danh-gia/<int:period_id>/y-kien/don-vi/<int:unit_id>/",
        opinion_views.unit_groups,
        name="opinions-unit",
    ),
    path("ky-danh-gia/<int:period_id>/kiem-diem/", views.period_reviews, name="reviews-period"),
    path("ky-danh-gia/<int:period_id>/kiem-diem/mo/", views.period_open, name="reviews-open"),
    path("ky-danh-gia/<int:period_id>/kiem-diem/thieu-sot/", views.omissions, name="reviews-omissions"),
    path("ky-danh-gia/<int:period_id>/kiem-diem/don-vi/<int:unit_id>/", views.unit_reviews, name="reviews-unit"),
    path("ky-danh-gia/<int:period_id>/kiem-diem/hop/<int:unit_id>/", views.meeting, name="reviews-meeting"),
    path("ky-danh-gia/<int:period_id>/kiem-diem/nhac/<int:unit_id>/", stuck_views.remind, name="reviews-remind"),
    path("ky-danh-gia/<int:period_id>/quyet-dinh/", views.decision_index, name="reviews-decisions"),
    path("ky-danh-gia/<int:period_id>/quyet-dinh/nhom/<int:group_id>/", views.decision_page, name="reviews-decide"),
    path("ky-danh-gia/<int:period_id>/khieu-nai/", views.complaint_list, name="reviews-complaints"),
    path("ky-danh-gia/<int:period_id>/bang-tieu-chi/", views.criteria_tables, name="reviews-criteria"),
    path(
        "ky-danh-gia/<int:period_id>/bang-tieu-chi/<str:form_code>.json",
        views.criteria_download,
        name="reviews-criteria-download",
    ),
]
