"""Demo products, company prefixes and declarations on the seed_demo enterprises
(``seed_declarations_demo``).

They make 2022 say what Lai Châu reported: exactly 25 production establishments declared
standards for 39 products in 2022 (``Declaration.objects.declared_in(2022)``: accepted, or
recorded, with effect that year), each with a GS1 company prefix, its products' GTIN-13 under it
and a published traceability page (the QR code's target). Around them: 2021 (hợp quy
declarations accepted then, expired since), 2023–2025 (company standards renewed, a dossier
rejected, one cancelled after its supplement deadline) and the day the demo is seeded (a draft,
a dossier waiting within its deadline, one overdue, one asked to supplement, one accepted), so
the officers' queue has something in each state.

Dossiers of the day go through the services (with the deadlines they compute); the past ones are
written as the services would have left them, with their steps. Running it again changes
nothing: a prefix is found by its digits, a product by its GTIN, a declaration by its enterprise
and document number. Every prefix, GTIN, document and receipt number is invented for the demo.
"""

# ruff: noqa: E501 - the table of demo producers keeps one producer per line

import datetime
import io
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from stdnum import ean

from enterprises.models import Enterprise
from laichau_nsc.workdays import add_working_days

from . import services_declarations as declarations
from . import services_products, services_traceability
from .choices import (
    DeclarationBasis,
    DeclarationKind,
    DeclarationState,
    ProductCategory,
    StandardKind,
)
from .models import BarcodeRegistration, Declaration, DeclarationStep, Product, Standard

D = datetime.date
S = DeclarationState
K = DeclarationKind
C = ProductCategory

#: The regulations and standards the demo declarations name (real codes and titles).
REGULATIONS = {
    "QCVN 8-2:2011/BYT": (
        "Quy chuẩn kỹ thuật quốc gia đối với giới hạn ô nhiễm kim loại nặng trong thực phẩm",
        StandardKind.TECHNICAL_REGULATION,
    ),
    "QCVN 6-1:2010/BYT": (
        "Quy chuẩn kỹ thuật quốc gia đối với nước khoáng thiên nhiên và nước uống đóng chai",
        StandardKind.TECHNICAL_REGULATION,
    ),
    "QCVN 6-3:2010/BYT": (
        "Quy chuẩn kỹ thuật quốc gia đối với các sản phẩm đồ uống có cồn",
        StandardKind.TECHNICAL_REGULATION,
    ),
    "QCVN 16:2019/BXD": (
        "Quy chuẩn kỹ thuật quốc gia về sản phẩm, hàng hóa vật liệu xây dựng",
        StandardKind.TECHNICAL_REGULATION,
    ),
    "TCVN 1454:2013": ("Chè đen", StandardKind.NATIONAL_STANDARD),
}


@dataclass(frozen=True)
class Producer:
    """A production establishment of seed_demo, its prefix and the products it declared in 2022."""

    name: str
    abbreviation: str  # of its company standard's code (TCCS 01:2022/…)
    products: tuple[tuple[str, str, str], ...]  # (name, category, unit)
    regulation: str = ""  # a hợp quy declaration (filed, accepted) instead of a company standard


# fmt: off
PRODUCERS = (
    Producer("Công ty cổ phần Chè Tam Đường", "CTD", (("Chè xanh Tam Đường", C.TEA, "gói 200 g"), ("Chè Shan tuyết Tam Đường", C.TEA, "hộp 100 g"))),
    Producer("Hợp tác xã Nông nghiệp Tân Uyên", "HTXTU", (("Chè xanh Tân Uyên", C.TEA, "gói 500 g"), ("Mắc ca sấy nứt vỏ Tân Uyên", C.PROCESSED_FOOD, "túi 500 g"))),
    Producer("Công ty cổ phần Rượu Tây Bắc Lai Châu", "RTB", (("Rượu ngô Tây Bắc", C.BEVERAGE, "chai 500 ml"), ("Rượu thóc Tây Bắc", C.BEVERAGE, "chai 500 ml")), "QCVN 6-3:2010/BYT"),
    Producer("Công ty TNHH Dược liệu Lai Châu", "DLLC", (("Trà túi lọc Sâm Lai Châu", C.HERBAL, "hộp 20 túi"),)),
    Producer("Hợp tác xã Chè Shan tuyết Khun Há", "KH", (("Chè Shan tuyết cổ thụ Khun Há", C.TEA, "hộp 200 g"), ("Hồng trà Khun Há", C.TEA, "hộp 100 g"))),
    Producer("Công ty TNHH Chè Sơn Bình", "CSB", (("Chè xanh Sơn Bình", C.TEA, "gói 200 g"), ("Chè đen Sơn Bình", C.TEA, "gói 500 g"))),
    Producer("Công ty TNHH Miến dong Bình Lư", "MDBL", (("Miến dong Bình Lư", C.PROCESSED_FOOD, "gói 500 g"),)),
    Producer("Hợp tác xã Rau an toàn Bình Lư", "RBL", (("Su su Bình Lư", C.AGRICULTURE, "kg"),)),
    Producer("Công ty TNHH Mắc ca Tam Đường", "MCTD", (("Hạt mắc ca Tam Đường", C.PROCESSED_FOOD, "túi 500 g"), ("Dầu mắc ca Tam Đường", C.PROCESSED_FOOD, "chai 250 ml"))),
    Producer("Hộ kinh doanh Mật ong Khun Há", "MOKH", (("Mật ong bạc hà Khun Há", C.PROCESSED_FOOD, "chai 500 ml"),), "QCVN 8-2:2011/BYT"),
    Producer("Công ty cổ phần Chè Than Uyên", "CTU", (("Chè xanh Than Uyên", C.TEA, "gói 200 g"), ("Chè đen Than Uyên", C.TEA, "gói 500 g"))),
    Producer("Hợp tác xã Gạo Séng Cù Mường Kim", "SCMK", (("Gạo Séng Cù Mường Kim", C.AGRICULTURE, "túi 5 kg"),)),
    Producer("Công ty TNHH Cá tầm Bản Chát", "CTBC", (("Cá tầm tươi Bản Chát", C.AGRICULTURE, "kg"), ("Cá tầm hun khói Bản Chát", C.PROCESSED_FOOD, "gói 300 g")), "QCVN 8-2:2011/BYT"),
    Producer("Hộ kinh doanh Rượu ngô Mường Than", "RNMT", (("Rượu ngô Mường Than", C.BEVERAGE, "chai 1 lít"),), "QCVN 6-3:2010/BYT"),
    Producer("Cơ sở sản xuất Mật ong Khoen On", "MOKO", (("Mật ong rừng Khoen On", C.PROCESSED_FOOD, "chai 500 ml"),)),
    Producer("Công ty TNHH Chè Mường Khoa", "CMK", (("Chè xanh Mường Khoa", C.TEA, "gói 200 g"), ("Chè Ô long Mường Khoa", C.TEA, "hộp 200 g"))),
    Producer("Công ty cổ phần Trà Tân Uyên", "TTU", (("Trà Ô long Tân Uyên", C.TEA, "hộp 200 g"), ("Trà xanh Tân Uyên", C.TEA, "gói 200 g"))),
    Producer("Hợp tác xã Chè Ô long Pắc Ta", "PT", (("Chè Ô long Pắc Ta", C.TEA, "hộp 200 g"),)),
    Producer("Hợp tác xã Mắc ca Tân Uyên", "MCTU", (("Mắc ca rang muối Tân Uyên", C.PROCESSED_FOOD, "túi 500 g"),)),
    Producer("Cơ sở sản xuất Miến dong Tân Uyên", "MDTU", (("Miến dong Tân Uyên", C.PROCESSED_FOOD, "gói 500 g"),)),
    Producer("Hợp tác xã Thảo quả Sìn Hồ", "TQSH", (("Thảo quả khô Sìn Hồ", C.HERBAL, "túi 500 g"),)),
    Producer("Hợp tác xã Cá hồi Sìn Hồ", "CHSH", (("Cá hồi tươi Sìn Hồ", C.AGRICULTURE, "kg"), ("Cá hồi phi lê Sìn Hồ", C.PROCESSED_FOOD, "khay 500 g")), "QCVN 8-2:2011/BYT"),
    Producer("Công ty cổ phần Nước khoáng Vàng Bó", "VB", (("Nước khoáng Vàng Bó", C.BEVERAGE, "chai 500 ml"), ("Nước uống đóng chai Vàng Bó", C.BEVERAGE, "bình 19 lít")), "QCVN 6-1:2010/BYT"),
    Producer("Công ty cổ phần Bê tông Tân Phong", "BTTP", (("Gạch bê tông Tân Phong", C.BUILDING_MATERIAL, "viên"), ("Cọc bê tông ly tâm Tân Phong", C.BUILDING_MATERIAL, "m")), "QCVN 16:2019/BXD"),
    Producer("Hợp tác xã Chè Dào San", "DS", (("Chè Shan tuyết Dào San", C.TEA, "hộp 200 g"), ("Chè vàng Dào San", C.TEA, "hộp 100 g"))),
)
# fmt: on

YEAR = 2022
#: The 2022 headline the demo reproduces.
ESTABLISHMENTS_2022 = len(PRODUCERS)
PRODUCTS_2022 = sum(len(p.products) for p in PRODUCERS)


@dataclass
class Result:
    registrations: int = 0
    products: int = 0
    declarations: int = 0
    missing: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"Sản phẩm mẫu: thêm {self.products}; mã doanh nghiệp GS1 thêm {self.registrations}; "
            f"hồ sơ công bố thêm {self.declarations}."
        )
        if self.missing:
            text += " Không thấy doanh nghiệp: " + ", ".join(self.missing) + "."
        return text


def prefix_of(index: int) -> str:
    """The invented 8-digit company prefix of the ``index``-th producer (893 + 5 digits)."""
    return f"89386{index:03d}"


def gtin_of(prefix: str, item: int) -> str:
    body = f"{prefix}{item:04d}"
    return body + ean.calc_check_digit(body)


def _pdf() -> SimpleUploadedFile:
    from pypdf import PdfWriter  # only the demo's dossiers of the day need a file

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile("ban-cong-bo.pdf", buffer.getvalue(), "application/pdf")


def ensure_regulations() -> dict[str, Standard]:
    found = {s.code: s for s in Standard.objects.filter(code__in=REGULATIONS)}
    for code, (title, kind) in REGULATIONS.items():
        if code not in found:
            found[code] = Standard.objects.create(code=code, title=title, kind=kind)
    return found


def _company_standard(producer: Producer, year: int) -> Standard:
    code = f"TCCS 01:{year}/{producer.abbreviation}"
    standard, _ = Standard.objects.get_or_create(
        code=code,
        defaults={
            "title": f"Tiêu chuẩn cơ sở – {producer.products[0][0]}",
            "kind": StandardKind.COMPANY_STANDARD,
        },
    )
    return standard


@transaction.atomic
def seed_declarations_demo(*, officer, today: D | None = None) -> Result:
    """Add what is missing of the demo products and declarations (see the module docstring)."""
    today = today or timezone.localdate()
    result = Result()
    regulations = ensure_regulations()
    producers: list[tuple[Producer, Enterprise, list[Product]]] = []
    for index, producer in enumerate(PRODUCERS, start=1):
        enterprise = Enterprise.objects.filter(name=producer.name).first()
        if enterprise is None:
            result.missing.append(producer.name)
            continue
        registration = _registration(enterprise, prefix_of(index), officer, result)
        products = [
            _product(enterprise, registration, item, spec, officer, result)
            for item, spec in enumerate(producer.products, start=1)
        ]
        producers.append((producer, enterprise, products))
    for position, (producer, enterprise, products) in enumerate(producers):
        _declarations_2022(producer, enterprise, products, regulations, position, officer, result)
    _around_2022(producers, regulations, officer, today, result)
    return result


def _registration(enterprise, prefix: str, officer, result: Result) -> BarcodeRegistration:
    registration = BarcodeRegistration.objects.filter(prefix=prefix).first()
    if registration is None:
        registration = services_products.barcode_registration_create(
            enterprise=enterprise,
            data={
                "prefix": prefix,
                "registered_on": D(2021, 9, 15),
                "declared_on_national_db": True,
            },
            user=officer,
        )
        for year in (2021, 2022, 2023, 2024, 2025):
            services_products.barcode_fee_record(
                registration_id=registration.pk, year=year, paid_on=D(year, 5, 20), user=officer
            )
        result.registrations += 1
    return registration


def _product(enterprise, registration, item: int, spec, officer, result: Result) -> Product:
    gtin = gtin_of(registration.prefix, item)
    product = Product.objects.filter(gtin=gtin).first()
    if product is None:
        name, category, unit = spec
        product = services_products.product_create(
            enterprise=enterprise,
            data={
                "name": name,
                "category": category,
                "unit": unit,
                "gtin": gtin,
                "is_published": True,
            },
            user=officer,
        )
        result.products += 1
        _lot(product, item, officer)
    return product


def _lot(product: Product, item: int, officer) -> None:
    """One published lot of 2022 with its stages, so the product's QR page traces something
    (the "products with public traceability" indicator counts products with a public lot)."""
    made = D(2022, 3, 1) + datetime.timedelta(days=7 * (item % 20))
    services_traceability.lot_create(
        product=product,
        data={
            "lot": f"L22{item:03d}",
            "produced_on": made,
            "best_before": made + datetime.timedelta(days=365),
            "shelf_life": "12 tháng",
            "is_published": True,
        },
        stages=[
            {
                "what": "Thu hoạch nguyên liệu",
                "where": product.enterprise.address,
                "started_on": made - datetime.timedelta(days=10),
            },
            {
                "what": "Sơ chế, chế biến",
                "where": product.enterprise.address,
                "started_on": made - datetime.timedelta(days=3),
            },
            {"what": "Đóng gói, dán nhãn", "where": product.enterprise.address, "started_on": made},
        ],
        user=officer,
    )


def _historic(
    *,
    enterprise,
    kind: str,
    standard: Standard,
    products: list[Product],
    number: str,
    declared_on: D,
    state: str,
    officer,
    result: Result,
    certificate=None,
    **fields,
) -> Declaration:
    """A past declaration as the services would have left it, with its steps (dated then)."""
    existing = Declaration.objects.filter(enterprise=enterprise, document_number=number).first()
    if existing is not None:
        return existing
    filed = declarations.must_be_filed(kind, declared_on)
    declaration = Declaration(
        enterprise=enterprise,
        kind=kind,
        standard=standard,
        document_number=number,
        declared_on=declared_on,
        state=state,
        must_be_filed=filed,
        basis=DeclarationBasis.CERTIFICATE if certificate else DeclarationBasis.SELF_ASSESSMENT,
        certificate=certificate,
        **fields,
    )
    declaration.full_clean(exclude=["products"])
    declaration.save()
    declaration.products.set(products)
    steps = _past_steps(declaration, officer)
    for at, from_state, to_state, by, note in steps:
        step = DeclarationStep.objects.create(
            declaration=declaration, from_state=from_state, to_state=to_state, by=by, note=note
        )
        DeclarationStep.objects.filter(pk=step.pk).update(at=at)
    result.declarations += 1
    return declaration


def _at(day: D) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))


def _past_steps(declaration: Declaration, officer) -> list[tuple]:
    submitted = declaration.submitted_at or _at(declaration.declared_on)
    if declaration.state == S.RECORDED:
        return [(submitted, S.DRAFT, S.RECORDED, None, "")]
    steps = [(submitted, S.DRAFT, S.SUBMITTED, None, "")]
    if declaration.state == S.CANCELLED:
        steps.append(
            (
                submitted,
                S.SUBMITTED,
                S.SUPPLEMENT_REQUESTED,
                officer,
                "Thiếu phiếu kết quả thử nghiệm của phòng thử nghiệm được chỉ định.",
            )
        )
        steps.append(
            (
                _at(declaration.supplement_due_on + datetime.timedelta(days=1)),
                S.SUPPLEMENT_REQUESTED,
                S.CANCELLED,
                None,
                declaration.reason,
            )
        )
    elif declaration.state in (S.ACCEPTED, S.REJECTED):
        day = declaration.receipt_date or declaration.declared_on + datetime.timedelta(days=6)
        steps.append((_at(day), S.SUBMITTED, declaration.state, officer, declaration.reason))
    return steps


def _declarations_2022(producer, enterprise, products, regulations, position, officer, result):
    """Each producer's 2022 declaration: hợp quy (filed, accepted) or its company standard
    (recorded), for all its products."""
    declared_on = D(YEAR, 3, 1) + datetime.timedelta(days=9 * position)
    if producer.regulation:
        receipt = declared_on + datetime.timedelta(days=7)
        _historic(
            enterprise=enterprise,
            kind=K.CONFORMITY_REGULATION,
            standard=regulations[producer.regulation],
            products=products,
            number=f"{position + 1:02d}/{YEAR}/CBHQ-{producer.abbreviation}",
            declared_on=declared_on,
            state=S.ACCEPTED,
            officer=officer,
            result=result,
            submitted_at=_at(declared_on),
            complete_on=declared_on,
            receipt_number=f"{position + 1:02d}/{YEAR}/TB-SKHCN",
            receipt_date=receipt,
            effective_on=receipt,
            valid_until=receipt.replace(year=receipt.year + 3) - datetime.timedelta(days=1),
        )
    else:
        _historic(
            enterprise=enterprise,
            kind=K.COMPANY_STANDARD,
            standard=_company_standard(producer, YEAR),
            products=products,
            number=f"01/{YEAR}/TCCS-{producer.abbreviation}",
            declared_on=declared_on,
            state=S.RECORDED,
            officer=officer,
            result=result,
            effective_on=declared_on,
        )


def _around_2022(producers, regulations, officer, today: D, result: Result) -> None:
    """2021, 2023–2025 and the dossiers of the day: every state, one overdue."""
    if len(producers) < len(PRODUCERS):
        return  # not on seed_demo's enterprises: the 2022 figures are the point

    def pick(index: int):
        return producers[index]

    # 2021: hợp quy declarations accepted then; three years on, expired.
    for index in (2, 22):
        producer, enterprise, products = pick(index)
        declared_on = D(2021, 4, 5) + datetime.timedelta(days=20 * index)
        receipt = declared_on + datetime.timedelta(days=6)
        _historic(
            enterprise=enterprise,
            kind=K.CONFORMITY_REGULATION,
            standard=regulations[producer.regulation],
            products=products[:1],
            number=f"01/2021/CBHQ-{producer.abbreviation}",
            declared_on=declared_on,
            state=S.ACCEPTED,
            officer=officer,
            result=result,
            submitted_at=_at(declared_on),
            complete_on=declared_on,
            receipt_number=f"{index:02d}/2021/TB-SKHCN",
            receipt_date=receipt,
            effective_on=receipt,
            valid_until=receipt.replace(year=2024) - datetime.timedelta(days=1),
        )
    # 2021: a company standard recorded (the 2022 one replaced it).
    producer, enterprise, products = pick(0)
    _historic(
        enterprise=enterprise,
        kind=K.COMPANY_STANDARD,
        standard=_company_standard(producer, 2021),
        products=products[:1],
        number=f"01/2021/TCCS-{producer.abbreviation}",
        declared_on=D(2021, 8, 16),
        state=S.RECORDED,
        officer=officer,
        result=result,
        effective_on=D(2021, 8, 16),
    )
    # 2023–2025: company standards renewed, a black tea to TCVN, a rejection, a cancellation.
    for offset, index in enumerate((4, 10, 15, 16, 24)):
        producer, enterprise, products = pick(index)
        year = 2023 + offset % 3
        day = D(year, 5, 10) + datetime.timedelta(days=11 * offset)
        _historic(
            enterprise=enterprise,
            kind=K.COMPANY_STANDARD,
            standard=_company_standard(producer, year),
            products=products,
            number=f"01/{year}/TCCS-{producer.abbreviation}",
            declared_on=day,
            state=S.RECORDED,
            officer=officer,
            result=result,
            effective_on=day,
        )
    producer, enterprise, products = pick(10)
    _historic(
        enterprise=enterprise,
        kind=K.CONFORMITY_STANDARD,
        standard=regulations["TCVN 1454:2013"],
        products=products[1:],
        number=f"02/2024/CBHC-{producer.abbreviation}",
        declared_on=D(2024, 9, 3),
        state=S.RECORDED,
        officer=officer,
        result=result,
        effective_on=D(2024, 9, 3),
    )
    producer, enterprise, products = pick(13)
    _historic(
        enterprise=enterprise,
        kind=K.CONFORMITY_REGULATION,
        standard=regulations[producer.regulation],
        products=products,
        number=f"02/2024/CBHQ-{producer.abbreviation}",
        declared_on=D(2024, 6, 3),
        state=S.REJECTED,
        officer=officer,
        result=result,
        submitted_at=_at(D(2024, 6, 3)),
        reason="Phiếu kết quả thử nghiệm không do phòng thử nghiệm được chỉ định cấp; chỉ tiêu metanol chưa được thử.",
    )
    producer, enterprise, products = pick(9)
    asked = D(2025, 3, 3)
    due = add_working_days(asked, declarations.SUPPLEMENT_WORKING_DAYS)
    _historic(
        enterprise=enterprise,
        kind=K.CONFORMITY_REGULATION,
        standard=regulations[producer.regulation],
        products=products,
        number=f"02/2025/CBHQ-{producer.abbreviation}",
        declared_on=D(2025, 2, 26),
        state=S.CANCELLED,
        officer=officer,
        result=result,
        submitted_at=_at(D(2025, 2, 26)),
        supplement_due_on=due,
        reason=f"Quá hạn bổ sung hồ sơ ({due:%d/%m/%Y}).",
    )
    _of_the_day(producers, regulations, officer, today, result)


def _of_the_day(producers, regulations, officer, today: D, result: Result) -> None:
    """Dossiers in the open states, through the services, as of ``today``."""
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["doanhnghiep", "doanhnghiep2"])
    }
    plans = (
        # (producer index, state wanted, days since submission, the enterprise user if a demo login)
        (0, S.DRAFT, 0, "doanhnghiep"),
        (0, S.SUPPLEMENT_REQUESTED, 3, "doanhnghiep"),
        (1, S.SUBMITTED, 1, "doanhnghiep2"),
        (5, S.SUBMITTED, 21, ""),  # overdue: five working days passed long ago
        (22, S.ACCEPTED, 9, ""),
    )
    for index, state, days_ago, username in plans:
        producer, enterprise, products = producers[index]
        number = f"{index + 1:02d}/{today.year}/CBHQ-{producer.abbreviation}-{state[:3].upper()}"
        if Declaration.objects.filter(enterprise=enterprise, document_number=number).exists():
            continue
        user = users.get(username) or officer
        regulation = regulations[producer.regulation or "QCVN 8-2:2011/BYT"]
        submitted_on = today - datetime.timedelta(days=days_ago)
        declaration = declarations.declaration_create(
            enterprise=enterprise,
            data={
                "kind": K.CONFORMITY_REGULATION,
                "standard": regulation,
                "document_number": number,
                "declared_on": submitted_on,
            },
            products=products,
            user=user,
        )
        declarations.declaration_attach_document(
            declaration_id=declaration.pk, title="Bản công bố hợp quy", upload=_pdf(), user=user
        )
        result.declarations += 1
        if state == S.DRAFT:
            continue
        declaration = declarations.declaration_submit(
            declaration_id=declaration.pk,
            version=declaration.version,
            user=user,
            today=submitted_on,
        )
        Declaration.objects.filter(pk=declaration.pk).update(submitted_at=_at(submitted_on))
        declaration.steps.update(at=_at(submitted_on))
        declaration.refresh_from_db()
        if state == S.SUPPLEMENT_REQUESTED:
            declarations.declaration_request_supplement(
                declaration_id=declaration.pk,
                version=declaration.version,
                reason="Bổ sung phiếu kết quả thử nghiệm chỉ tiêu kim loại nặng (chì, cadimi) của lô sản xuất gần nhất.",
                user=officer,
                today=today,
            )
        elif state == S.ACCEPTED:
            declarations.declaration_accept(
                declaration_id=declaration.pk,
                version=declaration.version,
                receipt_number=f"{index + 1:02d}/{today.year}/TB-SKHCN",
                receipt_date=submitted_on + datetime.timedelta(days=4),
                user=officer,
            )
