"""The yearly report: its files state the snapshot's figures, a build happens once however often
it is asked for or retried, a failure says why, and only officers and leaders get the files."""

import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from laichau_nsc import jobs
from laichau_nsc.jobs import JobState
from programs import indicators
from programs import reports as services
from programs.models import ReportNarrative, ReportRun
from programs.report_figures import SOURCE_LABELS, number_text
from tests.conftest import client_for
from tests.enterprises.factories import EnterpriseFactory
from tests.standards.factories import CertificateFactory

YEAR = 2022


@pytest.fixture
def records(db):
    """Two certificates valid on 31/12/2022 (issued 2021, 36 months), and one that lapsed."""
    for name in ("Công ty cổ phần Chè Tam Đường", "Hợp tác xã Nông nghiệp Tân Uyên"):
        CertificateFactory(enterprise=EnterpriseFactory(name=name))
    CertificateFactory(issued_on=datetime.date(2019, 1, 1))


@pytest.fixture
def narrative(officer):
    return services.narrative_save(
        year=YEAR,
        data={
            "document_number": "05/BC-SKHCN",
            "issued_on": datetime.date(2023, 1, 5),
            "results": "Năm 2022, Sở đã triển khai đồng bộ các nhiệm vụ của Chương trình.",
            "assessment": "Các chỉ tiêu cơ bản đạt kế hoạch.",
            "next_year": "Tiếp tục hỗ trợ doanh nghiệp áp dụng hệ thống quản lý.",
            "recipients": "Bộ Khoa học và Công nghệ\nUBND tỉnh",
            "signer_authority": "KT. GIÁM ĐỐC",
            "signer_title": "PHÓ GIÁM ĐỐC",
            "signer_name": "Nguyễn Văn Hùng",
        },
        version=None,
        user=officer,
    )


def build(user, django_capture_on_commit_callbacks, year: int = YEAR) -> ReportRun:
    with django_capture_on_commit_callbacks(execute=True):
        run = services.report_request(year=year, user=user)
    run.refresh_from_db()
    return run


def without_time(snapshot: dict) -> dict:
    return {k: v for k, v in snapshot.items() if k != "computed_at"}


def report_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "reports"
    return sorted(p for p in root.rglob("*") if p.is_file())


# --- What the files state -----------------------------------------------------------------


@pytest.mark.django_db
def test_report_files_state_the_figures_of_the_snapshot(
    officer, records, narrative, django_capture_on_commit_callbacks
):
    run = build(officer, django_capture_on_commit_callbacks)

    assert run.state == JobState.DONE, run.error
    expected = indicators.snapshot(YEAR)
    frozen = run.snapshot["indicators"]
    assert without_time(frozen) == without_time(expected)
    valid = [f for f in frozen["indicators"].values() if f["value"] and f["breakdowns"]]
    assert valid, "the records should give some figure with a breakdown"

    assert_xlsx_states(Path(run.xlsx.path), frozen)
    assert_docx_states(Path(run.docx.path), frozen)
    assert_pdf_states(Path(run.pdf.path), frozen)
    assert sorted(report_files()) == sorted(Path(f.path) for f in (run.xlsx, run.docx, run.pdf))


def assert_xlsx_states(path: Path, snapshot: dict) -> None:
    book = load_workbook(path, read_only=True)
    table = book.worksheets[0]
    rows = list(table.iter_rows(min_row=2, values_only=True))
    figures = snapshot["indicators"]
    assert [r[0] for r in rows] == snapshot["order"]
    for code, _group, name, unit, value, source, target, _progress, _how in rows:
        figure = figures[code]
        assert (name, unit) == (figure["name"], figure["unit"])
        assert value == (None if figure["source"] == "missing" else figure["value"])
        assert target == figure["target"]
        assert source == SOURCE_LABELS[figure["source"]]
    breakdown_rows = {
        (code, key or ""): value  # an empty cell reads back as None
        for sheet in book.worksheets[1:]
        for code, _name, _unit, key, _label, value in sheet.iter_rows(min_row=2, values_only=True)
    }
    expected = {
        (code, str(key)): value
        for code, figure in figures.items()
        for rows in figure["breakdowns"].values()
        for key, _label, value in rows
    }
    assert breakdown_rows == expected


def assert_docx_states(path: Path, snapshot: dict) -> None:
    document = Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    blocks = document.tables[0].rows[0].cells
    assert "UBND TỈNH LAI CHÂU" in blocks[0].text
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in blocks[0].text
    assert "Số: 05/BC-SKHCN" in blocks[0].text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in blocks[1].text
    assert "Độc lập - Tự do - Hạnh phúc" in blocks[1].text
    assert "Lai Châu, ngày 05 tháng 01 năm 2023" in blocks[1].text
    for heading in ("BÁO CÁO", "I. KẾT QUẢ THỰC HIỆN", "II. ĐÁNH GIÁ", "III. NHIỆM VỤ NĂM 2023"):
        assert heading in text
    assert document.styles["Normal"].font.name == "Times New Roman"

    figures = snapshot["indicators"]
    summary = document.tables[1]
    stated = {
        row.cells[1].text.removesuffix(" (*)"): row.cells[3].text
        for row in summary.rows[1:]
        if row.cells[0].text.isdigit()
    }
    assert len(stated) == len(figures)
    for figure in figures.values():
        value = figure["value"]
        shown = "—" if figure["source"] == "missing" or value is None else number_text(value)
        assert stated[figure["name"]] == shown, figure["code"]

    signature = document.tables[2].rows[0].cells
    assert "Nơi nhận:" in signature[0].text
    assert "- Bộ Khoa học và Công nghệ;" in signature[0].text
    assert signature[0].text.rstrip().endswith("- Lưu: VT.")
    assert "KT. GIÁM ĐỐC" in signature[1].text
    assert "Nguyễn Văn Hùng" in signature[1].text

    appendix = document.tables[3:]
    expected = [
        [(label or key, number_text(value)) for key, label, value in rows]
        for figure in figures.values()
        for rows in figure["breakdowns"].values()
        if rows
    ]
    stated_tables = [[(r.cells[1].text, r.cells[2].text) for r in t.rows[1:]] for t in appendix]
    assert stated_tables == expected


def assert_pdf_states(path: Path, snapshot: dict) -> None:
    reader = PdfReader(str(path))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "II. ĐÁNH GIÁ" in text
    for figure in snapshot["indicators"].values():
        if figure["breakdowns"]:
            for _key, label, _value in next(iter(figure["breakdowns"].values())):
                assert label in text


@pytest.mark.django_db
def test_issuing_body_comes_from_settings(officer, settings, django_capture_on_commit_callbacks):
    settings.REPORT_SUPERIOR_BODY = "UBND TỈNH ĐIỆN BIÊN"
    settings.PORTAL_PROVINCE_NAME = "Điện Biên"
    run = build(officer, django_capture_on_commit_callbacks)

    blocks = Document(run.docx.path).tables[0].rows[0].cells
    assert "UBND TỈNH ĐIỆN BIÊN" in blocks[0].text
    assert "Điện Biên, ngày" in blocks[1].text


@pytest.mark.django_db
def test_report_without_narrative_still_builds_with_the_defaults(
    leader, django_capture_on_commit_callbacks
):
    run = build(leader, django_capture_on_commit_callbacks)

    assert run.state == JobState.DONE, run.error
    assert not ReportNarrative.objects.exists()
    text = "\n".join(p.text for p in Document(run.docx.path).paragraphs)
    assert "Kết quả thực hiện Chương trình năng suất chất lượng năm 2022" in text


# --- Once, whatever happens ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_double_click_gets_the_build_that_is_open(officer, django_capture_on_commit_callbacks):
    client = client_for(officer)
    url = reverse("programs:report_request", args=[YEAR])
    with django_capture_on_commit_callbacks(execute=False):
        first = client.post(url)
        second = client.post(url)

    assert ReportRun.objects.count() == 1
    run = ReportRun.objects.get()
    assert first["Location"] == second["Location"] == run.get_absolute_url()
    assert run.state == JobState.QUEUED


@pytest.mark.django_db
def test_a_try_whose_worker_died_leaves_one_report(officer):
    """A first try wrote part of a file and died; the take-over writes the report once and
    removes what the dead try left."""
    run = ReportRun.objects.create(
        year=YEAR,
        requested_by=officer,
        dedupe_key=f"report:{YEAR}",
        state=JobState.RUNNING,
        attempts=1,
        lease_owner="elsewhere:1:dead",
        lease_expires_at=timezone.now() - datetime.timedelta(seconds=5),
    )
    stray = Path(settings.MEDIA_ROOT) / f"reports/{YEAR}/{run.pk}/1/bao-cao-nsc-{YEAR}.docx"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"PK\x03\x04 half")

    jobs.execute(ReportRun._meta.label, run.pk, heartbeat=False)
    run.refresh_from_db()

    assert run.state == JobState.DONE, run.error
    assert run.attempts == 2
    assert report_files() == sorted(Path(f.path) for f in (run.xlsx, run.docx, run.pdf))
    assert all(f"/{run.pk}/2/" in f.name for f in (run.xlsx, run.docx, run.pdf))
    Document(run.docx.path)  # a whole document


@pytest.mark.django_db
def test_a_try_that_lost_its_lease_keeps_no_file(officer, monkeypatch):
    run = ReportRun.objects.create(year=YEAR, requested_by=officer)
    real = services.report_build

    def taken_over(*, job, ctx):
        result = real(job=job, ctx=ctx)
        # Another worker took the job over while this one wrote its files.
        ReportRun.objects.filter(pk=job.pk).update(lease_owner="other:2:x")
        return result

    monkeypatch.setattr(services, "report_build", taken_over)
    jobs.execute(ReportRun._meta.label, run.pk, heartbeat=False)
    run.refresh_from_db()

    assert run.state == JobState.RUNNING  # still the other worker's
    assert report_files() == []


@pytest.mark.django_db
def test_a_failure_shows_its_reason(officer, monkeypatch, django_capture_on_commit_callbacks):
    def broken(year):
        raise jobs.JobError("Thiếu dữ liệu đơn vị hành chính của năm 2022.")

    monkeypatch.setattr(indicators, "snapshot", broken)
    run = build(officer, django_capture_on_commit_callbacks)

    assert run.state == JobState.FAILED
    page = client_for(officer).get(run.get_absolute_url())
    assert "Thiếu dữ liệu đơn vị hành chính của năm 2022." in page.content.decode()
    assert report_files() == []


# --- Pages and roles -----------------------------------------------------------------------


@pytest.mark.django_db
def test_progress_page_polls_until_done_then_offers_the_files(
    officer, leader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        run = services.report_request(year=YEAR, user=officer)
    client = client_for(leader)
    polling = client.get(run.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" in polling

    jobs.execute(ReportRun._meta.label, run.pk, heartbeat=False)
    done = client.get(run.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done
    for kind in ("docx", "pdf", "xlsx"):
        url = reverse("programs:report_download", args=[run.pk, kind])
        assert url in done
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].endswith(f'.{kind}"')


@pytest.mark.django_db
def test_enterprise_user_never_gets_a_report(ent_a, officer, django_capture_on_commit_callbacks):
    run = build(officer, django_capture_on_commit_callbacks)
    client = client_for(ent_a)
    for url in (
        run.get_absolute_url(),
        reverse("programs:report_download", args=[run.pk, "docx"]),
        reverse("programs:report_year", args=[YEAR]),
    ):
        assert client.get(url).status_code == 403
    assert client.post(reverse("programs:report_request", args=[YEAR])).status_code == 403


@pytest.mark.django_db
def test_year_out_of_range_is_refused(officer):
    client = client_for(officer)
    assert client.get(reverse("programs:report_year", args=[1990])).status_code == 404
    response = client.get(reverse("programs:report_index"), {"year": "1990"}, follow=True)
    assert "Năm báo cáo phải từ" in response.content.decode()
    assert not ReportRun.objects.exists()


@pytest.mark.django_db
def test_officer_writes_the_narrative_and_a_stale_copy_is_refused(officer):
    client = client_for(officer)
    url = reverse("programs:report_narrative", args=[YEAR])
    data = {"title": "", "results": "Kết quả năm 2022", "signer_name": "Nguyễn Văn Hùng"}
    assert client.post(url, data).status_code == 302
    narrative = ReportNarrative.objects.get(year=YEAR)
    assert narrative.results == "Kết quả năm 2022"

    again = client.post(url, {**data, "results": "Sửa lần hai", "version": narrative.version})
    assert again.status_code == 302
    stale = client.post(url, {**data, "results": "Bản cũ", "version": narrative.version})
    assert stale.status_code == 409
    narrative.refresh_from_db()
    assert narrative.results == "Sửa lần hai"
    assert narrative.history.count() == 2


@pytest.mark.django_db
def test_year_page_query_count_is_flat(
    officer, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client = client_for(officer)
    url = reverse("programs:report_year", args=[YEAR])
    build(officer, django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _ in range(4):
        ReportRun.objects.create(year=YEAR, requested_by=officer, state=JobState.DONE)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


# --- The command -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_build_report_command_writes_the_files_under_media_root(records):
    out = io.StringIO()
    call_command("build_report", year=YEAR, stdout=out)

    paths = [Path(line) for line in out.getvalue().split()]
    assert [p.suffix for p in paths] == [".docx", ".xlsx", ".pdf"]
    assert all(p.is_file() and p.is_relative_to(settings.MEDIA_ROOT) for p in paths)
    run = ReportRun.objects.get()
    assert run.requested_by is None
    assert without_time(run.snapshot["indicators"]) == without_time(indicators.snapshot(YEAR))
