"""Models and model building blocks the whole portal shares.

- ``NormalizedTextMixin`` makes ``full_clean()`` normalise every text field, so services, imports
  and the REST API store what the forms store; ``CodeField`` marks a text field that holds a code
  or number, which gets NFKC as well (full-width digits become ASCII).
- ``JobModel`` is the job runner's row (``laichau_nsc/jobs.py``); ``OutboundEmail`` (the e-mail
  outbox) and ``BackgroundJob`` (service functions run in the background) are its own jobs.
"""

import functools
import uuid
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from django.conf import settings
from django.db import DatabaseError, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .text import normalize_code, normalize_text


class CodeField(models.CharField):
    """A CharField holding a code or number (tax code, phone, GTIN): normalised with NFKC.

    In a ModelForm it becomes ``laichau_nsc.forms.CodeField``, which the forms normalise the
    same way.
    """

    def formfield(self, **kwargs):
        from .forms import CodeField as CodeFormField  # forms import the auth models

        return super().formfield(**{"form_class": CodeFormField, **kwargs})


def model_field_normalizer(field: models.Field) -> Callable[[str], str] | None:
    """How values of ``field`` are normalised: codes NFKC, TextField multi-line, None: as is."""
    if isinstance(field, CodeField):
        return normalize_code
    if isinstance(field, models.TextField):
        return lambda value: normalize_text(value, multiline=True)
    if isinstance(field, models.CharField):  # also EmailField, URLField, SlugField …
        return normalize_text
    return None


class NormalizedTextMixin:
    """Normalises every CharField and TextField value in ``clean_fields()``.

    Put it first among a model's bases: ``class Product(NormalizedTextMixin, models.Model)``.
    ``tests/test_normalisation.py`` fails for a model of ours with text fields that lacks it.
    """

    def clean_fields(self, exclude: Iterable[str] | None = None) -> None:
        skipped = set(exclude or ())
        for name, attname, normalizer in _normalized_fields(type(self)):
            value = getattr(self, attname)
            if name not in skipped and isinstance(value, str):
                setattr(self, attname, normalizer(value))
        super().clean_fields(exclude=exclude)


@functools.cache
def _normalized_fields(model: type[models.Model]) -> tuple[tuple[str, str, Callable], ...]:
    """(name, attname, normaliser) of each text field of ``model``: found once per model, not
    for every field of every record checked (an import checks thousands)."""
    return tuple(
        (field.name, field.attname, normalizer)
        for field in model._meta.concrete_fields
        if (normalizer := model_field_normalizer(field)) is not None
    )


class JobState(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Lỗi")


OPEN_STATES = (JobState.QUEUED, JobState.RUNNING)


class JobError(Exception):
    """A failure the user should read: its message (Vietnamese) is shown as the job's error."""


class LeaseLost(Exception):
    """Another worker took the job over; this run must stop and keep nothing."""


class JobModel(NormalizedTextMixin, models.Model):
    """State, lease and progress of one background job (an abstract base).

    A concrete model names its ``handler`` (a dotted path to a service function) and may set
    ``max_attempts``, ``retry_on`` (exceptions worth another try, with ``retry_delays``) and
    ``discard()`` (clean up a result that was not kept).
    """

    state = models.CharField(
        _("trạng thái"), max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    error = models.TextField(_("lỗi"), blank=True)
    #: Same key, same job: a double click or a second run of a nightly job finds the first.
    dedupe_key = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    run_after = models.DateTimeField(_("chạy từ"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("chuyển hàng đợi lúc"), null=True, blank=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    lease_owner = models.CharField(max_length=200, blank=True, editable=False)
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)

    handler: ClassVar[str] = ""
    #: True: a key is taken only while its job is open (queued or running); the model's unique
    #: constraint must say the same. False: once, for ever.
    dedupe_while_open: ClassVar[bool] = False
    max_attempts: ClassVar[int] = 3
    #: Transient errors: the job goes back to the queue after ``retry_delays[attempt - 1]`` s.
    retry_on: ClassVar[tuple[type[BaseException], ...]] = (DatabaseError,)
    retry_delays: ClassVar[tuple[int, ...]] = (30, 120, 600)
    #: What the user is told when the work is saved but could not be queued yet.
    pending_notice: ClassVar[str] = _(
        "Đã lưu yêu cầu. Hệ thống xử lý nền đang tạm gián đoạn; việc này sẽ được thực hiện "
        "tự động khi hệ thống hoạt động trở lại."
    )

    class Meta:
        abstract = True
        indexes = [
            # Small: only open jobs are in it, however many finished ones pile up.
            models.Index(
                fields=["state", "run_after"],
                condition=Q(state__in=OPEN_STATES),
                name="%(app_label)s_%(class)s_open",
            ),
        ]

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def waiting_for_queue(self) -> bool:
        """Saved, but the broker has not taken it yet (it was down)."""
        return self.state == JobState.QUEUED and self.dispatched_at is None

    def discard(self, result: dict[str, Any]) -> None:
        """Undo the side effects of a run whose result is not kept (a file it wrote)."""

    def on_done(self, result: dict[str, Any]) -> None:
        """After the job is marked done by this run: tidy what earlier runs left behind."""

    @classmethod
    def label(cls) -> str:
        return cls._meta.label


class OutboundEmail(JobModel):
    """One e-mail in the outbox (the transactional-outbox pattern).

    Written in the same transaction as the change it tells about, rendered then in the
    recipient's language, and sent by the job runner; while the mail server is away it is retried
    with growing pauses (about a day in all) instead of being lost.
    """

    template = models.CharField(_("mẫu thư"), max_length=200)
    to = models.JSONField(_("người nhận"), default=list)
    subject = models.CharField(_("tiêu đề"), max_length=300)
    body_text = models.TextField(_("nội dung"))
    body_html = models.TextField(_("nội dung HTML"), blank=True)

    handler = "laichau_nsc.mail.outbound_email_send"
    max_attempts = 8
    # smtplib.SMTPException and socket errors are OSErrors.
    retry_on = (OSError, DatabaseError)
    retry_delays = (60, 300, 900, 3600, 3 * 3600, 6 * 3600, 12 * 3600)
    pending_notice = _("Đã lưu; thư thông báo sẽ được gửi sau.")

    class Meta(JobModel.Meta):
        verbose_name = _("thư gửi đi")
        verbose_name_plural = _("thư gửi đi")
        ordering = ["-created_at"]
        constraints = [
            # An e-mail with a key is sent once, whatever state the first one is in.
            models.UniqueConstraint(
                fields=["dedupe_key"], condition=~Q(dedupe_key=""), name="outbound_email_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class BackgroundJob(JobModel):
    """A service function run by the job runner: nightly work (purging old files, reminders)
    and other work that has no record of its own. ``function`` is the dotted path of a function
    marked with ``@jobs.background``; ``params`` its keyword arguments."""

    function = models.CharField(_("chức năng"), max_length=200)
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    result = models.JSONField(_("kết quả"), default=dict, blank=True)

    handler = "laichau_nsc.jobs.run_background_function"

    class Meta(JobModel.Meta):
        verbose_name = _("việc chạy nền")
        verbose_name_plural = _("việc chạy nền")
        ordering = ["-created_at"]
        constraints = [
            # "purge exports, 30/11/2026" runs once, however often beat asks for it.
            models.UniqueConstraint(
                fields=["dedupe_key"], condition=~Q(dedupe_key=""), name="background_job_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.function} {self.created_at:%d/%m/%Y %H:%M}"


class UserProfile(NormalizedTextMixin, models.Model):
    """What the portal keeps about a user beyond Django's ``User``: the language their e-mails and
    notifications are written in (the language they last chose in the portal)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_profile"
    )
    language = models.CharField(
        _("ngôn ngữ"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("hồ sơ người dùng")
        verbose_name_plural = _("hồ sơ người dùng")

    def __str__(self) -> str:
        return f"{self.user} ({self.language})"


class Notification(NormalizedTextMixin, models.Model):
    """A message in a user's notification list (the bell), written in their language.

    ``dedupe_key`` makes a notification about one fact (a certificate's 30-day reminder, a
    declaration's acceptance) exist once per recipient however often it is raised.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("loại"), max_length=50)
    title = models.CharField(_("tiêu đề"), max_length=300)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("đường dẫn"), max_length=500, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(fields=["recipient", "created_at"], name="notification_list_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_once_per_recipient",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CalendarException(NormalizedTextMixin, models.Model):
    """A day the government announced as off (an extra day around Tết or 2 September) or as a
    working day in exchange (a Saturday "làm bù"): what ``laichau_nsc.workdays`` adds to the
    public holidays it knows from the ``holidays`` package."""

    day = models.DateField(_("ngày"), unique=True)
    is_working_day = models.BooleanField(
        _("là ngày làm việc"),
        default=False,
        help_text=_("Bỏ chọn: ngày nghỉ thêm. Chọn: ngày làm bù (đi làm dù là thứ Bảy)."),
    )
    reason = models.CharField(_("căn cứ"), max_length=300)

    class Meta:
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("ngày nghỉ, ngày làm bù")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} – {self.reason}"


class ApiTokenQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view") -> "ApiTokenQuerySet":
        """A token belongs to its user; nobody else lists or revokes it (the admin aside)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class ApiToken(NormalizedTextMixin, models.Model):
    """A key for the REST API, acting as its user with the user's roles and scope.

    Only a SHA-256 digest of the secret is stored: the key (``nsc_<prefix>_<secret>``) is shown
    once, when it is made (``manage.py api_token``), and a copy of the database cannot be used to
    call the API. The prefix finds the row; the digest is compared in constant time.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("tên"), max_length=100)
    prefix = models.CharField(_("tiền tố"), max_length=16, unique=True)
    key_digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class ListExportJob(JobModel):
    """An XLSX (or CSV) export of any list registered in ``laichau_nsc.listexport``: the list's
    key, its filters and the user whose scope it is built in. Lists that had no export of their
    own use this one job model instead of one model each."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="list_export_jobs"
    )
    list_key = models.CharField(_("danh sách"), max_length=60)
    format = models.CharField(_("định dạng"), max_length=5)
    params = models.JSONField(_("điều kiện lọc"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("số dòng"), null=True, blank=True)
    file = models.FileField(_("tệp"), upload_to="list-exports/%Y/%m/", blank=True, max_length=200)

    handler = "laichau_nsc.listexport.export_job_build"
    dedupe_while_open = True
    pending_notice = _(
        "Đã lưu yêu cầu xuất dữ liệu. Hệ thống xử lý nền đang tạm gián đoạn; tệp sẽ được tạo "
        "tự động khi hệ thống hoạt động trở lại."
    )

    objects = ApiTokenQuerySet.as_manager()  # the same rule: one's own rows only

    class Meta(JobModel.Meta):
        verbose_name = _("tệp xuất danh sách")
        verbose_name_plural = _("tệp xuất danh sách")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(state__in=["queued", "running"]) & ~Q(dedupe_key=""),
                name="list_export_job_one_open_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.list_key} {self.format} {self.created_at:%d/%m/%Y %H:%M}"

    def discard(self, result: dict) -> None:
        if result.get("file"):
            self.file.storage.delete(result["file"])
