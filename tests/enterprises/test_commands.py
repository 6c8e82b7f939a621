"""The reference-data commands (load_admin_units, load_unit_origins, load_sectors,
load_sector_crosswalk) and seed_demo."""

import csv
import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from enterprises.choices import MembershipRole, MembershipState, UnitLevel
from enterprises.management.csvdata import BUNDLED_DIR, default_data_path
from enterprises.models import (
    AdministrativeUnit,
    Enterprise,
    Membership,
    Sector,
    SectorCrosswalk,
    UnitAssignment,
    UnitOrigin,
)
from enterprises.validators import validate_tax_code
from laichau_nsc.management.commands.seed_demo import (
    DEMO_A_TAX_CODE,
    DEMO_B_TAX_CODE,
    DEMO_PASSWORD,
    ENTERPRISES,
)

pytestmark = pytest.mark.django_db

User = get_user_model()
UNITS_CSV = default_data_path("laichau_admin_units.csv")
VSIC_CSV = default_data_path("vsic2018.csv")
ORIGINS_CSV = default_data_path("laichau_commune_origins.csv")
CROSSWALK_CSV = default_data_path("vsic2018_to_2025.csv")
ORIGINS_HEADER = "commune_code,commune_name,district_code,district_name,source_note\n"
CROSSWALK_HEADER = "code_2018,code_2025,note\n"
HEADER = "code,name,level,parent_code,valid_from,valid_to\n"
DISTRICTS_END = datetime.date(2025, 6, 30)
COMMUNES_START = datetime.date(2025, 7, 1)


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def run(command: str, *args, **options) -> str:
    if command == "seed_demo":
        # pytest runs without DEBUG, like production: seed_demo must be told it is not.
        options.setdefault("not_production", True)
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def write_csv(tmp_path: Path, text: str, name: str = "units.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- load_admin_units ---------------------------------------------------------------------------


def test_load_admin_units_loads_every_row_of_the_file():
    run("load_admin_units", str(UNITS_CSV))

    rows = csv_rows(UNITS_CSV)
    assert AdministrativeUnit.objects.count() == len(rows) == 47
    province = AdministrativeUnit.objects.get(level=UnitLevel.PROVINCE)
    districts = AdministrativeUnit.objects.filter(level=UnitLevel.DISTRICT)
    assert districts.count() == 8
    assert set(districts.values_list("valid_to", flat=True)) == {DISTRICTS_END}
    new_units = AdministrativeUnit.objects.valid_on(COMMUNES_START).exclude(pk=province.pk)
    assert new_units.count() == 38
    assert set(new_units.values_list("parent", flat=True)) == {province.pk}
    assert set(districts.values_list("parent", flat=True)) == {province.pk}


def test_load_admin_units_twice_changes_nothing():
    run("load_admin_units", str(UNITS_CSV))
    before = list(AdministrativeUnit.objects.values().order_by("pk"))

    out = run("load_admin_units", str(UNITS_CSV))

    assert list(AdministrativeUnit.objects.values().order_by("pk")) == before
    assert "thêm mới 0, cập nhật 0" in out


def test_load_admin_units_without_a_path_uses_the_bundled_copy_when_shared_data_is_absent(
    settings, tmp_path
):
    settings.BASE_DIR = tmp_path / "main"  # no ../shared/data next to it
    assert default_data_path("laichau_admin_units.csv") == BUNDLED_DIR / "laichau_admin_units.csv"

    run("load_admin_units")

    assert AdministrativeUnit.objects.count() == len(
        csv_rows(BUNDLED_DIR / "laichau_admin_units.csv")
    )


def test_load_admin_units_updates_a_corrected_row_in_place(tmp_path):
    run("load_admin_units", str(write_csv(tmp_path, HEADER + "99,Tỉnh Thử,province,,,\n")))
    unit = AdministrativeUnit.objects.get(code="99")

    run("load_admin_units", str(write_csv(tmp_path, HEADER + "99,Tỉnh Thử Nghiệm,province,,,\n")))

    unit.refresh_from_db()
    assert unit.name == "Tỉnh Thử Nghiệm"
    assert AdministrativeUnit.objects.count() == 1


def test_load_admin_units_links_the_parent_valid_on_the_childs_first_day(tmp_path):
    # Province 99 exists twice (before and after a reorganisation); each child gets its own.
    path = write_csv(
        tmp_path,
        HEADER + "99,Tỉnh Cũ,province,,,2025-06-30\n"
        "99,Tỉnh Mới,province,,2025-07-01,\n"
        "991,Huyện Cũ,district,99,,2025-06-30\n"
        "99101,Xã Mới,commune,99,2025-07-01,\n",
    )

    run("load_admin_units", str(path))

    assert AdministrativeUnit.objects.get(code="991").parent.name == "Tỉnh Cũ"
    assert AdministrativeUnit.objects.get(code="99101").parent.name == "Tỉnh Mới"


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ("992,Huyện Lạ,huyen,99,,", "Dòng 4: cấp “huyen” không hợp lệ"),
        ("992,Huyện Lạ,district,99,01/07/2025,", "Dòng 4: ngày “01/07/2025” ở cột valid_from"),
        ("992,Huyện Lạ,district,99,2025-02-30,", "Dòng 4: ngày “2025-02-30”"),
        ("992,Huyện Lạ,district,77,,", "Dòng 4: không tìm thấy đơn vị cấp trên có mã 77"),
        ("992,Huyện Lạ,district,99,2025-07-01,2025-06-30", "Dòng 4: ngày hết hiệu lực trước"),
        ("991,Huyện Đôi,district,99,,", "Dòng 4: mã 991 với cùng ngày hiệu lực đã có ở dòng 3"),
    ],
)
def test_load_admin_units_refuses_a_bad_file_and_writes_nothing(tmp_path, bad_row, message):
    path = write_csv(
        tmp_path, HEADER + "99,Tỉnh Thử,province,,,\n991,Huyện Tốt,district,99,,\n" + bad_row + "\n"
    )

    with pytest.raises(CommandError, match=message) as excinfo:
        run("load_admin_units", str(path))

    assert "chưa ghi dòng nào" in str(excinfo.value)
    assert not AdministrativeUnit.objects.exists()


def test_load_admin_units_refuses_a_file_without_the_expected_columns(tmp_path):
    path = write_csv(tmp_path, "code,name\n99,Tỉnh Thử\n")

    with pytest.raises(CommandError, match="thiếu cột: level, parent_code"):
        run("load_admin_units", str(path))


def test_load_admin_units_leaves_loaded_units_alone_when_a_new_file_is_bad(tmp_path):
    run("load_admin_units", str(UNITS_CSV))
    before = list(AdministrativeUnit.objects.values().order_by("pk"))
    # The first row would rename the province; the second is bad, so neither is written.
    path = write_csv(tmp_path, HEADER + "12,Tỉnh Đổi Tên,province,,,\n999,Huyện X,xa,12,,\n")

    with pytest.raises(CommandError):
        run("load_admin_units", str(path))

    assert list(AdministrativeUnit.objects.values().order_by("pk")) == before


# --- load_sectors -------------------------------------------------------------------------------


def test_load_sectors_loads_the_sections_and_divisions_of_vsic_2018():
    run("load_sectors", str(VSIC_CSV), version="VSIC2018")

    vsic = Sector.objects.filter(version="VSIC2018")
    assert vsic.filter(level="section").count() == 21
    assert vsic.filter(level="division").count() == 88
    assert not vsic.filter(level="division", parent__isnull=True).exists()
    division = vsic.get(code="10")
    assert (division.parent.code, division.parent.version) == ("C", "VSIC2018")
    assert division.name == "Sản xuất, chế biến thực phẩm"


def test_load_sectors_twice_changes_nothing():
    run("load_sectors", str(VSIC_CSV), version="VSIC2018")
    before = list(Sector.objects.values().order_by("pk"))

    run("load_sectors", str(VSIC_CSV), version="VSIC2018")

    assert list(Sector.objects.values().order_by("pk")) == before


def test_load_sectors_loads_a_second_version_beside_the_first(tmp_path):
    run("load_sectors", str(VSIC_CSV), version="VSIC2018")
    before = list(Sector.objects.filter(version="VSIC2018").values().order_by("pk"))
    path = write_csv(
        tmp_path,
        "code,level,parent_code,name_vi,name_en\n"
        "J,section,,XUẤT BẢN VÀ PHÁT THANH,Publishing and broadcasting\n"
        "K,section,,VIỄN THÔNG VÀ CÔNG NGHỆ THÔNG TIN,Telecommunications\n"
        "58,division,J,Hoạt động xuất bản,Publishing activities\n"
        "61,division,K,Viễn thông,Telecommunications\n",
        name="vsic2025.csv",
    )

    run("load_sectors", str(path), "--version", "VSIC2025")

    assert list(Sector.objects.filter(version="VSIC2018").values().order_by("pk")) == before
    new = Sector.objects.filter(version="VSIC2025")
    assert new.count() == 4
    assert new.get(code="61").parent == new.get(code="K")
    assert Sector.objects.get(version="VSIC2018", code="61").parent.code == "J"


def test_load_sectors_asks_for_the_version_of_a_given_file():
    with pytest.raises(CommandError, match="--version"):
        run("load_sectors", str(VSIC_CSV))

    assert not Sector.objects.exists()


def test_load_sectors_refuses_a_division_without_its_section_and_writes_nothing(tmp_path):
    path = write_csv(
        tmp_path,
        "code,level,parent_code,name_vi,name_en\n"
        "A,section,,NÔNG NGHIỆP,Agriculture\n"
        "01,division,A,Nông nghiệp,Crop production\n"
        "10,division,C,Chế biến thực phẩm,Food\n"
        "99,group,A,Nhóm,Group\n",
    )

    with pytest.raises(CommandError) as excinfo:
        run("load_sectors", str(path), version="VSIC2018")

    message = str(excinfo.value)
    assert "Dòng 4: không tìm thấy ngành cấp 1 có mã C" in message
    assert "Dòng 5: cấp “group” không hợp lệ" in message
    assert not Sector.objects.exists()


def test_load_sectors_without_a_path_loads_vsic_2025_for_that_version():
    out = run("load_sectors", version="VSIC2025")

    vsic = Sector.objects.filter(version="VSIC2025")
    assert (vsic.filter(level="section").count(), vsic.filter(level="division").count()) == (22, 87)
    assert not vsic.filter(code="45").exists()  # 2018's division 45 has no 2025 counterpart
    assert "VIỄN THÔNG" in vsic.get(code="K").name  # J was split into J and K
    assert "vsic2025.csv" in out


# --- load_unit_origins --------------------------------------------------------------------------


@pytest.fixture
def units():
    run("load_admin_units", str(UNITS_CSV))
    return {u.name: u for u in AdministrativeUnit.objects.all()}


def origins_of(name: str) -> set[str]:
    return set(
        UnitOrigin.objects.filter(successor__name=name).values_list("predecessor__name", flat=True)
    )


def test_load_unit_origins_links_every_new_commune_to_its_former_districts(units):
    out = run("load_unit_origins", str(ORIGINS_CSV))

    assert UnitOrigin.objects.count() == len(csv_rows(ORIGINS_CSV)) == 44
    assert origins_of("Phường Tân Phong") == {"Thành phố Lai Châu", "Huyện Tam Đường"}
    assert origins_of("Xã Bình Lư") == {"Huyện Tam Đường"}
    new_units = AdministrativeUnit.objects.valid_on(COMMUNES_START).exclude(level="province")
    assert not new_units.filter(origins__isnull=True).exists()
    assert set(UnitOrigin.objects.values_list("predecessor__level", flat=True)) == {"district"}
    assert "NQ 1670/NQ-UBTVQH15" in UnitOrigin.objects.first().note
    assert "thêm mới 44" in out


def test_load_unit_origins_twice_changes_nothing(units):
    run("load_unit_origins", str(ORIGINS_CSV))
    before = list(UnitOrigin.objects.values().order_by("pk"))

    out = run("load_unit_origins", str(ORIGINS_CSV))

    assert list(UnitOrigin.objects.values().order_by("pk")) == before
    assert "thêm mới 0, cập nhật 0, bỏ 0" in out


def test_load_unit_origins_replaces_the_origins_of_the_communes_a_file_corrects(units, tmp_path):
    run("load_unit_origins", str(ORIGINS_CSV))
    path = write_csv(
        tmp_path, ORIGINS_HEADER + "03408,Phường Tân Phong,105,Thành phố Lai Châu,sửa\n"
    )

    out = run("load_unit_origins", str(path))

    assert origins_of("Phường Tân Phong") == {"Thành phố Lai Châu"}
    assert UnitOrigin.objects.get(successor__name="Phường Tân Phong").note == "sửa"
    assert origins_of("Phường Đoàn Kết") == {"Thành phố Lai Châu", "Huyện Phong Thổ"}
    assert "cập nhật 1, bỏ 1" in out


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ("03999,Xã Không Có,106,Huyện Tam Đường,", "Dòng 3: không tìm thấy đơn vị mới có mã 03999"),
        ("03390,Xã Bình Lư,777,Huyện Lạ,", "Dòng 3: không tìm thấy đơn vị cũ có mã 777"),
        (
            "03390,Xã Bình Lư,03408,Phường Tân Phong,",
            "Dòng 3: không tìm thấy đơn vị cũ có mã 03408",
        ),
        ("03390,Xã Bình Lư,106,Huyện Than Uyên,", "Dòng 3: mã 106 là “Huyện Tam Đường”"),
        ("03390,Xã Bản Bo,106,Huyện Tam Đường,", "Dòng 3: mã 03390 là “Xã Bình Lư”"),
        ("03390,Xã Bình Lư,106,Huyện Tam Đường,", "Dòng 3: cặp 03390 ← 106 đã có ở dòng 2"),
        ("03390,Xã Bình Lư,03390,Xã Bình Lư,", "Dòng 3: đơn vị không thể có nguồn gốc từ chính nó"),
        (",Xã Bình Lư,106,Huyện Tam Đường,", "Dòng 3: thiếu commune_code"),
    ],
)
def test_load_unit_origins_refuses_a_bad_file_and_writes_nothing(units, tmp_path, bad_row, message):
    path = write_csv(
        tmp_path, ORIGINS_HEADER + "03390,Xã Bình Lư,106,Huyện Tam Đường,\n" + bad_row + "\n"
    )

    with pytest.raises(CommandError, match=message) as excinfo:
        run("load_unit_origins", str(path))

    assert "chưa ghi dòng nào" in str(excinfo.value)
    assert not UnitOrigin.objects.exists()


def test_load_unit_origins_without_units_says_to_load_them_first(tmp_path):
    with pytest.raises(CommandError, match="hãy nạp đơn vị hành chính trước"):
        run("load_unit_origins", str(ORIGINS_CSV))


# --- load_sector_crosswalk ------------------------------------------------------------------------


@pytest.fixture
def both_versions():
    run("load_sectors", version="VSIC2018")
    run("load_sectors", version="VSIC2025")


def targets_of(code: str) -> set[str]:
    pairs = SectorCrosswalk.objects.filter(source__code=code)
    return set(pairs.values_list("target__code", flat=True))


def test_load_sector_crosswalk_maps_2018_divisions_to_2025(both_versions):
    run("load_sector_crosswalk", str(CROSSWALK_CSV))

    assert SectorCrosswalk.objects.count() == len(csv_rows(CROSSWALK_CSV)) == 98
    assert targets_of("45") == {"46", "47", "95"}  # division 45 was dissolved
    assert targets_of("30") == {"25", "30"}  # a split
    assert targets_of("10") == {"10"}
    pair = SectorCrosswalk.objects.select_related("source", "target").first()
    assert (pair.source.version, pair.target.version) == ("VSIC2018", "VSIC2025")
    assert set(SectorCrosswalk.objects.values_list("source__level", flat=True)) == {"division"}


def test_load_sector_crosswalk_twice_changes_nothing(both_versions):
    run("load_sector_crosswalk", str(CROSSWALK_CSV))
    before = list(SectorCrosswalk.objects.values().order_by("pk"))

    out = run("load_sector_crosswalk", str(CROSSWALK_CSV))

    assert list(SectorCrosswalk.objects.values().order_by("pk")) == before
    assert "thêm mới 0, cập nhật 0, bỏ 0" in out


def test_load_sector_crosswalk_drops_pairs_a_corrected_file_no_longer_has(both_versions, tmp_path):
    run("load_sector_crosswalk", str(CROSSWALK_CSV))

    out = run("load_sector_crosswalk", str(write_csv(tmp_path, CROSSWALK_HEADER + "01,01,x\n")))

    assert list(SectorCrosswalk.objects.values_list("source__code", "target__code", "note")) == [
        ("01", "01", "x")
    ]
    assert "cập nhật 1, bỏ 97" in out


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ("45,45,", "Dòng 3: không có ngành mã 45 trong VSIC2025"),
        ("04,01,", "Dòng 3: không có ngành mã 04 trong VSIC2018"),
        (",01,", "Dòng 3: thiếu code_2018"),
        ("01,01,lặp lại", "Dòng 3: cặp 01 → 01 đã có ở dòng 2"),
    ],
)
def test_load_sector_crosswalk_refuses_a_bad_file_and_writes_nothing(
    both_versions, tmp_path, bad_row, message
):
    path = write_csv(tmp_path, CROSSWALK_HEADER + "01,01,one-to-one\n" + bad_row + "\n")

    with pytest.raises(CommandError, match=message) as excinfo:
        run("load_sector_crosswalk", str(path))

    assert "chưa ghi dòng nào" in str(excinfo.value)
    assert not SectorCrosswalk.objects.exists()


@pytest.mark.parametrize(
    ("command", "filename"),
    [
        ("load_unit_origins", "laichau_commune_origins.csv"),
        ("load_sector_crosswalk", "vsic2018_to_2025.csv"),
    ],
)
def test_new_loaders_fall_back_to_the_bundled_copy(settings, tmp_path, command, filename):
    run("load_admin_units")
    run("load_sectors", version="VSIC2018")
    run("load_sectors", version="VSIC2025")
    settings.BASE_DIR = tmp_path / "main"  # no ../shared/data next to it

    out = run(command)

    assert str(BUNDLED_DIR / filename) in out
    assert "thêm mới" in out


# --- seed_demo ----------------------------------------------------------------------------------


def counts() -> dict[str, int]:
    return {
        "units": AdministrativeUnit.objects.count(),
        "origins": UnitOrigin.objects.count(),
        "sectors": Sector.objects.count(),
        "crosswalk": SectorCrosswalk.objects.count(),
        "users": User.objects.count(),
        "enterprises": Enterprise.objects.count(),
        "enterprise_history": Enterprise.history.count(),
        "assignments": UnitAssignment.objects.count(),
        "memberships": Membership.objects.count(),
        "membership_history": Membership.history.count(),
    }


@pytest.fixture
def seeded() -> str:
    return run("seed_demo")


def test_seed_demo_twice_changes_nothing(seeded):
    first = counts()
    assert first["enterprises"] == len(ENTERPRISES) >= 55
    assert first["assignments"] == 2 * first["enterprises"]
    assert first["enterprise_history"] == first["enterprises"]

    run("seed_demo")

    assert counts() == first


def test_seed_demo_keeps_what_users_changed(seeded):
    enterprise = Enterprise.objects.get(tax_code=DEMO_A_TAX_CODE)
    Enterprise.objects.filter(pk=enterprise.pk).update(phone="0999 999 999")
    officer = User.objects.get(username="canbo")
    officer.set_password("doi-mat-khau-Rieng-1")
    officer.save()
    Membership.objects.filter(user__username="doanhnghiep2").update(state=MembershipState.REVOKED)

    run("seed_demo")

    assert Enterprise.objects.get(pk=enterprise.pk).phone == "0999 999 999"
    assert User.objects.get(username="canbo").check_password("doi-mat-khau-Rieng-1")
    assert Membership.objects.get(user__username="doanhnghiep2").state == MembershipState.REVOKED


def test_seed_demo_prints_the_address_and_the_logins(seeded):
    assert "http://127.0.0.1:8000" in seeded
    for username in ("canbo", "lanhdao", "doanhnghiep", "doanhnghiep2", "admin"):
        assert username in seeded
    assert DEMO_PASSWORD in seeded


def test_seed_demo_prints_the_address_the_portal_is_served_on(db, settings):
    # make run with PORT=8101 sets SITE_URL=http://127.0.0.1:8101
    settings.SITE_URL = "http://127.0.0.1:8101"
    printed = run("seed_demo")
    assert "http://127.0.0.1:8101/" in printed
    assert ":8000" not in printed


@pytest.mark.parametrize(
    ("username", "groups"),
    [
        ("canbo", ["officer"]),
        ("lanhdao", ["leader"]),
        ("doanhnghiep", ["enterprise"]),
        ("doanhnghiep2", ["enterprise"]),
        ("admin", []),
    ],
)
def test_seed_demo_users_have_their_role_and_the_demo_password(seeded, username, groups):
    user = User.objects.get(username=username)

    assert list(user.groups.values_list("name", flat=True)) == groups
    assert user.check_password(DEMO_PASSWORD)
    assert user.is_superuser == (username == "admin")


@pytest.mark.parametrize(
    ("username", "tax_code"), [("doanhnghiep", DEMO_A_TAX_CODE), ("doanhnghiep2", DEMO_B_TAX_CODE)]
)
def test_seed_demo_enterprise_users_are_approved_representatives(seeded, username, tax_code):
    membership = Membership.objects.get(user__username=username)

    assert membership.enterprise.tax_code == tax_code
    assert membership.state == MembershipState.APPROVED
    assert membership.role == MembershipRole.REPRESENTATIVE
    assert membership.decided_by.username == "canbo"
    assert membership.full_name
    assert membership.phone
    assert membership.email


def test_seed_demo_enterprises_have_valid_tax_codes_of_every_kind(seeded):
    tax_codes = list(Enterprise.objects.values_list("tax_code", flat=True))

    for tax_code in tax_codes:
        validate_tax_code(tax_code)  # raises ValidationError on a bad one
    assert any("-" in t for t in tax_codes)  # branches
    assert any(len(t) == 12 and t.startswith("012") for t in tax_codes)  # household IDs
    ten_digit = [t for t in tax_codes if len(t) == 10]
    assert ten_digit
    assert all(t.startswith("62") for t in ten_digit)
    for household in Enterprise.objects.filter(tax_code__regex=r"^\d{12}$"):
        assert household.legal_form == "household"


def test_seed_demo_enterprises_are_complete_and_searchable(seeded):
    enterprise = Enterprise.objects.get(tax_code=DEMO_A_TAX_CODE)

    assert enterprise.name == "Công ty cổ phần Chè Tam Đường"
    assert Enterprise.objects.search("che tam duong").filter(pk=enterprise.pk).exists()
    history = enterprise.history.get()
    assert history.history_user.username == "canbo"
    assert Enterprise.objects.get(tax_code=DEMO_B_TAX_CODE).legal_form == "cooperative"
    assert not Enterprise.objects.filter(search_text="").exists()
    assert not Enterprise.objects.filter(sector__isnull=True).exists()
    assert set(Enterprise.objects.values_list("status", flat=True)) == {"active", "suspended"}


def test_seed_demo_enterprises_keep_their_district_until_the_merger_and_commune_after(seeded):
    for enterprise in Enterprise.objects.prefetch_related("unit_assignments__unit"):
        district, commune = enterprise.unit_assignments.all()

        assert district.unit.level == UnitLevel.DISTRICT
        assert district.valid_to == DISTRICTS_END
        assert district.valid_from == enterprise.founded_on
        assert commune.unit.level in (UnitLevel.COMMUNE, UnitLevel.WARD)
        assert (commune.valid_from, commune.valid_to) == (COMMUNES_START, None)
        assert enterprise.admin_unit_id == commune.unit_id


def test_seed_demo_spreads_enterprises_over_every_district(seeded):
    districts = UnitAssignment.objects.filter(unit__level=UnitLevel.DISTRICT)

    assert districts.values("unit").distinct().count() == 8


def test_seed_demo_refuses_to_run_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--i-know-this-is-not-production"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.filter(username="admin").exists()


def test_seed_demo_runs_with_debug(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    assert User.objects.get(username="admin").is_superuser


def test_seed_demo_loads_both_classifications_and_the_crosswalk(seeded):
    assert set(Sector.objects.values_list("version", flat=True)) == {"VSIC2018", "VSIC2025"}
    assert SectorCrosswalk.objects.count() == 98
    assert UnitOrigin.objects.count() == 44
    # The demo records were registered before 15/11/2025: they keep VSIC 2018.
    assert set(Enterprise.objects.values_list("sector__version", flat=True)) == {"VSIC2018"}


def test_seed_demo_moves_each_enterprise_to_a_commune_that_came_from_its_district(seeded):
    origins = set(UnitOrigin.objects.values_list("successor_id", "predecessor_id"))
    for enterprise in Enterprise.objects.prefetch_related("unit_assignments"):
        district, commune = enterprise.unit_assignments.all()

        assert (commune.unit_id, district.unit_id) in origins, enterprise.name
