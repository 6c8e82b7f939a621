"""``manage.py build_report --year Y``: the yearly report (XLSX, DOCX, PDF) from the command line,
as the portal builds it: a ``ReportRun`` of the job runner, so a build already open for the year
is that build, and the files land under ``MEDIA_ROOT`` like those the page offers."""

import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from laichau_nsc import jobs
from laichau_nsc.jobs import JobState
from programs.models import ReportRun
from programs.reports import check_year


class Command(BaseCommand):
    help = "Tạo báo cáo năm (XLSX, DOCX, PDF) vào thư mục MEDIA_ROOT."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Năm báo cáo, ví dụ 2022.")
        parser.add_argument(
            "--timeout", type=float, default=600, help="Số giây chờ tối đa (mặc định 600)."
        )

    def handle(self, *args, year: int, timeout: float, **options) -> None:
        try:
            check_year(year)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        run = jobs.submit(ReportRun, dedupe_key=f"report:{year}", year=year)
        # Built here unless a worker already took it (then this does nothing and we wait).
        jobs.execute(ReportRun._meta.label, run.pk)
        deadline = time.monotonic() + timeout
        run.refresh_from_db()
        while run.state not in (JobState.DONE, JobState.FAILED):
            if time.monotonic() > deadline:
                raise CommandError(f"Báo cáo chưa xong sau {timeout:.0f} giây (lần tạo {run.pk}).")
            time.sleep(1)
            run.refresh_from_db()
        if run.state == JobState.FAILED:
            raise CommandError(f"Không tạo được báo cáo: {run.error}")
        for kind in ("docx", "xlsx", "pdf"):
            self.stdout.write(str(Path(getattr(run, kind).path)))
