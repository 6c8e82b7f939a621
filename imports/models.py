"""Bulk imports: one ``ImportJob`` row per check (``preview``) or write (``commit``) of a file.

The job runner (``laichau_nsc/jobs.py``) runs both. A preview reads every row through the same
services as the pages inside a transaction that is rolled back, and keeps the errors; a commit
does the same in one transaction that commits together with the job's ``done`` state, so a
worker killed halfway leaves nothing and the rerun starts over (and finds the same rows).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from laichau_nsc.files import private_upload_to
from laichau_nsc.models import OPEN_STATES, JobModel, JobState

from .choices import ImportKind, ImportMode


class ImportJobQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view") -> "ImportJobQuerySet":
        """An import belongs to the user who uploaded it; officers see every import (the
        officers' home shows the queue), nobody else sees anyone's."""
        from laichau_nsc.roles import is_officer

        if not user.is_authenticated:
            return self.none()
        if is_officer(user) and action == "view":
            return self.all()
        return self.filter(user=user)

    def waiting(self) -> "ImportJobQuerySet":
        """Checked previews not yet written, and jobs still queued or running."""
        unconfirmed = Q(
            mode=ImportMode.PREVIEW,
            state=JobState.DONE,
            error_count=0,
            created_count__gt=0,
            confirmed_at__isnull=True,
        )
        return self.filter(Q(state__in=OPEN_STATES) | unconfirmed)


class ImportJob(JobModel):
    """One run over an uploaded file: a dry-run preview, or the commit of a checked preview."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    kind = models.CharField(_("loại dữ liệu"), max_length=20, choices=ImportKind.choices)
    mode = models.CharField(
        _("bước"), max_length=10, choices=ImportMode.choices, default=ImportMode.PREVIEW
    )
    preview = models.ForeignKey(
        "self",
        verbose_name=_("lần kiểm tra"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="commits",
    )
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    file = models.FileField(_("tệp"), upload_to=private_upload_to("imports"), max_length=300)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(max_length=64, editable=False)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"), default=0)
    row_count = models.PositiveIntegerField(_("số dòng"), default=0)
    created_count = models.PositiveIntegerField(_("số bản ghi mới"), default=0)
    unchanged_count = models.PositiveIntegerField(_("số dòng đã có, không đổi"), default=0)
    error_count = models.PositiveIntegerField(_("số lỗi"), default=0)
    #: The first errors and notes: [{"row": 5, "column": "Mã số thuế", "message": …,
    #: "level": "error" | "note"}].
    messages = models.JSONField(_("lỗi và ghi chú"), default=list, blank=True)
    #: The first rows and what the import does with each: [{"row", "key", "outcome"}].
    sample = models.JSONField(_("các dòng đầu"), default=list, blank=True)
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)

    handler = "imports.services.import_job_run"
    dedupe_while_open = True
    # A commit is one transaction: nothing to retry halfway; a rerun starts over.
    pending_notice = _(
        "Đã lưu tệp. Hệ thống xử lý nền đang tạm gián đoạn; tệp sẽ được kiểm tra tự động khi "
        "hệ thống hoạt động trở lại."
    )

    objects = ImportJobQuerySet.as_manager()

    class Meta(JobModel.Meta):
        verbose_name = _("lần nhập dữ liệu")
        verbose_name_plural = _("lần nhập dữ liệu")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["state", "run_after"],
                condition=Q(state__in=OPEN_STATES),
                name="import_job_open",
            ),
            models.Index(fields=["user", "-created_at"], name="import_job_user_idx"),
        ]
        constraints = [
            # A double click finds the check (or the write) already asked for.
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(state__in=["queued", "running"]) & ~Q(dedupe_key=""),
                name="import_job_one_open_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.original_name}"

    def get_absolute_url(self) -> str:
        return reverse("imports:job_detail", args=[self.pk])

    @property
    def committed(self) -> bool:
        return (
            self.mode == ImportMode.COMMIT and self.state == JobState.DONE and not self.error_count
        )

    @property
    def can_confirm(self) -> bool:
        return (
            self.mode == ImportMode.PREVIEW
            and self.state == JobState.DONE
            and self.error_count == 0
            and self.created_count > 0
        )
