from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "danhgia.reviews"
    label = "reviews"
    verbose_name = "Kiểm điểm, đánh giá, xếp loại"
