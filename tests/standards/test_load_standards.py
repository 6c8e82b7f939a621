"""``load_standards``: the catalogue loader (validating, one transaction, idempotent)."""

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q

from standards import services_catalogue
from standards.choices import StandardKind
from standards.demo_declarations import REGULATIONS
from standards.management.commands import load_standards
from standards.models import Standard
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CATALOGUE = load_standards.default_path()
HEADER = "code,title_vi,kind,third_party_certified,validity_months,superseded_by,notes\n"


def run(*args, **options) -> str:
    out = StringIO()
    call_command("load_standards", *args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def write_csv(tmp_path: Path, text: str, name: str = "standards.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def snapshot() -> list[dict]:
    return list(Standard.objects.order_by("pk").values())


# --- A valid file --------------------------------------------------------------------------------


def test_loads_every_row_with_its_kind_validity_and_successor():
    output = run(str(CATALOGUE))

    with CATALOGUE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert Standard.objects.count() == len(rows) == 33
    assert "thêm mới 33" in output
    iso9001 = Standard.objects.get(code="TCVN ISO 9001:2015")
    assert iso9001.kind == StandardKind.MANAGEMENT_SYSTEM
    assert iso9001.third_party_certified
    assert iso9001.validity_months == 36
    assert iso9001.title == "Hệ thống quản lý chất lượng – Các yêu cầu"
    five_s = Standard.objects.get(code="5S")
    assert (five_s.kind, five_s.third_party_certified, five_s.validity_months) == (
        StandardKind.PRODUCTIVITY_TOOL,
        False,
        None,
    )
    assert Standard.objects.get(code="GLOBALG.A.P.").validity_months == 12
    assert "FSSC" in Standard.objects.get(code="FSSC 22000").notes
    # One history record per standard: a new standard is created with its successor already set.
    assert Standard.history.count() == 33


def test_supersession_is_linked_both_ways():
    run(str(CATALOGUE))

    links = dict(
        Standard.objects.filter(superseded_by__isnull=False).values_list(
            "code", "superseded_by__code"
        )
    )
    assert links == {
        "ISO 14001:2015": "ISO 14001:2026",
        "ISO 22000:2005": "ISO 22000:2018",
    }
    successor = Standard.objects.get(code="ISO 22000:2018")
    assert list(successor.supersedes.values_list("code", flat=True)) == ["ISO 22000:2005"]


def test_loading_twice_changes_nothing():
    run(str(CATALOGUE))
    before, history = snapshot(), Standard.history.count()

    output = run(str(CATALOGUE))

    assert snapshot() == before
    assert Standard.history.count() == history
    assert "thêm mới 0, cập nhật 0, giữ nguyên 33" in output


def test_a_changed_row_updates_the_standard_and_its_history(tmp_path):
    run(str(CATALOGUE))
    text = CATALOGUE.read_text(encoding="utf-8")
    changed = text.replace(
        "GLOBALG.A.P.,Thực hành nông nghiệp tốt toàn cầu (GLOBALG.A.P.),scheme,true,12,",
        "GLOBALG.A.P.,Thực hành nông nghiệp tốt toàn cầu GLOBALG.A.P. (IFA),scheme,true,13,",
    )
    assert changed != text

    output = run(str(write_csv(tmp_path, changed)))

    assert "cập nhật 1" in output
    standard = Standard.objects.get(code="GLOBALG.A.P.")
    assert standard.title == "Thực hành nông nghiệp tốt toàn cầu GLOBALG.A.P. (IFA)"
    assert standard.validity_months == 13
    assert standard.version == 2  # an edit form opened before the load is now stale
    latest, first = standard.history.order_by("-history_date")[:2]
    delta = {c.field: (c.old, c.new) for c in latest.diff_against(first).changes}
    assert delta["validity_months"] == (12, 13)
    assert latest.history_change_reason == "Nạp từ tệp standards.csv"


def test_a_file_can_replace_a_successor_and_clear_one(tmp_path):
    run(str(CATALOGUE))
    text = CATALOGUE.read_text(encoding="utf-8")
    vietgap = "Thực hành nông nghiệp tốt (VietGAP) – Phần 1: Trồng trọt,scheme,true,24"
    text = text.replace(",36,ISO 14001:2026,", ",36,,").replace(
        f"TCVN 11892-1:2017,{vietgap},,", f"TCVN 11892-1:2017,{vietgap},TCVN 11892-1:2026,"
    )
    text += f"TCVN 11892-1:2026,{vietgap},,\n"

    run(str(write_csv(tmp_path, text)))

    assert Standard.objects.get(code="ISO 14001:2015").superseded_by is None
    assert Standard.objects.get(code="TCVN 11892-1:2017").superseded_by.code == "TCVN 11892-1:2026"


def test_another_provinces_file_of_the_same_shape_loads_beside_it(tmp_path):
    """Another province's catalogue: its own QCVN and TCCS rows, a successor that is already in
    the catalogue, booleans and kinds spelled as the file allows."""
    run(str(CATALOGUE))
    path = write_csv(
        tmp_path,
        HEADER + "QCVN 01-1:2018/BYT,Quy chuẩn kỹ thuật quốc gia về chất lượng nước sạch,"
        "technical_regulation,Không,,,\n"
        + "TCCS 01:2024/CHE-DB,Chè Shan tuyết Điện Biên,company_standard,0,,,\n"
        + "ISO 22000:2005,Hệ thống quản lý an toàn thực phẩm – Yêu cầu đối với các tổ chức trong "
        "chuỗi thực phẩm,management_system,TRUE,36,ISO 22000:2018,Chỉ để tra cứu chứng chỉ cũ.\n",
        name="dien_bien.csv",
    )

    output = run(str(path))

    assert "thêm mới 2, cập nhật 1" in output
    assert Standard.objects.count() == 35
    regulation = Standard.objects.get(code="QCVN 01-1:2018/BYT")
    assert regulation.kind == StandardKind.TECHNICAL_REGULATION
    assert not regulation.third_party_certified
    assert Standard.objects.get(code="ISO 22000:2005").superseded_by.code == "ISO 22000:2018"
    assert Standard.objects.get(code="ISO 22000:2005").notes == "Chỉ để tra cứu chứng chỉ cũ."


def test_new_only_adds_new_codes_and_keeps_what_officers_edited(tmp_path):
    run(str(CATALOGUE))
    officer = UserFactory(roles=["officer"])
    standard = Standard.objects.get(code="HACCP")
    services_catalogue.standard_update(
        standard_id=standard.pk,
        data={"title": "HACCP (đã sửa trên cổng)"},
        version=standard.version,
        user=officer,
    )
    Standard.objects.filter(code="PDCA").delete()

    output = run(str(CATALOGUE), new_only=True)

    assert "thêm mới 1, cập nhật 0" in output
    assert Standard.objects.get(code="HACCP").title == "HACCP (đã sửa trên cổng)"
    assert Standard.objects.filter(code="PDCA").exists()
    # Without --new-only the file wins again, and the history shows both.
    run(str(CATALOGUE))
    standard = Standard.objects.get(code="HACCP")
    assert standard.title.startswith("Hệ thống phân tích mối nguy")
    assert standard.history.count() == 3


def test_values_are_normalised_like_every_input(tmp_path):
    path = write_csv(
        tmp_path,
        HEADER
        + "ＩＳＯ 9001:2015 ,Hệ thống\u200b quản lý\tchất lượng,management_system,true,36,,\n",
    )

    run(str(path))

    standard = Standard.objects.get()
    assert standard.code == "ISO 9001:2015"
    assert standard.title == "Hệ thống quản lý chất lượng"


def test_default_file_is_the_bundled_copy_without_the_shared_folder(settings, tmp_path):
    settings.BASE_DIR = tmp_path / "project"
    assert load_standards.default_path() == load_standards.BUNDLED_DIR / "standards_catalogue.csv"
    run()
    assert Standard.objects.count() == 33


def test_bundled_copy_matches_the_shared_file():
    shared = Path(load_standards.settings.BASE_DIR).parent / "shared/data/standards_catalogue.csv"
    if not shared.is_file():
        pytest.skip("no shared folder beside the project")
    bundled = load_standards.BUNDLED_DIR / "standards_catalogue.csv"
    assert bundled.read_text(encoding="utf-8") == shared.read_text(encoding="utf-8")


def test_seed_demo_loads_the_catalogue():
    call_command("seed_demo", not_production=True, stdout=StringIO(), stderr=StringIO())
    # Besides the catalogue: the regulations and company standards of the demo declarations.
    demo = Standard.objects.filter(Q(kind="company_standard") | Q(code__in=REGULATIONS))
    assert Standard.objects.exclude(pk__in=demo).count() == 33


# --- Bad files ---------------------------------------------------------------------------------

GOOD = (
    "ISO 9001:2015,Hệ thống quản lý chất lượng – Các yêu cầu,management_system,true,36,,\n"
    "5S,5S,productivity_tool,false,,,\n"
)

BAD_ROWS = [
    pytest.param(
        "HACCP,HACCP,certification,true,,,\n",
        "Dòng 4: loại “certification” không hợp lệ",
        id="unknown-kind",
    ),
    pytest.param(
        "HACCP,HACCP,scheme,maybe,,,\n",
        "Dòng 4: third_party_certified là “maybe”",
        id="bad-boolean",
    ),
    pytest.param(
        "HACCP,HACCP,scheme,,,,\n",
        "Dòng 4: third_party_certified là “”",
        id="empty-boolean",
    ),
    pytest.param(
        "HACCP,HACCP,scheme,true,0,,\n",
        "Dòng 4: validity_months phải là số tháng lớn hơn 0 (đang là 0)",
        id="zero-validity",
    ),
    pytest.param(
        "HACCP,HACCP,scheme,true,-12,,\n",
        "Dòng 4: validity_months phải là số tháng lớn hơn 0 (đang là -12)",
        id="negative-validity",
    ),
    pytest.param(
        "HACCP,HACCP,scheme,true,ba năm,,\n",
        "Dòng 4: validity_months “ba năm” không phải số nguyên",
        id="text-validity",
    ),
    pytest.param(
        "Kaizen,Kaizen,productivity_tool,false,12,,\n",
        "Dòng 4: chỉ ghi thời hạn chứng chỉ (validity_months) cho tiêu chuẩn được",
        id="validity-for-a-tool",
    ),
    pytest.param(
        "ISO 9001:2008,Hệ thống quản lý chất lượng,management_system,true,36,ISO 9001:2026,\n",
        "Dòng 4: superseded_by “ISO 9001:2026” không phải số hiệu của dòng nào",
        id="unknown-successor",
    ),
    pytest.param(
        "ISO 9001:2008,Hệ thống quản lý chất lượng,management_system,true,36,ISO 9001:2008,\n",
        "Dòng 4: ISO 9001:2008 không thể được thay thế bởi chính nó",
        id="superseded-by-itself",
    ),
    pytest.param(
        "A:2020,A,management_system,true,36,B:2021,\n"
        "B:2021,B,management_system,true,36,C:2022,\n"
        "C:2022,C,management_system,true,36,A:2020,\n",
        "Dòng 4: vòng thay thế khép kín: A:2020 → B:2021 → C:2022 → A:2020",
        id="cycle",
    ),
    pytest.param(
        "5S,5S (Sàng lọc – Sắp xếp),productivity_tool,false,,,\n",
        "Dòng 4: số hiệu 5S đã có ở dòng 3",
        id="duplicate-code",
    ),
    pytest.param(
        "５S,5S (Sàng lọc – Sắp xếp),productivity_tool,false,,,\n",
        "Dòng 4: số hiệu 5S đã có ở dòng 3",
        id="duplicate-code-in-full-width",
    ),
    pytest.param(",Không số hiệu,scheme,true,,,\n", "Dòng 4: thiếu số hiệu", id="no-code"),
    pytest.param("HACCP,,scheme,true,,,\n", "Dòng 4: thiếu tên", id="no-title"),
    pytest.param(
        "HACCP," + "x" * 401 + ",scheme,true,,,\n", "Dòng 4: tên dài quá 400", id="long-title"
    ),
]


@pytest.mark.parametrize(("bad", "message"), BAD_ROWS)
def test_a_bad_row_is_refused_with_its_line_and_nothing_is_written(tmp_path, bad, message):
    path = write_csv(tmp_path, HEADER + GOOD + bad)

    with pytest.raises(CommandError) as error:
        run(str(path))

    assert message in str(error.value)
    assert "chưa ghi dòng nào" in str(error.value)
    assert not Standard.objects.exists()


@pytest.mark.parametrize(("bad", "message"), BAD_ROWS)
def test_a_bad_file_leaves_the_loaded_catalogue_as_it_was(tmp_path, bad, message):
    run(str(CATALOGUE))
    before, history = snapshot(), Standard.history.count()
    changed_good_row = "TCVN ISO 9001:2015,Tên đã đổi,management_system,true,24,,\n"

    with pytest.raises(CommandError):
        run(str(write_csv(tmp_path, HEADER + changed_good_row + GOOD + bad)))

    assert snapshot() == before
    assert Standard.history.count() == history


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    path = write_csv(
        tmp_path,
        HEADER
        + "A,A,family,true,,,\n"
        + "B,B,scheme,perhaps,,,\n"
        + "C,C,scheme,true,0,,\n"
        + "D,D,scheme,true,,Z,\n",
    )

    with pytest.raises(CommandError) as error:
        run(str(path))

    text = str(error.value)
    assert "có 4 lỗi" in text
    for line in ("Dòng 2:", "Dòng 3:", "Dòng 4:", "Dòng 5:"):
        assert line in text


def test_a_cycle_through_the_loaded_catalogue_is_refused(tmp_path):
    """The file makes ISO 14001:2026 replaced by ISO 14001:2015, which the catalogue already has
    replaced by ISO 14001:2026."""
    run(str(CATALOGUE))
    path = write_csv(
        tmp_path,
        HEADER + "ISO 14001:2026,Hệ thống quản lý môi trường,management_system,true,36,"
        "ISO 14001:2015,\n",
    )

    with pytest.raises(CommandError) as error:
        run(str(path))

    assert "vòng thay thế khép kín: ISO 14001:2026 → ISO 14001:2015 → ISO 14001:2026" in str(
        error.value
    )
    assert Standard.objects.get(code="ISO 14001:2026").superseded_by is None


def test_a_successor_already_in_the_catalogue_is_accepted(tmp_path):
    run(str(CATALOGUE))
    path = write_csv(
        tmp_path,
        HEADER + "ISO 9001:2008,Hệ thống quản lý chất lượng,management_system,true,36,"
        "TCVN ISO 9001:2015,\n",
    )

    run(str(path))

    assert Standard.objects.get(code="ISO 9001:2008").superseded_by.code == "TCVN ISO 9001:2015"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code,title_vi,kind\nA,A,scheme\n", "thiếu cột: third_party_certified"),
        (HEADER, "Tệp không có dòng dữ liệu nào."),
    ],
)
def test_a_file_of_another_shape_is_refused(tmp_path, text, message):
    with pytest.raises(CommandError) as error:
        run(str(write_csv(tmp_path, text)))
    assert message in str(error.value)


def test_a_missing_file_is_a_clear_message(tmp_path):
    with pytest.raises(CommandError) as error:
        run(str(tmp_path / "khong-co.csv"))
    assert "Không đọc được tệp" in str(error.value)


def test_codes_are_compared_ignoring_case_like_the_portal_form(tmp_path):
    run(str(CATALOGUE))
    path = write_csv(
        tmp_path,
        HEADER + "tcvn iso 9001:2015,Hệ thống quản lý chất lượng – Các yêu cầu,"
        "management_system,true,36,,\n"
        "ISO 9001:2008,Hệ thống quản lý chất lượng,management_system,true,36,"
        "Tcvn Iso 9001:2015,\n",
    )

    run(str(path))

    assert Standard.objects.count() == 34
    assert Standard.objects.get(code="tcvn iso 9001:2015").superseded_by is None
    assert Standard.objects.get(code="ISO 9001:2008").superseded_by.code == "tcvn iso 9001:2015"
    duplicate = write_csv(tmp_path, HEADER + GOOD + "iso 9001:2015,X,scheme,true,,,\n", "d.csv")
    with pytest.raises(CommandError, match="Dòng 4: số hiệu iso 9001:2015 đã có ở dòng 2"):
        run(str(duplicate))
