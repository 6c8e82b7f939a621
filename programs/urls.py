"""Pages of the programme (mounted at /chuong-trinh/). Each part keeps its patterns in its own
block."""

from django.urls import path

from .views import plans, reports, support, training

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

# --- Support: the expert team, support activities by funding source, their exports -----------
support_patterns = [
    path("chuyen-gia/", support.ExpertListView.as_view(), name="expert_list"),
    path("chuyen-gia/them/", support.ExpertCreateView.as_view(), name="expert_create"),
    path("chuyen-gia/xuat/", support.ExpertExportCreateView.as_view(), name="expert_export_create"),
    path("chuyen-gia/<int:pk>/", support.ExpertDetailView.as_view(), name="expert_detail"),
    path("chuyen-gia/<int:pk>/sua/", support.ExpertUpdateView.as_view(), name="expert_update"),
    path(
        "chuyen-gia/<int:pk>/luu-tru/", support.ExpertArchiveView.as_view(), name="expert_archive"
    ),
    path(
        "chuyen-gia/<int:pk>/khoi-phuc/",
        support.ExpertRestoreView.as_view(),
        name="expert_restore",
    ),
    path("ho-tro/", support.SupportListView.as_view(), name="support_list"),
    path("ho-tro/them/", support.SupportCreateView.as_view(), name="support_create"),
    path("ho-tro/xuat/", support.SupportExportCreateView.as_view(), name="support_export_create"),
    path(
        "ho-tro/xuat/<uuid:pk>/",
        support.SupportExportDetailView.as_view(),
        name="support_export_detail",
    ),
    path(
        "ho-tro/xuat/<uuid:pk>/tai-ve/",
        support.SupportExportDownloadView.as_view(),
        name="support_export_download",
    ),
    path("ho-tro/<int:pk>/", support.SupportDetailView.as_view(), name="support_detail"),
    path("ho-tro/<int:pk>/sua/", support.SupportUpdateView.as_view(), name="support_update"),
    path("ho-tro/<int:pk>/luu-tru/", support.SupportArchiveView.as_view(), name="support_archive"),
    path(
        "ho-tro/<int:pk>/khoi-phuc/", support.SupportRestoreView.as_view(), name="support_restore"
    ),
    path(
        "ho-tro/<int:pk>/quyet-dinh/",
        support.SupportDecisionFileView.as_view(),
        name="support_decision_file",
    ),
]

# --- The yearly report: narrative, builds (job runner), files, approval of a year's figures ---
report_patterns = [
    path("bao-cao-nam/", reports.ReportIndexView.as_view(), name="report_index"),
    path("bao-cao-nam/<int:year>/", reports.ReportYearView.as_view(), name="report_year"),
    path(
        "bao-cao-nam/<int:year>/noi-dung/",
        reports.NarrativeEditView.as_view(),
        name="report_narrative",
    ),
    path("bao-cao-nam/<int:year>/tao/", reports.ReportRequestView.as_view(), name="report_request"),
    path(
        "bao-cao-nam/lan-tao/<int:pk>/", reports.ReportRunDetailView.as_view(), name="report_detail"
    ),
    path(
        "bao-cao-nam/lan-tao/<int:pk>/tai-ve/<str:kind>/",
        reports.ReportDownloadView.as_view(),
        name="report_download",
    ),
    path(
        "bao-cao-nam/<int:year>/phe-duyet/", reports.YearApproveView.as_view(), name="year_approve"
    ),
    path(
        "bao-cao-nam/<int:year>/de-nghi-mo-lai/",
        reports.YearReopenRequestView.as_view(),
        name="year_reopen_request",
    ),
    path("bao-cao-nam/<int:year>/mo-lai/", reports.YearReopenView.as_view(), name="year_reopen"),
    path(
        "bao-cao-nam/<int:year>/thay-doi/",
        reports.ApprovalChangesView.as_view(),
        name="approval_changes",
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
    *support_patterns,
    *report_patterns,
    *plan_patterns,
]
