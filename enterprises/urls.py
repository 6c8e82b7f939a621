from django.urls import path

from . import views

app_name = "enterprises"

urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("them/", views.EnterpriseCreateView.as_view(), name="enterprise_create"),
    path("cua-toi/", views.MyEnterpriseView.as_view(), name="my_enterprise"),
    path("<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("<int:pk>/sua/", views.EnterpriseUpdateView.as_view(), name="enterprise_update"),
    path(
        "<int:pk>/lien-he/",
        views.EnterpriseContactUpdateView.as_view(),
        name="enterprise_contact_update",
    ),
    path("<int:pk>/luu-tru/", views.EnterpriseArchiveView.as_view(), name="enterprise_archive"),
    path("<int:pk>/khoi-phuc/", views.EnterpriseRestoreView.as_view(), name="enterprise_restore"),
    path("xuat/", views.ExportCreateView.as_view(), name="export_create"),
    path("xuat/<uuid:pk>/", views.ExportDetailView.as_view(), name="export_detail"),
    path("xuat/<uuid:pk>/tai-ve/", views.ExportDownloadView.as_view(), name="export_download"),
    path("dang-ky-tai-khoan/", views.AccountRequestView.as_view(), name="account_request"),
    path(
        "dang-ky-tai-khoan/da-gui/",
        views.AccountRequestDoneView.as_view(),
        name="account_request_done",
    ),
    path("tai-khoan/", views.MembershipListView.as_view(), name="membership_list"),
    path(
        "tai-khoan/<int:pk>/duyet/",
        views.MembershipDecisionView.as_view(decision="approve"),
        name="membership_approve",
    ),
    path(
        "tai-khoan/<int:pk>/tu-choi/",
        views.MembershipDecisionView.as_view(decision="refuse"),
        name="membership_refuse",
    ),
    path(
        "tai-khoan/<int:pk>/thu-hoi/",
        views.MembershipDecisionView.as_view(decision="revoke"),
        name="membership_revoke",
    ),
]
