"""``manage.py seed_demo``: Lai Châu demo data for trying the portal.

Loads the administrative units with the origins of the communes of 1 July 2025, VSIC 2018 and
VSIC 2025 with the crosswalk between them, the standards catalogue (codes not there yet:
portal edits stay), creates the demo logins and about sixty enterprises,
cooperatives and household businesses (registered under VSIC 2018) with their unit history, and
the two demo enterprise accounts. Running it again changes nothing: whatever exists (a user, an enterprise by
tax code, a membership) is left as it is, so data entered in the portal survives.

Every name, tax code, person, address and phone number below is invented for the demo.
"""

# ruff: noqa: E501 - the table of demo enterprises keeps one enterprise per line

import datetime
import zlib
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from stdnum.vn import mst

from enterprises.choices import (
    ClassificationVersion,
    EnterpriseStatus,
    LegalForm,
    MembershipRole,
    MembershipState,
    SectorLevel,
    SizeClass,
    UnitLevel,
)
from enterprises.models import (
    AdministrativeUnit,
    Enterprise,
    Membership,
    Sector,
    UnitAssignment,
    UnitOrigin,
)
from laichau_nsc.roles import Role
from programs.demo import seed_programs_demo
from standards.demo import seed_standards_demo

User = get_user_model()

DEMO_PASSWORD = "NSC@2026demo"  # noqa: S105 - the documented demo password, printed at the end
LAI_CHAU_MST_PREFIX = "62"  # tax codes issued in Lai Châu start with the province's 62
DISTRICTS_END = datetime.date(2025, 6, 30)
COMMUNES_START = datetime.date(2025, 7, 1)


def demo_tax_code(label: str) -> str:
    """A Lai Châu tax code (62 + 7 digits + MST check digit) that depends only on ``label``.

    About one prefix in eleven has no valid check digit (the formula gives 10); the next
    serial is taken then.
    """
    serial = zlib.crc32(label.encode()) % 10_000_000
    while True:
        nine = f"{LAI_CHAU_MST_PREFIX}{serial:07d}"
        check = mst.calc_check_digit(nine)
        if len(check) == 1 and serial:
            return nine + check
        serial = (serial + 1) % 10_000_000


class Demo(NamedTuple):
    name: str
    legal_form: str
    sector: str  # VSIC 2018 division
    commune: str
    street: str  # hamlet (bản) or residential group (tổ dân phố)
    representative: str
    employees: int
    founded: datetime.date
    short_name: str = ""
    title: str = "Giám đốc"
    status: str = EnterpriseStatus.ACTIVE
    # Empty: generated from the name; "-001": a branch of branch_of; 12 digits: the owner's
    # personal ID (a household business since 1 July 2025), 012 being Lai Châu's code.
    tax_code: str = ""
    branch_of: str = ""
    email: bool = True


D = datetime.date
JSC, LLC1, LLC2 = LegalForm.JOINT_STOCK, LegalForm.LLC_SINGLE, LegalForm.LLC_MULTI
COOP, HH, EST, PRIV = (
    LegalForm.COOPERATIVE,
    LegalForm.HOUSEHOLD,
    LegalForm.ESTABLISHMENT,
    LegalForm.PRIVATE,
)
DIRECTOR_HTX = "Giám đốc HTX"
OWNER = "Chủ hộ kinh doanh"
SUSPENDED = EnterpriseStatus.SUSPENDED

DEMO_A_NAME = "Công ty cổ phần Chè Tam Đường"
DEMO_B_NAME = "Hợp tác xã Nông nghiệp Tân Uyên"
BUILDER = "Công ty cổ phần Xây dựng và Thương mại Lai Châu"
TEA_THAN_UYEN = "Công ty cổ phần Chè Than Uyên"
AGRO_TRADE = "Công ty TNHH Thương mại Nông sản Lai Châu"

# fmt: off
# The demo enterprises by the district (code) they were in until 30/06/2025; each is in a
# commune of 01/07/2025 that came (wholly or in part) from that district, as the official
# origins say (laichau_commune_origins.csv, loaded as UnitOrigin). seed_demo checks it.
DEMO_DISTRICTS: dict[str, tuple[Demo, ...]] = {
    "105": (  # Thành phố Lai Châu
        Demo(BUILDER, JSC, "41", "Phường Tân Phong", "Tổ dân phố số 9", "Nguyễn Văn Hùng", 146, D(2006, 5, 18), "LACICO"),
        Demo(AGRO_TRADE, LLC2, "46", "Phường Đoàn Kết", "Tổ dân phố số 4", "Trần Thị Thanh Huyền", 24, D(2015, 9, 7)),
        Demo("Công ty TNHH Khách sạn Đoàn Kết", LLC1, "55", "Phường Đoàn Kết", "Đường Trần Hưng Đạo, tổ dân phố số 12", "Phạm Minh Đức", 38, D(2012, 3, 26)),
        Demo("Công ty TNHH Ẩm thực Tây Bắc Lai Châu", LLC1, "56", "Phường Tân Phong", "Đường Lê Duẩn, tổ dân phố số 6", "Lường Thị Thu", 16, D(2019, 11, 4)),
        Demo("Công ty cổ phần Bê tông Tân Phong", JSC, "23", "Phường Tân Phong", "Tổ dân phố số 21", "Đỗ Quang Vinh", 72, D(2010, 7, 15)),
        Demo("Công ty TNHH Nấm Lai Châu", LLC1, "01", "Phường Đoàn Kết", "Tổ dân phố số 17", "Vũ Thị Ngọc Ánh", 11, D(2020, 2, 20)),
        Demo("Doanh nghiệp tư nhân Vật liệu xây dựng Đoàn Kết", PRIV, "47", "Phường Đoàn Kết", "Đường 30 tháng 4, tổ dân phố số 2", "Hoàng Văn Toản", 9, D(2009, 8, 10), title="Chủ doanh nghiệp"),
        Demo("Công ty cổ phần Rượu Tây Bắc Lai Châu", JSC, "11", "Phường Tân Phong", "Tổ dân phố số 14", "Bùi Văn Khải", 27, D(2016, 6, 1)),
        Demo("Công ty TNHH Dược liệu Lai Châu", LLC2, "21", "Phường Đoàn Kết", "Tổ dân phố số 8", "Lê Thị Hồng Nhung", 19, D(2018, 4, 12)),
        Demo("Công ty TNHH Du lịch Khám phá Lai Châu", LLC1, "79", "Phường Tân Phong", "Đường Võ Nguyên Giáp, tổ dân phố số 5", "Đèo Văn Long", 7, D(2021, 3, 3)),
        Demo("Hộ kinh doanh Cà phê Phố Núi", HH, "56", "Phường Tân Phong", "Tổ dân phố số 3", "Nguyễn Thị Mai Anh", 3, D(2022, 10, 15), title=OWNER, tax_code="012193004512", email=False),
    ),
    "106": (  # Huyện Tam Đường
        Demo(DEMO_A_NAME, JSC, "10", "Xã Bình Lư", "Tổ dân phố số 3", "Lò Văn Thắng", 86, D(2008, 3, 12), "Chè Tam Đường"),
        Demo("Hợp tác xã Chè Shan tuyết Khun Há", COOP, "01", "Xã Khun Há", "Bản Phiêng Phát", "Sùng A Dơ", 14, D(2017, 5, 22), title=DIRECTOR_HTX),
        Demo("Công ty TNHH Chè Sơn Bình", LLC1, "10", "Xã Bản Bo", "Bản Nà Bỏ", "Tao Văn Sơn", 34, D(2013, 8, 30)),
        Demo("Hợp tác xã Dịch vụ Nông nghiệp Bản Bo", COOP, "01", "Xã Bản Bo", "Bản Nà Đon", "Lò Văn Chung", 21, D(2014, 1, 9), title=DIRECTOR_HTX),
        Demo("Công ty TNHH Miến dong Bình Lư", LLC1, "10", "Xã Bình Lư", "Bản Nà Khum", "Vàng Thị Mai", 18, D(2016, 10, 3)),
        Demo("Hợp tác xã Rau an toàn Bình Lư", COOP, "01", "Xã Bình Lư", "Bản Cư Nhà La", "Lù Văn Pọm", 12, D(2019, 3, 18), title=DIRECTOR_HTX),
        Demo("Công ty TNHH Mắc ca Tam Đường", LLC2, "10", "Xã Tả Lèng", "Bản Lùng Thàng", "Nguyễn Đức Thịnh", 41, D(2018, 12, 5)),
        Demo("Hộ kinh doanh Mật ong Khun Há", HH, "01", "Xã Khun Há", "Bản Khun Há", "Giàng A Páo", 2, D(2017, 7, 7), title=OWNER, email=False),
        Demo("Hợp tác xã Du lịch cộng đồng Tả Lèng", COOP, "55", "Xã Tả Lèng", "Bản Tả Lèng", "Chảo Láo Lở", 9, D(2020, 9, 1), title=DIRECTOR_HTX),
    ),
    "110": (  # Huyện Than Uyên
        Demo(TEA_THAN_UYEN, JSC, "10", "Xã Than Uyên", "Khu 8", "Hà Văn Quyết", 246, D(2005, 4, 1), "Chè Than Uyên"),
        Demo("Hợp tác xã Nông nghiệp Mường Than", COOP, "01", "Xã Mường Than", "Bản Mé", "Lường Văn Hoan", 26, D(2012, 11, 20), title=DIRECTOR_HTX),
        Demo("Hợp tác xã Gạo Séng Cù Mường Kim", COOP, "01", "Xã Mường Kim", "Bản Nà Ban", "Lò Văn Ơn", 18, D(2016, 2, 25), title=DIRECTOR_HTX),
        Demo("Hợp tác xã Thủy sản lòng hồ Bản Chát", COOP, "03", "Xã Khoen On", "Bản Ít Luông", "Lò Văn Nọi", 15, D(2018, 6, 14), title=DIRECTOR_HTX),
        Demo("Công ty TNHH Cá tầm Bản Chát", LLC1, "03", "Xã Mường Kim", "Bản Sắp Ngựa", "Trần Quốc Tuấn", 22, D(2019, 4, 8)),
        Demo("Công ty cổ phần Thủy điện Khoen On", JSC, "35", "Xã Khoen On", "Bản Pá Liềng", "Đinh Công Hiếu", 31, D(2011, 9, 19)),
        Demo("Hộ kinh doanh Rượu ngô Mường Than", HH, "11", "Xã Mường Than", "Bản Nà Phát", "Lò Thị Xuân", 2, D(2015, 12, 1), title=OWNER, tax_code="012186007731", email=False),
        Demo("Cơ sở sản xuất Mật ong Khoen On", EST, "01", "Xã Khoen On", "Bản Đán Tong", "Tòng Văn Pắn", 4, D(2019, 5, 20), title="Chủ cơ sở", email=False),
        Demo(f"Chi nhánh {BUILDER} tại Than Uyên", JSC, "41", "Xã Than Uyên", "Khu 3", "Nguyễn Văn Hải", 28, D(2017, 2, 14), title="Giám đốc chi nhánh", tax_code="-001", branch_of=BUILDER),
    ),
    "111": (  # Huyện Tân Uyên
        Demo(DEMO_B_NAME, COOP, "01", "Xã Tân Uyên", "Tổ dân phố 26", "Lò Thị Hương", 32, D(2014, 6, 16), "HTX NN Tân Uyên", title=DIRECTOR_HTX),
        Demo("Công ty TNHH Chè Mường Khoa", LLC1, "10", "Xã Mường Khoa", "Bản Nà Ban", "Hoàng Văn Tuấn", 63, D(2011, 3, 28)),
        Demo("Công ty cổ phần Trà Tân Uyên", JSC, "10", "Xã Tân Uyên", "Tổ dân phố 19", "Phạm Thị Hoa", 174, D(2007, 10, 10), "Trà Tân Uyên"),
        Demo("Hợp tác xã Chè Ô long Pắc Ta", COOP, "01", "Xã Pắc Ta", "Bản Pắc Ta", "Lò Văn Dũng", 17, D(2015, 8, 3), title=DIRECTOR_HTX),
        Demo("Hợp tác xã Mắc ca Tân Uyên", COOP, "01", "Xã Mường Khoa", "Bản Hua Chăng", "Lò Văn Thủy", 11, D(2019, 10, 21), title=DIRECTOR_HTX),
        Demo("Hộ kinh doanh Chè Nậm Sỏ", HH, "10", "Xã Nậm Sỏ", "Bản Nậm Sỏ", "Lò Văn Pâng", 3, D(2018, 3, 5), title=OWNER, tax_code="012084002689", email=False),
        Demo(f"Chi nhánh {TEA_THAN_UYEN} tại Tân Uyên", JSC, "10", "Xã Pắc Ta", "Bản Tát Xôm", "Hà Thị Thu", 48, D(2013, 5, 2), title="Giám đốc chi nhánh", tax_code="-001", branch_of=TEA_THAN_UYEN),
        Demo("Cơ sở sản xuất Miến dong Tân Uyên", EST, "10", "Xã Tân Uyên", "Bản Nà Bó", "Vì Văn Thanh", 6, D(2020, 12, 12), title="Chủ cơ sở", email=False),
    ),
    "108": (  # Huyện Sìn Hồ
        Demo("Hợp tác xã Thảo quả Sìn Hồ", COOP, "01", "Xã Sìn Hồ", "Bản Sìn Hồ", "Tẩn Láo Lở", 19, D(2016, 4, 11), title=DIRECTOR_HTX),
        Demo("Hợp tác xã Cá hồi Sìn Hồ", COOP, "03", "Xã Sìn Hồ", "Bản Phìn Hồ", "Lý Văn Chiến", 13, D(2017, 9, 25), title=DIRECTOR_HTX),
        Demo("Công ty TNHH Cá nước lạnh Tủa Sín Chải", LLC1, "03", "Xã Tủa Sín Chải", "Bản Tủa Sín Chải", "Nguyễn Văn Phương", 14, D(2018, 8, 8)),
        Demo("Hộ kinh doanh Miến dong Sìn Hồ", HH, "10", "Xã Sìn Hồ", "Bản Thành Công", "Lò Thị Pâng", 4, D(2016, 11, 28), title=OWNER, tax_code="012191003358", email=False),
        Demo("Hợp tác xã Dược liệu Pa Tần", COOP, "01", "Xã Pa Tần", "Bản Nậm Pa", "Pờ Thị Xé", 10, D(2021, 1, 18), title=DIRECTOR_HTX),
        Demo("Cơ sở sản xuất Rượu men lá Nậm Tăm", EST, "11", "Xã Nậm Tăm", "Bản Nậm Tăm", "Lò Văn Sinh", 3, D(2014, 7, 9), title="Chủ cơ sở", email=False),
        Demo(f"Chi nhánh {AGRO_TRADE} tại Sìn Hồ", LLC2, "46", "Xã Sìn Hồ", "Bản Thị Tứ", "Tẩn Thị Sử", 6, D(2020, 6, 30), title="Trưởng chi nhánh", tax_code="-001", branch_of=AGRO_TRADE),
    ),
    "109": (  # Huyện Phong Thổ
        Demo("Công ty cổ phần Nước khoáng Vàng Bó", JSC, "11", "Xã Khổng Lào", "Bản Vàng Bó", "Lê Văn Thành", 52, D(2009, 12, 22), "Nước khoáng Vàng Bó"),
        Demo("Hợp tác xã Du lịch cộng đồng Sin Suối Hồ", COOP, "55", "Xã Sin Suối Hồ", "Bản Sin Suối Hồ", "Vàng A Chu", 24, D(2015, 3, 30), title=DIRECTOR_HTX),
        Demo("Hợp tác xã Thảo quả Sì Lở Lầu", COOP, "46", "Xã Sì Lở Lầu", "Bản Sì Lở Lầu", "Sần Mạ Lán", 11, D(2018, 10, 2), title=DIRECTOR_HTX),
        Demo("Công ty TNHH Gạch không nung Phong Thổ", LLC1, "23", "Xã Phong Thổ", "Khu 5", "Vương Văn Khuyên", 33, D(2014, 5, 27)),
        Demo("Hợp tác xã Chè Dào San", COOP, "01", "Xã Dào San", "Bản Tả Phìn", "Phàn Văn Lở", 16, D(2019, 6, 17), title=DIRECTOR_HTX),
        Demo("Hộ kinh doanh Mật ong Dào San", HH, "47", "Xã Dào San", "Bản Dào San", "Lý Thị Mẩy", 2, D(2021, 4, 4), title=OWNER, email=False),
        Demo("Công ty TNHH Khai thác đá Phong Thổ", LLC1, "08", "Xã Phong Thổ", "Bản Pa So", "Trịnh Văn Lực", 26, D(2010, 1, 13), status=SUSPENDED),
    ),
    "107": (  # Huyện Mường Tè
        Demo("Công ty cổ phần Sâm Lai Châu Mường Tè", JSC, "01", "Xã Mường Tè", "Khu phố 3", "Phan Thanh Bình", 45, D(2019, 7, 22), "Sâm Mường Tè"),
        Demo("Hợp tác xã Sâm Lai Châu Mù Cả", COOP, "01", "Xã Mù Cả", "Bản Mù Cả", "Lỳ Giờ Xá", 12, D(2020, 11, 9), title=DIRECTOR_HTX),
        Demo("Công ty TNHH Dược liệu Mường Tè", LLC1, "21", "Xã Bum Tở", "Bản Bum Tở", "Chu Thị Hạnh", 17, D(2017, 2, 6)),
        Demo("Hộ kinh doanh Nhà nghỉ Sông Đà", HH, "55", "Xã Mường Tè", "Khu phố 7", "Pờ Thị Mý", 3, D(2013, 9, 16), title=OWNER, tax_code="012190008124", status=SUSPENDED, email=False),
        Demo("Hợp tác xã Thảo quả Thu Lũm", COOP, "01", "Xã Thu Lũm", "Bản Thu Lũm", "Lỳ Giờ Phạ", 9, D(2021, 8, 30), title=DIRECTOR_HTX),
    ),
    "112": (  # Huyện Nậm Nhùn
        Demo("Hợp tác xã Nông lâm nghiệp Nậm Hàng", COOP, "02", "Xã Nậm Hàng", "Bản Nậm Hàng", "Lò Văn Tiến", 14, D(2016, 5, 5), title=DIRECTOR_HTX),
        Demo("Công ty TNHH Chế biến gỗ Nậm Nhùn", LLC1, "16", "Xã Nậm Hàng", "Bản Nậm Nhùn", "Đặng Văn Tùng", 29, D(2015, 10, 19)),
        Demo("Hộ kinh doanh Tạp hóa Lê Lợi", HH, "47", "Xã Lê Lợi", "Bản Chang", "Lò Thị Diện", 1, D(2018, 1, 22), title=OWNER, email=False),
        Demo("Cơ sở sản xuất Nấm Mường Mô", EST, "01", "Xã Mường Mô", "Bản Nậm Củm", "Tao Văn Hoàng", 5, D(2022, 3, 14), title="Chủ cơ sở", email=False),
        Demo("Công ty TNHH Xây dựng Nậm Nhùn", LLC2, "42", "Xã Mường Mô", "Bản Mường Mô", "Hoàng Văn Nam", 58, D(2012, 8, 27)),
    ),
}
# fmt: on
ENTERPRISES: tuple[Demo, ...] = tuple(d for demos in DEMO_DISTRICTS.values() for d in demos)
DISTRICT_OF: dict[str, str] = {
    d.name: code for code, demos in DEMO_DISTRICTS.items() for d in demos
}


def tax_code_of(demo: Demo) -> str:
    if demo.tax_code.startswith("-"):
        return demo_tax_code(demo.branch_of) + demo.tax_code
    return demo.tax_code or demo_tax_code(demo.name)


DEMO_A_TAX_CODE = demo_tax_code(DEMO_A_NAME)
DEMO_B_TAX_CODE = demo_tax_code(DEMO_B_NAME)

# Decree 80/2021/NĐ-CP counts employees; trade and services have lower ceilings.
SERVICE_DIVISIONS = {"46", "47", "55", "56", "79"}
SIZE_CEILINGS = {True: (10, 50, 100), False: (10, 100, 200)}


def size_class_of(demo: Demo) -> str:
    if demo.legal_form in (HH, EST):
        return ""  # the size classes are defined for enterprises and cooperatives
    micro, small, medium = SIZE_CEILINGS[demo.sector in SERVICE_DIVISIONS]
    if demo.employees <= micro:
        return SizeClass.MICRO
    if demo.employees <= small:
        return SizeClass.SMALL
    return SizeClass.MEDIUM if demo.employees <= medium else SizeClass.LARGE


def phone_of(demo: Demo) -> str:
    """Landline (area code 0213) for companies, a mobile number for the others."""
    n = zlib.crc32(demo.name.encode("utf-8"))
    if demo.legal_form in (HH, EST, COOP):
        prefix = ("0912", "0983", "0868", "0357", "0977", "0915")[n % 6]
        return f"{prefix} {n // 7 % 1000:03d} {n // 7000 % 1000:03d}"
    return f"0213 3{n % 1000:03d} {n // 1000 % 1000:03d}"


LEGAL_PREFIXES = ("Công ty cổ phần ", "Công ty TNHH ", "Hợp tác xã ", "Doanh nghiệp tư nhân ")


def email_of(demo: Demo) -> str:
    if not demo.email:
        return ""
    if demo.branch_of:
        return ""  # a branch uses its company's address
    name = demo.short_name or demo.name
    for prefix in LEGAL_PREFIXES:
        name = name.removeprefix(prefix)
    return Enterprise.build_search_text(name).replace(" ", "") + "@example.vn"


class DemoUser(NamedTuple):
    username: str
    full_name: str
    role: Role
    enterprise: str = ""  # tax code of the enterprise the user acts for


DEMO_USERS = (
    DemoUser("canbo", "Nguyễn Thị Lan", Role.OFFICER),
    DemoUser("lanhdao", "Trần Văn Minh", Role.LEADER),
    DemoUser("doanhnghiep", "Lò Văn Thắng", Role.ENTERPRISE, DEMO_A_TAX_CODE),
    DemoUser("doanhnghiep2", "Lò Thị Hương", Role.ENTERPRISE, DEMO_B_TAX_CODE),
)


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu của tỉnh Lai Châu (chạy lại nhiều lần không tạo bản ghi trùng)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--i-know-this-is-not-production",
            action="store_true",
            dest="not_production",
            help="Chạy cả khi DEBUG tắt (ví dụ máy thử nghiệm dùng cấu hình như máy thật).",
        )

    def handle(self, *args, not_production: bool = False, **options) -> None:
        if not (settings.DEBUG or not_production):
            # The demo creates the superuser "admin" with the password printed in README.
            raise CommandError(
                "seed_demo tạo tài khoản quản trị 'admin' với mật khẩu công khai trong README: "
                "không chạy trên máy thật. DEBUG đang tắt; nếu đây là máy thử nghiệm, chạy lại "
                "với --i-know-this-is-not-production."
            )
        self.verbosity = options["verbosity"]
        with transaction.atomic():
            for command, options in (
                ("load_admin_units", {}),
                ("load_unit_origins", {}),
                ("load_sectors", {"version": ClassificationVersion.VSIC2018}),
                ("load_sectors", {"version": ClassificationVersion.VSIC2025}),
                ("load_sector_crosswalk", {}),
            ):
                call_command(command, verbosity=self.verbosity, stdout=self.stdout, **options)
            call_command(
                "load_standards", new_only=True, verbosity=self.verbosity, stdout=self.stdout
            )
            users = self.seed_users()
            created = self.seed_enterprises(officer=users["canbo"])
            memberships = self.seed_memberships(users)
            self.stdout.write(seed_standards_demo(officer=users["canbo"]).summary())
            self.stdout.write(seed_programs_demo(officer=users["canbo"]).summary())
        self.stdout.write(
            f"Doanh nghiệp mẫu: thêm mới {created}/{len(ENTERPRISES)}; "
            f"tài khoản doanh nghiệp mới: {memberships}."
        )
        self.print_logins()

    def seed_users(self) -> dict[str, "User"]:
        """The demo logins; a password is set only when the user is created."""
        groups = {r: Group.objects.get_or_create(name=r)[0] for r in Role}
        users = {}
        for demo in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=demo.username,
                defaults={"first_name": demo.full_name, "email": f"{demo.username}@example.vn"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                user.groups.add(groups[demo.role])
            users[demo.username] = user
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@example.vn", DEMO_PASSWORD)
        return users

    def seed_enterprises(self, *, officer) -> int:
        """Create each demo enterprise that is not there yet, with its unit history."""
        sectors = {
            s.code: s
            for s in Sector.objects.filter(
                version=ClassificationVersion.VSIC2018, level=SectorLevel.DIVISION
            )
        }
        districts = {u.code: u for u in units_on(DISTRICTS_END, UnitLevel.DISTRICT)}
        communes = {u.name: u for u in units_on(COMMUNES_START, UnitLevel.COMMUNE, UnitLevel.WARD)}
        origins = set(
            UnitOrigin.objects.filter(successor__in=communes.values()).values_list(
                "successor_id", "predecessor_id"
            )
        )
        existing = set(
            Enterprise.objects.filter(
                tax_code__in=[tax_code_of(d) for d in ENTERPRISES]
            ).values_list("tax_code", flat=True)
        )
        created = 0
        for demo in ENTERPRISES:
            if tax_code_of(demo) in existing:
                continue
            commune = lookup(communes, demo.commune)
            district = lookup(districts, DISTRICT_OF[demo.name])
            if (commune.pk, district.pk) not in origins:
                raise CommandError(
                    f"“{demo.name}”: {commune.name} không được thành lập từ {district.name} "
                    "theo dữ liệu nguồn gốc đơn vị hành chính."
                )
            self.create_enterprise(demo, lookup(sectors, demo.sector), district, commune, officer)
            created += 1
        return created

    def create_enterprise(self, demo, sector, district, commune, officer) -> Enterprise:
        commune_name = commune.name[0].lower() + commune.name[1:]
        enterprise = Enterprise(
            name=demo.name,
            short_name=demo.short_name,
            tax_code=tax_code_of(demo),
            legal_form=demo.legal_form,
            size_class=size_class_of(demo),
            sector=sector,
            address=f"{demo.street}, {commune_name}, tỉnh Lai Châu",
            admin_unit=commune,
            representative=demo.representative,
            representative_title=demo.title,
            phone=phone_of(demo),
            email=email_of(demo),
            employees=demo.employees,
            founded_on=demo.founded,
            status=demo.status,
        )
        enterprise.full_clean()
        enterprise._history_user = officer
        enterprise.save()
        UnitAssignment.objects.create(
            enterprise=enterprise, unit=district, valid_from=demo.founded, valid_to=DISTRICTS_END
        )
        UnitAssignment.objects.create(
            enterprise=enterprise, unit=commune, valid_from=COMMUNES_START
        )
        return enterprise

    def seed_memberships(self, users: dict[str, "User"]) -> int:
        """Approved representative accounts of demo enterprises A and B, unless one exists."""
        officer = users["canbo"]
        enterprise_group = Group.objects.get(name=Role.ENTERPRISE)
        created = 0
        for demo in DEMO_USERS:
            if not demo.enterprise:
                continue
            user = users[demo.username]
            enterprise = Enterprise.objects.get(tax_code=demo.enterprise)
            if Membership.objects.filter(user=user, enterprise=enterprise).exists():
                continue  # approved, or revoked by an officer: theirs to keep
            membership = Membership(
                user=user,
                enterprise=enterprise,
                role=MembershipRole.REPRESENTATIVE,
                state=MembershipState.APPROVED,
                full_name=demo.full_name,
                position=enterprise.representative_title,
                phone=enterprise.phone,
                email=user.email,
                decided_at=timezone.now(),
                decided_by=officer,
            )
            membership.full_clean()
            membership._history_user = officer
            membership.save()
            user.groups.add(enterprise_group)
            created += 1
        return created

    def print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Cổng thông tin: {settings.SITE_URL}"))
        self.stdout.write(f"Tài khoản mẫu (mật khẩu {DEMO_PASSWORD}):")
        rows = [
            ("canbo", "cán bộ Sở KH&CN"),
            ("lanhdao", "lãnh đạo"),
            ("doanhnghiep", f"doanh nghiệp A – {DEMO_A_NAME} ({DEMO_A_TAX_CODE})"),
            ("doanhnghiep2", f"doanh nghiệp B – {DEMO_B_NAME} ({DEMO_B_TAX_CODE})"),
            ("admin", f"quản trị hệ thống ({settings.SITE_URL}{reverse('admin:index')})"),
        ]
        for username, who in rows:
            self.stdout.write(f"  {username:<13} {who}")


def units_on(day: datetime.date, *levels: str):
    return AdministrativeUnit.objects.valid_on(day).filter(level__in=levels)


def lookup(table: dict, key: str):
    try:
        return table[key]
    except KeyError:
        raise CommandError(
            f"Thiếu dữ liệu tham chiếu “{key}” (đơn vị hành chính hoặc ngành VSIC 2018); "
            "hãy kiểm tra các tệp đã nạp."
        ) from None
