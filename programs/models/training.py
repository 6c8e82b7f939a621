"""Training courses the programme runs, who enrolled, who attended which session, who completed.

A trainee is a person, often of an enterprise; ``person_key`` (name and phone, folded) is what
"the same person" means, so nobody is enrolled twice in a course however the name is typed.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from enterprises.choices import ExportFormat
from laichau_nsc.models import OPEN_STATES, CodeField, JobModel, NormalizedTextMixin
from laichau_nsc.querysets import ScopedQuerySet
from laichau_nsc.text import fold

from ..choices import CourseTopic, EnrollmentState, FundingSource


class TrainingCourseQuerySet(ScopedQuerySet):
    """Courses are announced to everyone signed in (enterprises enrol their staff); officers
    change them."""

    def for_user(self, user, action="view"):
        if action == "view" and user.is_authenticated:
            return self.all()
        return super().for_user(user, action)

    def active(self) -> "TrainingCourseQuerySet":
        return self.filter(is_archived=False)


class TrainingCourse(NormalizedTextMixin, models.Model):
    """A training course (lớp tập huấn, đào tạo): topic, dates, place, organiser, trainers,
    capacity, and what it cost with its source."""

    title = models.CharField(_("tên khóa"), max_length=300)
    topic = models.CharField(_("chủ đề"), max_length=30, choices=CourseTopic.choices)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    place = models.CharField(_("địa điểm"), max_length=300)
    admin_unit = models.ForeignKey(
        "enterprises.AdministrativeUnit",
        verbose_name=_("đơn vị hành chính"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organiser = models.CharField(_("đơn vị tổ chức"), max_length=300)
    trainers = models.TextField(_("giảng viên"), blank=True)
    capacity = models.PositiveIntegerField(_("số chỗ"), null=True, blank=True)
    cost = models.PositiveBigIntegerField(_("kinh phí (đồng)"), null=True, blank=True)
    cost_source = models.CharField(
        _("nguồn kinh phí"), max_length=20, choices=FundingSource.choices, blank=True
    )
    enrolment_open = models.BooleanField(_("đang nhận đăng ký"), default=True)
    description = models.TextField(_("nội dung"), blank=True)
    is_archived = models.BooleanField(_("đã lưu trữ"), default=False)
    version = models.PositiveIntegerField(editable=False, default=1)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    #: Title, place and organiser folded (``build_search_text``): the list search matches it
    #: in the database (trigram index on PostgreSQL).
    search_text = models.TextField(editable=False, default="")

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = TrainingCourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("khóa đào tạo, tập huấn")
        verbose_name_plural = _("khóa đào tạo, tập huấn")
        ordering = ["-starts_on", "pk"]
        indexes = [models.Index(fields=["starts_on"], name="course_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="course_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0), name="course_capacity_pos"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.search_text = self.build_search_text(self.title, self.place, self.organiser)
        update_fields = kwargs.get("update_fields")
        if update_fields and "search_text" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_text"]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("programs:course_detail", args=[self.pk])

    @staticmethod
    def build_search_text(title: str, place: str, organiser: str) -> str:
        """The folded text the course search matches; bulk loaders call this too."""
        return fold(" ".join(p for p in (title, place, organiser) if p))


class CourseSession(NormalizedTextMixin, models.Model):
    """One day (or half-day) of a course; attendance is recorded per session."""

    course = models.ForeignKey(TrainingCourse, on_delete=models.CASCADE, related_name="sessions")
    day = models.DateField(_("ngày"))
    title = models.CharField(_("nội dung buổi học"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("buổi học")
        verbose_name_plural = _("buổi học")
        ordering = ["course", "day", "pk"]

    def __str__(self) -> str:
        return f"{self.course} – {self.day:%d/%m/%Y}"


class EnrollmentQuerySet(ScopedQuerySet):
    enterprise_field = "enterprise_id"
    # Enterprise users enrol their own staff (the services decide what they may change).
    enterprise_may_change = True

    def active(self) -> "EnrollmentQuerySet":
        return self.exclude(state=EnrollmentState.WITHDRAWN)


class Enrollment(NormalizedTextMixin, models.Model):
    """A person enrolled in a course, usually for an enterprise."""

    course = models.ForeignKey(
        TrainingCourse,
        verbose_name=_("khóa học"),
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("doanh nghiệp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    full_name = models.CharField(_("họ và tên"), max_length=150)
    position = models.CharField(_("chức vụ"), max_length=100, blank=True)
    phone = CodeField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    #: The same person: folded name and the phone's digits (set by the services).
    person_key = models.CharField(max_length=200, editable=False)
    state = models.CharField(
        _("tình trạng"),
        max_length=20,
        choices=EnrollmentState.choices,
        default=EnrollmentState.ENROLLED,
    )
    completion_number = CodeField(_("số chứng nhận hoàn thành"), max_length=50, blank=True)
    completed_on = models.DateField(_("hoàn thành ngày"), null=True, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("đăng ký lúc"), auto_now_add=True)
    version = models.PositiveIntegerField(editable=False, default=1)

    history = HistoricalRecords()
    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("học viên")
        verbose_name_plural = _("học viên")
        ordering = ["course", "full_name", "pk"]
        indexes = [models.Index(fields=["enterprise", "course"], name="enrollment_enterprise_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "person_key"],
                condition=~Q(state="withdrawn"),
                name="enrollment_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["course", "completion_number"],
                condition=~Q(completion_number=""),
                name="enrollment_completion_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} – {self.course}"

    def get_absolute_url(self) -> str:
        return reverse("programs:enrollment_detail", args=[self.pk])


class Attendance(models.Model):
    """Whether an enrolled person attended a session."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="attendances")
    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="attendances")
    present = models.BooleanField(_("có mặt"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("ghi lúc"), auto_now=True)

    class Meta:
        verbose_name = _("điểm danh")
        verbose_name_plural = _("điểm danh")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "session"], name="attendance_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrollment} – {self.session.day:%d/%m/%Y}"


class EnrollmentExportJobQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view") -> "EnrollmentExportJobQuerySet":
        """An export belongs to the user who asked for it, and to nobody else."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


def enrollment_export_folder(job: "EnrollmentExportJob") -> str:
    return f"exports/training/{job.created_at:%Y/%m}/{job.pk}"


def enrollment_export_upload_to(job: "EnrollmentExportJob", filename: str) -> str:
    # One folder per try: a run that lost its lease never overwrites the file that is kept.
    return f"{enrollment_export_folder(job)}/{job.attempts}/{filename}"


class EnrollmentExportJob(JobModel):
    """An export of the trainee list (XLSX or CSV) built by the job runner. ``params`` is the
    list's query; the rows are those the asking user may see (an enterprise user: its own)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollment_exports"
    )
    format = models.CharField(_("định dạng"), max_length=5, choices=ExportFormat.choices)
    params = models.JSONField(_("điều kiện lọc"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("số dòng"), null=True, blank=True)
    file = models.FileField(
        _("tệp"), upload_to=enrollment_export_upload_to, blank=True, max_length=200
    )

    handler = "programs.services_training.enrollment_export_build"
    dedupe_while_open = True
    pending_notice = _(
        "Đã lưu yêu cầu xuất dữ liệu. Hệ thống xử lý nền đang tạm gián đoạn; tệp sẽ được tạo "
        "tự động khi hệ thống hoạt động trở lại."
    )

    objects = EnrollmentExportJobQuerySet.as_manager()

    class Meta(JobModel.Meta):
        verbose_name = _("tệp xuất danh sách học viên")
        verbose_name_plural = _("tệp xuất danh sách học viên")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["state", "run_after"],
                condition=Q(state__in=OPEN_STATES),
                name="enrollment_export_open",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(state__in=["queued", "running"]) & ~Q(dedupe_key=""),
                name="enrollment_export_one_open_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} {self.created_at:%d/%m/%Y %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("programs:enrollment_export_detail", args=[self.pk])

    def get_download_url(self) -> str:
        return reverse("programs:enrollment_export_download", args=[self.pk])

    def discard(self, result: dict) -> None:
        if result.get("file"):
            self.file.storage.delete(result["file"])

    def on_done(self, result: dict) -> None:
        """Remove what earlier tries (whose workers died) left in the job's folder."""
        storage, keep = self.file.storage, result.get("file")
        top = enrollment_export_folder(self)
        if not storage.exists(top):
            return
        for attempt in storage.listdir(top)[0]:
            for name in storage.listdir(f"{top}/{attempt}")[1]:
                path = f"{top}/{attempt}/{name}"
                if path != keep:
                    storage.delete(path)
