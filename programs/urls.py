"""Pages of the programme (mounted at /chuong-trinh/). Each part keeps its patterns in its own
block."""

from django.urls import path

from .views import plans, training

app_name = "programs"

# --- Training: courses, sessions, enrolment, attendance, trainees, certificates, exports --------
training_patterns = [
    path("khoa-hoc/", training.CourseListView.as_view(), name="course_list"),
    path("khoa-hoc/them/", training.CourseCreateView.as_view(), name="course_create"),
    path("khoa-hoc/<int:pk>/", training.CourseDetailView.as_view(), name="course_detail"),
    path("khoa-hoc/<int:pk>/sua/", training.CourseUpdateView.as_view(), name="course_update"),
    path(
        "khoa-hoc/<int:pk>/buoi-hoc/",
        training.CourseSessionsView.as_view(),
        name="course_sessions",
    ),
    path("khoa-hoc/<int:pk>/luu-tru/", training.CourseArchiveView.as_view(), name="course_archive"),
    path(
        "khoa-hoc/<int:pk>/khoi-phuc/",
        training.CourseRestoreView.as_view(),
        name="course_restore",
    ),
    path(
        "khoa-hoc/<int:pk>/dang-ky/",
        training.EnrollmentCreateView.as_view(),
        name="enrollment_create",
    ),
    path("khoa-hoc/<int:pk>/diem-danh/", training.AttendanceView.as_view(), name="attendance"),
    path("hoc-vien/", training.EnrollmentListView.as_view(), name="enrollment_list"),
    path("hoc-vien/<int:pk>/", training.EnrollmentDetailView.as_view(), name="enrollment_detail"),
    path(
        "hoc-vien/<int:pk>/sua/",
        training.EnrollmentUpdateView.as_view(),
        name="enrollment_update",
    ),
    path(
        "hoc-vien/<int:pk>/rut-ten/",
        training.EnrollmentWithdrawView.as_view(),
        name="enrollment_withdraw",
    ),
    path(
        "hoc-vien/<int:pk>/ket-qua/",
        training.EnrollmentResultView.as_view(),
        name="enrollment_result",
    ),
    path(
        "hoc-vien/<int:pk>/giay-chung-nhan/",
        training.EnrollmentCertificateView.as_view(),
        name="enrollment_certificate",
    ),
    path(
        "hoc-vien/xuat/",
        training.EnrollmentExportCreateView.as_view(),
        name="enrollment_export_create",
    ),
    path(
        "hoc-vien/xuat/<uuid:pk>/",
        training.EnrollmentExportDetailView.as_view(),
        name="enrollment_export_detail",
    ),
    path(
        "hoc-vien/xuat/<uuid:pk>/tai-ve/",
        training.EnrollmentExportDownloadView.as_view(),
        name="enrollment_export_download",
    ),
]

# --- Indicators, plans and targets ----------------------------------------------------------------
plan_patterns = [
    path("chi-tieu/", plans.IndicatorOverviewView.as_view(), name="indicator_overview"),
    path(
        "chi-tieu/<int:year>/nhap-tay/",
        plans.EnteredValuesView.as_view(),
        name="entered_values",
    ),
    path("ke-hoach/", plans.PlanListView.as_view(), name="plan_list"),
    path("ke-hoach/them/", plans.PlanCreateView.as_view(), name="plan_create"),
    path("ke-hoach/<int:year>/", plans.PlanDetailView.as_view(), name="plan_detail"),
    path("ke-hoach/<int:year>/sua/", plans.PlanUpdateView.as_view(), name="plan_update"),
    path("ke-hoach/<int:year>/tep/", plans.PlanFileView.as_view(), name="plan_file"),
    path("ke-hoach/<int:year>/chi-tieu/", plans.PlanTargetsView.as_view(), name="plan_targets"),
    path(
        "giai-doan/<int:first>-<int:last>/",
        plans.PeriodDetailView.as_view(),
        name="period_detail",
    ),
    path(
        "giai-doan/<int:first>-<int:last>/chi-tieu/",
        plans.PeriodTargetsView.as_view(),
        name="period_targets",
    ),
]

urlpatterns = [
    *training_patterns,
    *plan_patterns,
]
