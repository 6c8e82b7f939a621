"""One year, one set of figures: the ``indicators`` command, ``snapshot(year)``, the yearly
report's XLSX and DOCX (built by the job runner), the leaders' dashboard and its CSV export, and
the public statistics' CSV after approval all state the same values. After the approval a
change to a record moves the dashboard's live figures, but neither the public page nor the
approved report: the approval froze them."""

import csv
import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from docx import Document
from openpyxl import load_workbook

from programs import indicators, summaries
from programs import reports as services
from programs.report_figures import number_text
from tests.conftest import client_for
from tests.enterprises.factories import EnterpriseFactory
from tests.programs.dashboard_data import make_records
from tests.standards.factories import AdoptionFactory, CertificateFactory

YEAR = 2022
CENTS = Decimal("0.01")
DASHBOARD = "/bang-dieu-khien/"
PUBLIC = "/thong-ke/"


def num(value) -> Decimal | None:
    """A figure as every output states it, to the summaries' two decimals ("" is no value)."""
    if value is None or value == "":
        return None
    return Decimal(str(value)).quantize(CENTS)


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def command_json(*args: str) -> dict:
    out = io.StringIO()
    call_command("indicators", "--year", str(YEAR), "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def world(db, settings):
    """Demo-like records: certificates in two communes and a 2023 one, adoptions, a target."""
    settings.SUMMARY_REFRESH_ON_VIEW = False
    records = make_records(certificates=5)
    AdoptionFactory(enterprise=EnterpriseFactory(admin_unit=records["units"][0]))
    for year in summaries.summary_years():
        summaries.summary_rebuild(year=year)
    return records


# --- Each output, as {code: value} and {(code, unit key): value} -------------------------------


def from_snapshot(snapshot: dict) -> tuple[dict, dict]:
    figures = snapshot["indicators"]
    totals = {c: None if f["source"] == "missing" else num(f["value"]) for c, f in figures.items()}
    units = {
        (c, str(key)): num(value)
        for c, f in figures.items()
        for key, _label, value in f["breakdowns"].get("unit", [])
    }
    return totals, units


def from_command() -> tuple[dict, dict]:
    totals = {
        row["code"]: None if row["source"] == "missing" else num(row["value"])
        for row in command_json()["indicators"]
    }
    units = {
        (row["code"], str(key)): num(value)
        for row in command_json("--by", "unit")["indicators"]
        for key, _label, value in row.get("breakdown", [])
    }
    return totals, units


def from_xlsx(path: Path) -> tuple[dict, dict]:
    book = load_workbook(path, read_only=True)
    totals = {
        row[0]: num(row[4]) for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)
    }
    units = {}
    for sheet in book.worksheets[1:]:
        if not sheet.title.startswith("Theo đơn vị hành chính"):
            continue
        for code, _name, _unit, key, _label, value in sheet.iter_rows(min_row=2, values_only=True):
            units[(code, str(key or ""))] = num(value)
    return totals, units


def docx_values(path: Path) -> dict[str, str]:
    """The report's summary table: indicator name → the value as written."""
    summary = Document(str(path)).tables[1]
    return {
        row.cells[1].text.removesuffix(" (*)"): row.cells[3].text
        for row in summary.rows[1:]
        if row.cells[0].text.isdigit()
    }


def from_tables(client, base: str, codes_by_name: dict[str, str]) -> tuple[dict, dict]:
    """A board's CSV tables (the dashboard's or the public page's): key figures and units."""
    rows = csv_rows(client.get(f"{base}chi-tieu.csv"))
    totals = {row[0]: num(row[3]) for row in rows[1:]}
    unit_rows = csv_rows(client.get(f"{base}unit.csv"))
    names = unit_rows[0][2:]
    units = {
        (codes_by_name[name], row[0]): num(value)
        for row in unit_rows[1:]
        for name, value in zip(names, row[2:], strict=True)
        if value != ""
    }
    return totals, units


def test_every_output_states_the_same_figures_and_approval_freezes_them(
    world, officer, leader, django_capture_on_commit_callbacks
):
    snapshot = indicators.snapshot(YEAR)
    totals, units = from_snapshot(snapshot)
    # The data give something to compare: a target, counted figures, a unit breakdown.
    assert totals["CERT_VALID"] == 5
    assert snapshot["indicators"]["CERT_VALID"]["target"] == 4
    assert len({key for _code, key in units}) == 2
    codes_by_name = {f["name"]: c for c, f in snapshot["indicators"].items()}

    # The command.
    assert from_command() == (totals, units)

    # The report, built by the job runner.
    with django_capture_on_commit_callbacks(execute=True):
        run = services.report_request(year=YEAR, user=officer)
    run.refresh_from_db()
    assert run.state == "done", run.error
    assert from_xlsx(Path(run.xlsx.path)) == (totals, units)
    stated = docx_values(Path(run.docx.path))
    assert stated == {
        f["name"]: "—" if totals[c] is None else number_text(snapshot["indicators"][c]["value"])
        for c, f in snapshot["indicators"].items()
    }

    # The dashboard's page and its CSV export.
    staff = client_for(leader)
    page = staff.get(DASHBOARD, {"nam": YEAR})
    assert {f.code: num(f.value) for f in page.context["board"].figures} == totals
    dashboard_base = f"{DASHBOARD}{YEAR}/"
    assert from_tables(staff, dashboard_base, codes_by_name) == (totals, units)

    # Approved: the public statistics' CSV.
    approval = services.year_approve(year=YEAR, report_id=run.pk, version=None, user=leader)
    public_base = f"{PUBLIC}{YEAR}/"
    assert from_tables(Client(), public_base, codes_by_name) == (totals, units)

    # --- A record of the year changes after the approval ---------------------------------
    CertificateFactory(
        enterprise=EnterpriseFactory(admin_unit=world["units"][0]),
        standard=world["standard"],
        issued_on=datetime.date(YEAR, 9, 1),
    )
    summaries.summary_rebuild(year=YEAR)
    cache.clear()  # nothing the pages kept may hide a change (or its absence)
    live_totals, live_units = from_snapshot(indicators.snapshot(YEAR))
    assert live_totals["CERT_VALID"] == totals["CERT_VALID"] + 1
    assert live_units != units

    # The dashboard moves with the records…
    assert from_tables(staff, dashboard_base, codes_by_name) == (live_totals, live_units)
    assert from_command() == (live_totals, live_units)
    # …the public page and the approved report do not.
    assert from_tables(Client(), public_base, codes_by_name) == (totals, units)
    public_page = Client().get(PUBLIC, {"nam": YEAR})
    assert {f.code: num(f.value) for f in public_page.context["board"].figures} == totals
    approval.refresh_from_db()
    assert from_snapshot(approval.snapshot) == (totals, units)
    run.refresh_from_db()
    assert from_xlsx(Path(run.xlsx.path)) == (totals, units)
    assert docx_values(Path(run.docx.path)) == stated
