"""The catalogue: standards and certification bodies (namespace ``catalogue``)."""

from django.urls import path

from . import views_catalogue as views

app_name = "catalogue"

urlpatterns = [
    path("tieu-chuan/", views.StandardListView.as_view(), name="standard_list"),
    path("tieu-chuan/them/", views.StandardCreateView.as_view(), name="standard_create"),
    path("tieu-chuan/<int:pk>/", views.StandardDetailView.as_view(), name="standard_detail"),
    path("tieu-chuan/<int:pk>/sua/", views.StandardUpdateView.as_view(), name="standard_update"),
    path(
        "tieu-chuan/<int:pk>/ngung-dung/",
        views.StandardDeactivateView.as_view(),
        name="standard_deactivate",
    ),
    path(
        "tieu-chuan/<int:pk>/dung-lai/",
        views.StandardActivateView.as_view(),
        name="standard_activate",
    ),
    path("to-chuc-chung-nhan/", views.CertificationBodyListView.as_view(), name="body_list"),
    path(
        "to-chuc-chung-nhan/them/",
        views.CertificationBodyCreateView.as_view(),
        name="body_create",
    ),
    path(
        "to-chuc-chung-nhan/<int:pk>/",
        views.CertificationBodyDetailView.as_view(),
        name="body_detail",
    ),
    path(
        "to-chuc-chung-nhan/<int:pk>/sua/",
        views.CertificationBodyUpdateView.as_view(),
        name="body_update",
    ),
    path(
        "to-chuc-chung-nhan/<int:pk>/ngung-dung/",
        views.CertificationBodyDeactivateView.as_view(),
        name="body_deactivate",
    ),
    path(
        "to-chuc-chung-nhan/<int:pk>/dung-lai/",
        views.CertificationBodyActivateView.as_view(),
        name="body_activate",
    ),
]
