from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import export_views, notification_views, views
from .accounts import PortalPasswordResetView
from .forms import LoginForm, PasswordChangeForm, SetPasswordForm

admin.site.site_header = _("Quản trị cổng NSC")
admin.site.site_title = _("Quản trị cổng NSC")

account_patterns = [
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "doi-mat-khau/",
        auth_views.PasswordChangeView.as_view(form_class=PasswordChangeForm),
        name="password_change",
    ),
    path(
        "doi-mat-khau/xong/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("quen-mat-khau/", PortalPasswordResetView.as_view(), name="password_reset"),
    path(
        "quen-mat-khau/da-gui/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=SetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

notification_patterns = [
    path("", notification_views.notification_list, name="notification_list"),
    path("<int:pk>/mo/", notification_views.notification_open, name="notification_open"),
    path("<int:pk>/da-doc/", notification_views.notification_read, name="notification_read"),
    path("da-doc-tat-ca/", notification_views.notification_read_all, name="notification_read_all"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("tai-khoan/", include(account_patterns)),
    # Django's set_language, wrapped: a signed-in user's choice is also kept in their profile.
    path("i18n/setlang/", notification_views.set_language, name="set_language"),
    path("thong-bao/", include(notification_patterns)),
    path("doanh-nghiep/", include("enterprises.urls")),
    path("chung-nhan/", include("standards.urls")),
    path("danh-muc/", include("standards.urls_catalogue")),
    path("chuong-trinh/", include("programs.urls")),
    path("bang-dieu-khien/", include("programs.urls_dashboard")),
    path("thong-ke/", include("programs.urls_public")),
    path("nhap-du-lieu/", include("imports.urls")),
    path("api/", include("laichau_nsc.api.urls")),
    # Export of any list page (laichau_nsc/listexport.py): CSV streamed, XLSX as a job.
    path("xuat/<slug:key>/", export_views.list_export, name="list_export"),
    path("xuat/viec/<uuid:pk>/", export_views.list_export_job, name="list_export_job"),
    path(
        "xuat/viec/<uuid:pk>/tai/", export_views.list_export_download, name="list_export_download"
    ),
    path("", include("standards.urls_public")),
    path("quan-tri/", admin.site.urls),
]

handler403 = "laichau_nsc.views.permission_denied"
