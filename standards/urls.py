from django.urls import path

from .views import adoptions, certificates

app_name = "standards"

Decision = certificates.CertificateDecisionView
AdoptionDecision = adoptions.AdoptionDecisionView

urlpatterns = [
    # Certificates
    path("chung-chi/", certificates.CertificateListView.as_view(), name="certificate_list"),
    path(
        "doanh-nghiep/<int:enterprise_pk>/chung-chi/them/",
        certificates.CertificateCreateView.as_view(),
        name="certificate_create",
    ),
    path(
        "chung-chi/<int:pk>/",
        certificates.CertificateDetailView.as_view(),
        name="certificate_detail",
    ),
    path(
        "chung-chi/<int:pk>/sua/",
        certificates.CertificateUpdateView.as_view(),
        name="certificate_update",
    ),
    path(
        "chung-chi/<int:pk>/su-kien/",
        certificates.CertificateEventCreateView.as_view(),
        name="certificate_event_create",
    ),
    path(
        "chung-chi/<int:pk>/ban-chup/",
        certificates.CertificateScanUploadView.as_view(),
        name="certificate_scan_upload",
    ),
    path(
        "chung-chi/<int:pk>/ban-chup/tai-ve/",
        certificates.CertificateScanDownloadView.as_view(),
        name="certificate_scan_download",
    ),
    path(
        "chung-chi/<int:pk>/xac-minh/",
        Decision.as_view(decision="verify"),
        name="certificate_verify",
    ),
    path(
        "chung-chi/<int:pk>/tra-lai/",
        Decision.as_view(decision="return"),
        name="certificate_return",
    ),
    path(
        "chung-chi/<int:pk>/luu-tru/",
        Decision.as_view(decision="archive"),
        name="certificate_archive",
    ),
    path(
        "chung-chi/<int:pk>/khoi-phuc/",
        Decision.as_view(decision="restore"),
        name="certificate_restore",
    ),
    path(
        "chung-chi/xuat/",
        certificates.CertificateExportCreateView.as_view(),
        name="certificate_export_create",
    ),
    path(
        "chung-chi/xuat/<uuid:pk>/",
        certificates.CertificateExportDetailView.as_view(),
        name="certificate_export_detail",
    ),
    path(
        "chung-chi/xuat/<uuid:pk>/tai-ve/",
        certificates.CertificateExportDownloadView.as_view(),
        name="certificate_export_download",
    ),
    # Adoptions
    path("ap-dung/", adoptions.AdoptionListView.as_view(), name="adoption_list"),
    path(
        "doanh-nghiep/<int:enterprise_pk>/ap-dung/them/",
        adoptions.AdoptionCreateView.as_view(),
        name="adoption_create",
    ),
    path("ap-dung/<int:pk>/", adoptions.AdoptionDetailView.as_view(), name="adoption_detail"),
    path("ap-dung/<int:pk>/sua/", adoptions.AdoptionUpdateView.as_view(), name="adoption_update"),
    path(
        "ap-dung/<int:pk>/xac-minh/",
        AdoptionDecision.as_view(decision="verify"),
        name="adoption_verify",
    ),
    path(
        "ap-dung/<int:pk>/tra-lai/",
        AdoptionDecision.as_view(decision="return"),
        name="adoption_return",
    ),
    path(
        "ap-dung/<int:pk>/luu-tru/",
        AdoptionDecision.as_view(decision="archive"),
        name="adoption_archive",
    ),
    path(
        "ap-dung/<int:pk>/khoi-phuc/",
        AdoptionDecision.as_view(decision="restore"),
        name="adoption_restore",
    ),
]
