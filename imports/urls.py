from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.ImportIndexView.as_view(), name="index"),
    path("mau/<slug:kind>.xlsx", views.TemplateDownloadView.as_view(), name="template"),
    path("tai-len/<slug:kind>/", views.ImportUploadView.as_view(), name="upload"),
    path("lan-nhap/<uuid:pk>/", views.ImportJobDetailView.as_view(), name="job_detail"),
    path("lan-nhap/<uuid:pk>/xac-nhan/", views.ImportConfirmView.as_view(), name="job_confirm"),
]
