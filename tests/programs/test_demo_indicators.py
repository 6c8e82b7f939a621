"""The demo data through the indicators: ``indicators --year 2022`` prints the province's
figures, and 2021–2026 move the way a programme's figures do."""

import csv
import json
from io import StringIO

import pytest
from django.core.management import call_command

from programs.indicators import year_table

pytestmark = pytest.mark.django_db
ISO_9001 = "TCVN ISO 9001:2015"


@pytest.fixture
def seeded():
    call_command("seed_demo", not_production=True, stdout=StringIO(), stderr=StringIO())


def command_json(*args) -> dict:
    out = StringIO()
    call_command("indicators", *args, "--format", "json", stdout=out)
    return {row["code"]: row for row in json.loads(out.getvalue())["indicators"]}


def test_2022_prints_the_provinces_figures(seeded):
    rows = command_json("--year", "2022")
    by_standard = command_json("--year", "2022", "--by", "standard")
    iso = {label: v for _k, label, v in by_standard["ENT_CERTIFIED"]["breakdown"]}
    assert iso[ISO_9001] == 2  # two enterprises with ISO 9001 valid on 31/12/2022
    assert rows["EXPERTS"]["value"] == 6
    assert rows["COURSES"]["value"] == 3
    assert rows["TRAINEES"]["value"] == 103
    assert rows["SUPPORTED_ENTERPRISES"]["value"] == 9
    assert (rows["SUPPORTED_GROWTH"]["value"], rows["SUPPORTED_GROWTH"]["target"]) == (12.5, 10)
    assert rows["LABOUR_PRODUCTIVITY_GROWTH"]["source"] == "entered"
    assert rows["SUPPORTED_ENTERPRISES"]["source"] == "computed"
    # The same figures as CSV, with the units of 2022 (districts).
    out = StringIO()
    call_command("indicators", "--year", "2022", "--by", "unit", "--format", "csv", stdout=out)
    lines = list(csv.reader(out.getvalue().splitlines()))
    assert lines[0] == ["code", "name", "value", "unit", "target", "source", "group", "group_name"]
    courses = [line for line in lines if line[0] == "COURSES"]
    assert courses[0][2:6] == ["3", "khóa", "3", "computed"]
    assert {line[7] for line in courses[1:]} <= {
        "Thành phố Lai Châu",
        "Huyện Than Uyên",
        "Huyện Tân Uyên",
    }
    assert sum(int(line[2]) for line in courses[1:]) == 3


def test_2022_declarations_of_the_demo(seeded):
    """25 production establishments declared standards for 39 products, which carry GTINs and
    public traceability pages with a lot (the province's second headline of 2022)."""
    rows = command_json("--year", "2022")
    assert (rows["DECL_ESTABLISHMENTS"]["value"], rows["DECL_PRODUCTS"]["value"]) == (25, 39)
    assert rows["GTINS"]["value"] == 39
    assert rows["PRODUCTS_TRACED"]["value"] == 39


def test_2021_to_2026_show_a_believable_trend(seeded):
    supported = {
        year: year_table(year, codes=["SUPPORTED_ENTERPRISES", "SUPPORTED_GROWTH"])
        for year in range(2021, 2027)
    }
    counts = [rows[0].value for rows in supported.values()]
    assert counts == sorted(counts)
    assert counts[0] > 0
    growth = [rows[1].value for year, rows in supported.items() if year > 2021]
    assert all(5 <= g <= 20 for g in growth), growth
    # Every year has a plan, and at least one target missed and one exceeded over the years.
    progress = [r.progress for y in range(2021, 2027) for r in year_table(y) if r.target]
    assert any("vượt chỉ tiêu" in p for p in progress)
    assert any(p.endswith("%)") and "(100 %)" not in p for p in progress)


def test_the_command_refuses_a_bad_year():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("indicators", "--year", "12", stdout=StringIO())
