"""The enterprise import writes its rows in batches: a fixed number of queries per batch, the
same records, history and messages as row by row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.models import Enterprise, UnitAssignment
from tests.enterprises.factories import AdministrativeUnitFactory, SectorFactory

from .files import template_with_rows, upload
from .test_enterprises import enterprise_row

pytestmark = pytest.mark.django_db


def _queries_of_a_check(officer, run_import, rows) -> int:
    with CaptureQueriesContext(connection) as captured:
        job = run_import(officer, "enterprises", upload(template_with_rows("enterprises", rows)))
    assert (job.created_count, job.error_count) == (len(rows), 0), job.messages
    return len(captured)


def test_the_queries_do_not_grow_with_the_rows_of_a_batch(officer, run_import):
    SectorFactory(version="VSIC2025", code="01", level="division")
    AdministrativeUnitFactory(code="03199")
    few = [enterprise_row(n, sector="01", admin_unit="03199") for n in range(2)]
    many = [enterprise_row(n, sector="01", admin_unit="03199") for n in range(2, 22)]
    _queries_of_a_check(officer, run_import, [enterprise_row(99)])  # first-use lookups
    assert _queries_of_a_check(officer, run_import, many) == _queries_of_a_check(
        officer, run_import, few
    )


def test_rows_over_several_batches_are_written_with_their_history_and_units(
    officer, run_import, settings
):
    settings.IMPORT_BATCH_ROWS = 3
    unit = AdministrativeUnitFactory(code="03199")
    rows = [enterprise_row(n, admin_unit="03199") for n in range(7)]
    content = template_with_rows("enterprises", rows)
    job = run_import(officer, "enterprises", upload(content), confirm=True)
    assert job.committed, job.messages
    for number, row in enumerate(rows, start=2):
        enterprise = Enterprise.objects.get(tax_code=row["tax_code"])
        history = enterprise.history.get()
        assert history.history_user == officer
        assert history.history_change_reason.endswith(f"dòng {number}")
        assert enterprise.search_text  # set as save() sets it
        assert UnitAssignment.objects.get(enterprise=enterprise).unit == unit
    again = run_import(officer, "enterprises", upload(content))
    assert (again.created_count, again.unchanged_count, again.error_count) == (0, 7, 0)


def test_a_row_the_database_refuses_is_named_and_nothing_is_written(officer, run_import, settings):
    """The employees' check constraint is the database's in a batch: the batch then goes row
    by row through ``enterprise_create``, which names the row."""
    settings.IMPORT_BATCH_ROWS = 3
    rows = [enterprise_row(n) for n in range(5)]
    rows[3]["employees"] = 20_000_000
    content = template_with_rows("enterprises", rows)
    job = run_import(officer, "enterprises", upload(content))
    assert job.error_count == 1
    assert [m["row"] for m in job.messages if m["level"] == "error"] == [5]
    assert (job.created_count, job.can_confirm) == (4, False)
    assert not Enterprise.objects.exists()
