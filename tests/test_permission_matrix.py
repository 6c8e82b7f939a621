"""Who may open which page: one row per URL pattern of the project, one column per persona.

A URL pattern without a row fails ``test_every_url_has_expectations``: a view cannot be added
without saying who may see it. Objects belong to enterprise B, so the user of A gets a 404.
"""

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from enterprises import services
from laichau_nsc import jobs
from programs.models import EnrollmentExportJob, ReportRun, SupportExportJob, YearApproval
from standards import services as standards_services
from standards import services_products as products_services
from standards.models import BarcodeExportJob
from tests.enterprises.factories import MembershipFactory
from tests.factories import UserFactory
from tests.programs.factories_support import ExpertFactory, SupportActivityFactory
from tests.programs.training_factories import CourseFactory, EnrollmentFactory
from tests.standards.factories import (
    AdoptionFactory,
    CertificateFactory,
    CertificationBodyFactory,
    StandardFactory,
    ToolFactory,
)
from tests.standards.factories_declarations import DeclarationFactory
from tests.standards.factories_products import (
    BarcodeRegistrationFactory,
    LocationNumberFactory,
    ProductFactory,
)
from tests.standards.factories_traceability import LotFactory, TracedProductFactory
from tests.test_files import pdf_bytes, png_bytes, upload

ANON_LOGIN = 302  # anonymous visitors are sent to the login page


@dataclass
class Row:
    """Expected status per persona: anonymous, officer, leader, ent_a, ent_b."""

    anonymous: int
    officer: int
    leader: int
    ent_a: int
    ent_b: int
    kwargs: Callable[["World"], dict] = field(default=lambda world: {})


def same(status: int, **kw) -> Row:
    return Row(status, status, status, status, status, **kw)


@dataclass
class World:
    enterprise_b: object
    pending_b: object
    approved_b: object
    officer_export: object
    certificate_b: object = None  # verified, with a scan
    proposed_certificate_b: object = None
    adoption_b: object = None  # verified
    proposed_adoption_b: object = None
    officer_certificate_export: object = None


def b_pk(world: World) -> dict:
    return {"pk": world.enterprise_b.pk}


def b_enterprise_pk(world: World) -> dict:
    return {"enterprise_pk": world.enterprise_b.pk}


def cert_pk(world: World) -> dict:
    return {"pk": world.certificate_b.pk}


def proposed_cert_pk(world: World) -> dict:
    return {"pk": world.proposed_certificate_b.pk}


def adoption_pk(world: World) -> dict:
    return {"pk": world.adoption_b.pk}


def proposed_adoption_pk(world: World) -> dict:
    return {"pk": world.proposed_adoption_b.pk}


def cert_export_pk(world: World) -> dict:
    return {"pk": world.officer_certificate_export.pk}


def standard_pk(world: World) -> dict:
    # Created on demand so the World (shared with other apps' rows) needs no new field.
    return {"pk": StandardFactory().pk}


def body_pk(world: World) -> dict:
    return {"pk": CertificationBodyFactory().pk}


# Products and barcodes (issue 8): objects of enterprise B made on demand, so the World (shared
# with other rows) needs no new field.
def product_pk(world: World) -> dict:
    """An unpublished product of B with an image: the image is not public."""
    product = ProductFactory(enterprise=world.enterprise_b, gtin_item=7)
    product.image.save("anh.png", ContentFile(png_bytes()))
    return {"pk": product.pk}


def barcode_pk(world: World) -> dict:
    return {"pk": BarcodeRegistrationFactory(enterprise=world.enterprise_b).pk}


def location_pk(world: World) -> dict:
    registration = BarcodeRegistrationFactory(enterprise=world.enterprise_b)
    return {"pk": LocationNumberFactory(registration=registration).pk}


def barcode_export_pk(world: World) -> dict:
    """A finished export of the officer who asked for it."""
    job = products_services.barcode_export_create(
        user=world.officer_export.user, fmt="csv", params={}
    )
    jobs.execute(BarcodeExportJob.label(), job.pk, heartbeat=False)
    return {"pk": job.pk}


# --- Traceability (issue 8): a published product and lot of enterprise B, made on demand ---


def traced_product_pk(world: World) -> dict:
    return {"product_pk": TracedProductFactory(enterprise=world.enterprise_b).pk}


def traced_lot_pk(world: World) -> dict:
    return {"pk": LotFactory(product__enterprise=world.enterprise_b).pk}


def public_product(world: World) -> dict:
    return {"public_code": TracedProductFactory(enterprise=world.enterprise_b).public_code}


def public_lot(world: World) -> dict:
    lot = LotFactory(product__enterprise=world.enterprise_b)
    return {"public_code": lot.product.public_code, "trace_code": lot.trace_code}


def digital_link(world: World) -> dict:
    TracedProductFactory(enterprise=world.enterprise_b, gtin="8934673577038")
    return {"gtin": "08934673577038"}


# Training (programs): created on demand, of enterprise B, so the World needs no new field.
def course_pk(world: World) -> dict:
    return {"pk": CourseFactory().pk}  # open for enrolment, starts in ten days


def enrollment_b_pk(world: World) -> dict:
    return {"pk": EnrollmentFactory(enterprise=world.enterprise_b).pk}  # course not started


def completed_b_pk(world: World) -> dict:
    enrollment = EnrollmentFactory(
        enterprise=world.enterprise_b,
        course=CourseFactory(days_from_today=-10),
        state="completed",
        completion_number="001/2026/KH1",
    )
    return {"pk": enrollment.pk}


def import_job_b_pk(world: World) -> dict:
    # An import uploaded by enterprise B's user: officers read every import, B its own.
    from imports.models import ImportJob

    job = ImportJob.objects.create(
        user=world.approved_b.user, kind="products", file="private/imports/x.csv", state="done"
    )
    return {"pk": job.pk}


def training_export_pk(world: World) -> dict:
    # The officer's finished export (only its owner sees it).
    job = EnrollmentExportJob.objects.create(
        user=world.officer_export.user, format="csv", params={}
    )
    jobs.execute(EnrollmentExportJob._meta.label, job.pk, heartbeat=False)
    return {"pk": job.pk}


# Experts and support (programs): created on demand, of enterprise B.
def expert_pk(world: World) -> dict:
    expert = ExpertFactory()
    SupportActivityFactory(enterprise=world.enterprise_b, experts=[expert])
    return {"pk": expert.pk}


def support_b_pk(world: World) -> dict:
    """Support B received, with its decision's scan."""
    activity = SupportActivityFactory(enterprise=world.enterprise_b)
    activity.decision_file.save("qd.pdf", ContentFile(pdf_bytes()))
    return {"pk": activity.pk}


def support_export_pk(world: World) -> dict:
    # The officer's finished export of the support list (only its owner sees it).
    job = SupportExportJob.objects.create(
        user=world.officer_export.user, subject="activities", format="xlsx", params={}
    )
    jobs.execute(SupportExportJob._meta.label, job.pk, heartbeat=False)
    return {"pk": job.pk}


# The yearly report (issue 10): a finished build with a file, and an approved year, made on demand.
REPORT_YEAR = {"year": 2022}


def report_run_pk(world: World) -> dict:
    run = ReportRun.objects.create(year=2022, state="done")
    run.xlsx.save("bao-cao-nsc-2022.xlsx", ContentFile(b"PK\x03\x04"))
    return {"pk": run.pk}


def report_download(world: World) -> dict:
    return {**report_run_pk(world), "kind": "xlsx"}


def approved_year(world: World) -> dict:
    YearApproval.objects.create(year=2022, state="approved", snapshot={})
    return REPORT_YEAR


# --- Dashboard and public statistics (issue 10) ---------------------------------------------


def dashboard_table(world: World) -> dict:
    return {"year": str(timezone.localdate().year), "table": "chi-tieu", "fmt": "csv"}


def approved_table(world: World) -> dict:
    YearApproval.objects.create(year=2022, state="approved", snapshot={"indicators": {}})
    return {"year": "2022", "table": "chi-tieu", "fmt": "xlsx"}


# Plans and indicators (programs): the plan of 2022 with a file, created on demand.
def plan_year(world: World) -> dict:
    from programs.models import AnnualPlan

    plan, _ = AnnualPlan.objects.get_or_create(year=2022, defaults={"title": "Kế hoạch 2022"})
    if not plan.file:
        plan.file.save("ke-hoach.pdf", ContentFile(pdf_bytes()))
    return {"year": plan.year}


def programme_period(world: World) -> dict:
    return {"first": 2021, "last": 2025}


EXPECTATIONS: dict[str, Row] = {
    "home": Row(302, 200, 200, 200, 200),
    "favicon": same(302),  # to the static file, for everyone
    "login": Row(200, 302, 302, 302, 302),
    "logout": same(405),  # POST only
    "password_change": Row(ANON_LOGIN, 200, 200, 200, 200),
    "password_change_done": Row(ANON_LOGIN, 200, 200, 200, 200),
    "password_reset": same(200),
    "password_reset_done": same(200),
    "password_reset_confirm": same(200, kwargs=lambda w: {"uidb64": "MQ", "token": "x-y"}),
    "password_reset_complete": same(200),
    "set_language": same(302),  # GET only redirects back; POST switches the language
    # Everyone signed in has a list of their own notifications (nobody sees another's).
    "notification_list": Row(ANON_LOGIN, 200, 200, 200, 200),
    "notification_open": Row(ANON_LOGIN, 405, 405, 405, 405, kwargs=lambda w: {"pk": 1}),
    "notification_read": Row(ANON_LOGIN, 405, 405, 405, 405, kwargs=lambda w: {"pk": 1}),
    "notification_read_all": Row(ANON_LOGIN, 405, 405, 405, 405),  # POST only
    "enterprises:enterprise_list": Row(ANON_LOGIN, 200, 200, 403, 403),
    "enterprises:enterprise_create": Row(ANON_LOGIN, 200, 403, 403, 403),
    "enterprises:my_enterprise": Row(ANON_LOGIN, 403, 403, 302, 302),
    "enterprises:enterprise_detail": Row(ANON_LOGIN, 200, 200, 404, 200, kwargs=b_pk),
    "enterprises:enterprise_update": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=b_pk),
    "enterprises:enterprise_contact_update": Row(ANON_LOGIN, 200, 403, 404, 200, kwargs=b_pk),
    "enterprises:enterprise_archive": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=b_pk),
    "enterprises:enterprise_restore": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=b_pk),
    "enterprises:export_create": Row(ANON_LOGIN, 405, 405, 403, 403),  # POST only
    # An export belongs to the officer who asked for it: the leader gets a 404.
    "enterprises:export_detail": Row(
        ANON_LOGIN, 200, 404, 403, 403, kwargs=lambda w: {"pk": w.officer_export.pk}
    ),
    "enterprises:export_download": Row(
        ANON_LOGIN, 200, 404, 403, 403, kwargs=lambda w: {"pk": w.officer_export.pk}
    ),
    "enterprises:account_request": Row(200, 302, 302, 302, 302),
    "enterprises:account_request_done": same(200),
    "enterprises:membership_list": Row(ANON_LOGIN, 200, 403, 403, 403),
    "enterprises:membership_approve": Row(
        ANON_LOGIN, 200, 403, 403, 403, kwargs=lambda w: {"pk": w.pending_b.pk}
    ),
    "enterprises:membership_refuse": Row(
        ANON_LOGIN, 200, 403, 403, 403, kwargs=lambda w: {"pk": w.pending_b.pk}
    ),
    "enterprises:membership_revoke": Row(
        ANON_LOGIN, 200, 403, 403, 403, kwargs=lambda w: {"pk": w.approved_b.pk}
    ),
    # Certificates and adoptions: objects of enterprise B; its own user proposes and uploads,
    # the user of A gets a 404, leaders read, officers do everything.
    "standards:certificate_list": Row(ANON_LOGIN, 200, 200, 403, 403),
    "standards:certificate_create": Row(ANON_LOGIN, 200, 403, 404, 200, kwargs=b_enterprise_pk),
    "standards:certificate_detail": Row(ANON_LOGIN, 200, 200, 404, 200, kwargs=cert_pk),
    # A verified certificate: only officers correct it (its enterprise sees it, 403).
    "standards:certificate_update": Row(ANON_LOGIN, 200, 403, 404, 403, kwargs=cert_pk),
    "standards:certificate_event_create": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=cert_pk),
    "standards:certificate_scan_upload": Row(ANON_LOGIN, 200, 403, 404, 200, kwargs=cert_pk),
    "standards:certificate_scan_download": Row(ANON_LOGIN, 200, 200, 404, 200, kwargs=cert_pk),
    "standards:certificate_verify": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=proposed_cert_pk),
    "standards:certificate_return": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=proposed_cert_pk),
    "standards:certificate_archive": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=cert_pk),
    "standards:certificate_restore": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=cert_pk),
    "standards:certificate_export_create": Row(ANON_LOGIN, 405, 405, 403, 403),  # POST only
    "standards:certificate_export_detail": Row(
        ANON_LOGIN, 200, 404, 403, 403, kwargs=cert_export_pk
    ),
    "standards:certificate_export_download": Row(
        ANON_LOGIN, 200, 404, 403, 403, kwargs=cert_export_pk
    ),
    "standards:adoption_list": Row(ANON_LOGIN, 200, 200, 403, 403),
    "standards:adoption_create": Row(ANON_LOGIN, 200, 403, 404, 200, kwargs=b_enterprise_pk),
    "standards:adoption_detail": Row(ANON_LOGIN, 200, 200, 404, 200, kwargs=adoption_pk),
    "standards:adoption_update": Row(ANON_LOGIN, 200, 403, 404, 403, kwargs=adoption_pk),
    "standards:adoption_verify": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=proposed_adoption_pk),
    "standards:adoption_return": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=proposed_adoption_pk),
    "standards:adoption_archive": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=adoption_pk),
    "standards:adoption_restore": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=adoption_pk),
    # Products: enterprise users register and manage their own (the user of A gets a 404 for
    # B's), officers all, leaders read. An unpublished product's image: a 404 for anyone who
    # may not see the product, also anonymous visitors (no login page that reveals it).
    "standards:product_list": Row(ANON_LOGIN, 200, 200, 200, 200),
    "standards:product_create": Row(ANON_LOGIN, 200, 403, 404, 200, kwargs=b_enterprise_pk),
    "standards:product_detail": Row(ANON_LOGIN, 200, 200, 404, 200, kwargs=product_pk),
    "standards:product_update": Row(ANON_LOGIN, 200, 403, 404, 200, kwargs=product_pk),
    "standards:product_archive": Row(ANON_LOGIN, 200, 403, 404, 200, kwargs=product_pk),
    "standards:product_restore": Row(ANON_LOGIN, 200, 403, 404, 200, kwargs=product_pk),
    "standards:product_image": Row(404, 200, 200, 404, 200, kwargs=product_pk),
    # Barcode registrations: officers record, leaders read, the enterprise sees its own.
    "standards:barcode_list": Row(ANON_LOGIN, 200, 200, 200, 200),
    "standards:barcode_create": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=b_enterprise_pk),
    "standards:barcode_detail": Row(ANON_LOGIN, 200, 200, 404, 200, kwargs=barcode_pk),
    "standards:barcode_update": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=barcode_pk),
    "standards:barcode_archive": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=barcode_pk),
    "standards:barcode_restore": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=barcode_pk),
    "standards:barcode_fee_create": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=barcode_pk),
    "standards:location_create": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=barcode_pk),
    "standards:location_update": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=location_pk),
    "standards:location_archive": Row(ANON_LOGIN, 405, 403, 403, 403, kwargs=location_pk),
    "standards:location_restore": Row(ANON_LOGIN, 405, 403, 403, 403, kwargs=location_pk),
    "standards:barcode_export_create": Row(ANON_LOGIN, 405, 405, 403, 403),  # POST only
    "standards:barcode_export_detail": Row(
        ANON_LOGIN, 200, 404, 403, 403, kwargs=barcode_export_pk
    ),
    "standards:barcode_export_download": Row(
        ANON_LOGIN, 200, 404, 403, 403, kwargs=barcode_export_pk
    ),
    # The catalogue: every signed-in role reads it, officers change it (nothing is deleted).
    "catalogue:standard_list": Row(ANON_LOGIN, 200, 200, 200, 200),
    "catalogue:standard_create": Row(ANON_LOGIN, 200, 403, 403, 403),
    "catalogue:standard_detail": Row(ANON_LOGIN, 200, 200, 200, 200, kwargs=standard_pk),
    "catalogue:standard_update": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=standard_pk),
    "catalogue:standard_deactivate": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=standard_pk),
    "catalogue:standard_activate": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=standard_pk),
    "catalogue:body_list": Row(ANON_LOGIN, 200, 200, 200, 200),
    "catalogue:body_create": Row(ANON_LOGIN, 200, 403, 403, 403),
    "catalogue:body_detail": Row(ANON_LOGIN, 200, 200, 200, 200, kwargs=body_pk),
    "catalogue:body_update": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=body_pk),
    "catalogue:body_deactivate": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=body_pk),
    "catalogue:body_activate": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=body_pk),
    # Training: every signed-in role sees the courses (enterprises enrol their staff); officers
    # change them; an enterprise sees and changes only its own enrolments (B's: a 404 for A).
    "programs:course_list": Row(ANON_LOGIN, 200, 200, 200, 200),
    "programs:course_create": Row(ANON_LOGIN, 200, 403, 403, 403),
    "programs:course_detail": Row(ANON_LOGIN, 200, 200, 200, 200, kwargs=course_pk),
    "programs:course_update": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=course_pk),
    "programs:course_sessions": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=course_pk),
    "programs:course_archive": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=course_pk),
    "programs:course_restore": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=course_pk),
    "programs:enrollment_create": Row(ANON_LOGIN, 200, 403, 200, 200, kwargs=course_pk),
    "programs:attendance": Row(ANON_LOGIN, 200, 200, 403, 403, kwargs=course_pk),
    "programs:enrollment_list": Row(ANON_LOGIN, 200, 200, 200, 200),
    "programs:enrollment_detail": Row(ANON_LOGIN, 200, 200, 404, 200, kwargs=enrollment_b_pk),
    "programs:enrollment_update": Row(ANON_LOGIN, 200, 403, 404, 200, kwargs=enrollment_b_pk),
    "programs:enrollment_withdraw": Row(ANON_LOGIN, 200, 403, 404, 200, kwargs=enrollment_b_pk),
    "programs:enrollment_result": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=enrollment_b_pk),
    "programs:enrollment_certificate": Row(ANON_LOGIN, 200, 200, 404, 200, kwargs=completed_b_pk),
    "programs:enrollment_export_create": Row(ANON_LOGIN, 405, 405, 405, 405),  # POST only
    "programs:enrollment_export_detail": Row(
        ANON_LOGIN, 200, 404, 404, 404, kwargs=training_export_pk
    ),
    "programs:enrollment_export_download": Row(
        ANON_LOGIN, 200, 404, 404, 404, kwargs=training_export_pk
    ),
    # Experts: every signed-in role reads the team; officers change it.
    "programs:expert_list": Row(ANON_LOGIN, 200, 200, 200, 200),
    "programs:expert_create": Row(ANON_LOGIN, 200, 403, 403, 403),
    "programs:expert_export_create": Row(ANON_LOGIN, 405, 405, 405, 405),  # POST only
    "programs:expert_detail": Row(ANON_LOGIN, 200, 200, 200, 200, kwargs=expert_pk),
    "programs:expert_update": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=expert_pk),
    "programs:expert_archive": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=expert_pk),
    "programs:expert_restore": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=expert_pk),
    # Support: officers record, leaders read, an enterprise reads what it received (A: 404).
    "programs:support_list": Row(ANON_LOGIN, 200, 200, 200, 200),
    "programs:support_create": Row(ANON_LOGIN, 200, 403, 403, 403),
    "programs:support_export_create": Row(ANON_LOGIN, 405, 405, 405, 405),  # POST only
    "programs:support_export_detail": Row(ANON_LOGIN, 200, 404, 404, 404, kwargs=support_export_pk),
    "programs:support_export_download": Row(
        ANON_LOGIN, 200, 404, 404, 404, kwargs=support_export_pk
    ),
    "programs:support_detail": Row(ANON_LOGIN, 200, 200, 404, 200, kwargs=support_b_pk),
    "programs:support_update": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=support_b_pk),
    "programs:support_archive": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=support_b_pk),
    "programs:support_restore": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=support_b_pk),
    "programs:support_decision_file": Row(ANON_LOGIN, 200, 200, 404, 200, kwargs=support_b_pk),
    # The yearly report: officers and leaders only (enterprises never); officers write and ask
    # to reopen, leaders approve and reopen (both POST only).
    "programs:report_index": Row(ANON_LOGIN, 200, 200, 403, 403),
    "programs:report_year": Row(ANON_LOGIN, 200, 200, 403, 403, kwargs=lambda w: REPORT_YEAR),
    "programs:report_narrative": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=lambda w: REPORT_YEAR),
    "programs:report_request": Row(ANON_LOGIN, 405, 405, 403, 403, kwargs=lambda w: REPORT_YEAR),
    "programs:report_detail": Row(ANON_LOGIN, 200, 200, 403, 403, kwargs=report_run_pk),
    "programs:report_download": Row(ANON_LOGIN, 200, 200, 403, 403, kwargs=report_download),
    "programs:year_approve": Row(ANON_LOGIN, 403, 405, 403, 403, kwargs=lambda w: REPORT_YEAR),
    "programs:year_reopen": Row(ANON_LOGIN, 403, 405, 403, 403, kwargs=lambda w: REPORT_YEAR),
    "programs:year_reopen_request": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=approved_year),
    "programs:approval_changes": Row(ANON_LOGIN, 200, 200, 403, 403, kwargs=approved_year),
    # Plans, targets, indicators: officers edit, leaders read, enterprises never.
    "programs:indicator_overview": Row(ANON_LOGIN, 200, 200, 403, 403),
    "programs:entered_values": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=plan_year),
    "programs:plan_list": Row(ANON_LOGIN, 200, 200, 403, 403),
    "programs:plan_create": Row(ANON_LOGIN, 200, 403, 403, 403),
    "programs:plan_detail": Row(ANON_LOGIN, 200, 200, 403, 403, kwargs=plan_year),
    "programs:plan_update": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=plan_year),
    "programs:plan_file": Row(ANON_LOGIN, 200, 200, 403, 403, kwargs=plan_year),
    "programs:plan_targets": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=plan_year),
    "programs:period_detail": Row(ANON_LOGIN, 200, 200, 403, 403, kwargs=programme_period),
    "programs:period_targets": Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=programme_period),
    # Bulk import: officers import every kind, enterprise users their own products (the
    # template and upload of "products"); leaders none. An import is its uploader's (B's: a
    # 404 for A); officers read every import. Confirming is POST only.
    "imports:index": Row(ANON_LOGIN, 200, 403, 200, 200),
    "imports:template": Row(ANON_LOGIN, 200, 403, 200, 200, kwargs=lambda w: {"kind": "products"}),
    "imports:upload": Row(ANON_LOGIN, 200, 403, 200, 200, kwargs=lambda w: {"kind": "products"}),
    "imports:job_detail": Row(ANON_LOGIN, 200, 403, 404, 200, kwargs=import_job_b_pk),
    "imports:job_confirm": Row(ANON_LOGIN, 405, 403, 405, 405, kwargs=import_job_b_pk),
    # Public: anyone, signed in or not, checks a certificate.
    "public:certificate_check": same(200),
    # Traceability: a product's lots and QR codes for its enterprise, officers and leaders (who
    # read); the public pages of a published product for everyone, signed in or not.
    "standards:lot_list": Row(ANON_LOGIN, 200, 200, 404, 200, kwargs=traced_product_pk),
    "standards:lot_create": Row(ANON_LOGIN, 200, 403, 404, 200, kwargs=traced_product_pk),
    "standards:product_qr_png": Row(ANON_LOGIN, 200, 200, 404, 200, kwargs=traced_product_pk),
    "standards:product_qr_svg": Row(ANON_LOGIN, 200, 200, 404, 200, kwargs=traced_product_pk),
    "standards:label_sheet": Row(ANON_LOGIN, 200, 200, 404, 200, kwargs=traced_product_pk),
    "standards:lot_detail": Row(ANON_LOGIN, 200, 200, 404, 200, kwargs=traced_lot_pk),
    "standards:lot_update": Row(ANON_LOGIN, 200, 403, 404, 200, kwargs=traced_lot_pk),
    "standards:lot_publish": Row(ANON_LOGIN, 200, 403, 404, 200, kwargs=traced_lot_pk),
    "standards:lot_unpublish": Row(ANON_LOGIN, 200, 403, 404, 200, kwargs=traced_lot_pk),
    "standards:lot_qr_png": Row(ANON_LOGIN, 200, 200, 404, 200, kwargs=traced_lot_pk),
    "standards:lot_qr_svg": Row(ANON_LOGIN, 200, 200, 404, 200, kwargs=traced_lot_pk),
    "public:product_page": same(200, kwargs=public_product),
    "public:lot_page": same(200, kwargs=public_lot),
    "public:digital_link": same(200, kwargs=digital_link),
    # Dashboard and public statistics (issue 10): officers and leaders read the dashboard and
    # download its tables; anyone reads the approved figures of a year and downloads them.
    "dashboard:dashboard": Row(ANON_LOGIN, 200, 200, 403, 403),
    "dashboard:export": Row(ANON_LOGIN, 200, 200, 403, 403, kwargs=dashboard_table),
    "statistics:page": same(200),
    "statistics:download": same(200, kwargs=approved_table),
    # The admin site guards itself: everyone who is not staff is sent to its login page.
    "admin:*": Row(302, 302, 302, 302, 302),
    # --- REST API (issue 11): the documentation is public; every /api/v1/ endpoint has its
    # own matrix, by persona and own/other record, in tests/api/test_api_permissions.py.
    "api:schema": same(200),
    "api:swagger-ui": same(200),
    "api:redoc": same(200),
    "api:*": same(401),
    # Export of any list page (CSV streamed): the page's roles; the job pages are the asker's
    # (tests/test_list_export_pages.py).
    "list_export": Row(ANON_LOGIN, 200, 200, 200, 200, kwargs=lambda w: {"key": "products"}),
    "list_export_job": Row(
        ANON_LOGIN,
        404,
        404,
        404,
        404,
        kwargs=lambda w: {"pk": "0b6f3c1e-6d1a-4a53-9a53-0c5b0f2d9e11"},
    ),
    "list_export_download": Row(
        ANON_LOGIN,
        404,
        404,
        404,
        404,
        kwargs=lambda w: {"pk": "0b6f3c1e-6d1a-4a53-9a53-0c5b0f2d9e11"},
    ),
}


# --- Declarations (issue 8): a declaration of enterprise B in the state a page needs -----------


def declaration_in(state: str, **fields) -> Callable[[World], dict]:
    def kwargs(world: World) -> dict:
        declaration = DeclarationFactory(enterprise=world.enterprise_b, state=state, **fields)
        return {"pk": declaration.pk}

    return kwargs


def declaration_document_pk(world: World) -> dict:
    declaration = DeclarationFactory(enterprise=world.enterprise_b)
    return {"pk": declaration.documents.get().pk}


DRAFT = declaration_in("draft")
SUBMITTED = declaration_in(
    "submitted", complete_on=datetime.date(2026, 11, 2), decision_due_on=datetime.date(2026, 11, 9)
)
ACCEPTED = declaration_in(
    "accepted",
    receipt_number="12/TB-SKHCN",
    receipt_date=datetime.date(2026, 11, 5),
    valid_until=datetime.date(2029, 11, 4),
)
OFFICER_ONLY = Row(ANON_LOGIN, 200, 403, 403, 403, kwargs=SUBMITTED)

EXPECTATIONS.update(
    {
        # Enterprise users file and follow their own declarations (the user of A gets a 404 for
        # B's); only officers decide; leaders read; the receipt notice for all who may see it.
        "standards:declaration_list": Row(ANON_LOGIN, 200, 200, 200, 200),
        "standards:declaration_create": Row(ANON_LOGIN, 200, 403, 404, 200, kwargs=b_enterprise_pk),
        "standards:declaration_detail": Row(ANON_LOGIN, 200, 200, 404, 200, kwargs=DRAFT),
        "standards:declaration_update": Row(ANON_LOGIN, 200, 403, 404, 200, kwargs=DRAFT),
        "standards:declaration_document_create": Row(ANON_LOGIN, 200, 403, 404, 200, kwargs=DRAFT),
        "standards:declaration_document_download": Row(
            ANON_LOGIN, 200, 200, 404, 200, kwargs=declaration_document_pk
        ),
        "standards:declaration_submit": Row(ANON_LOGIN, 200, 403, 404, 200, kwargs=DRAFT),
        "standards:declaration_answer": Row(
            ANON_LOGIN,
            200,
            403,
            404,
            200,
            kwargs=declaration_in(
                "supplement_requested", supplement_due_on=datetime.date(2026, 12, 21)
            ),
        ),
        "standards:declaration_request_supplement": OFFICER_ONLY,
        "standards:declaration_accept": OFFICER_ONLY,
        "standards:declaration_reject": OFFICER_ONLY,
        "standards:declaration_receipt_pdf": Row(ANON_LOGIN, 200, 200, 404, 200, kwargs=ACCEPTED),
        "standards:declaration_archive": Row(ANON_LOGIN, 200, 403, 404, 200, kwargs=DRAFT),
        "standards:declaration_restore": Row(
            ANON_LOGIN, 200, 403, 404, 200, kwargs=declaration_in("draft", is_archived=True)
        ),
    }
)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
# Data for scripts (Django's json_script) is not code: the CSP does not run it.
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/json\")[^>]*>", re.IGNORECASE
)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+=", re.IGNORECASE)


def assert_csp_clean(html: str) -> None:
    """The Content-Security-Policy allows only our own files: no inline code or styles."""
    for pattern in (INLINE_SCRIPT, INLINE_STYLE, INLINE_HANDLER):
        match = pattern.search(html)
        assert match is None, html[max(0, match.start() - 80) : match.end() + 80]


def test_csp_check_catches_inline_code():
    for html in ('<p style="x">', "<script>alert(1)</script>", '<a onclick="x()">'):
        with pytest.raises(AssertionError):
            assert_csp_clean(html)
    assert_csp_clean('<script src="/static/a.js"></script><p class="x">')
    assert_csp_clean('<script id="d" type="application/json">{"a": 1}</script>')
    with pytest.raises(AssertionError):
        assert_csp_clean('<script type="text/javascript">alert(1)</script>')


def url_names(patterns=None, namespace: str = "") -> Iterator[str]:
    """Every named URL of the project, namespaced (``enterprises:enterprise_list``).

    An unnamed pattern yields ``<unnamed: route>`` so it cannot slip past the matrix.
    """
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name or f'<unnamed: {entry.pattern}>'}"


def missing_expectations(names, expectations=EXPECTATIONS) -> list[str]:
    def covered(name: str) -> bool:
        namespace = name.split(":", 1)[0] + ":*" if ":" in name else None
        return name in expectations or (namespace is not None and namespace in expectations)

    return sorted({n for n in names if not covered(n)})


def test_every_url_has_expectations():
    missing = missing_expectations(url_names())
    assert not missing, f"URL patterns with no row in EXPECTATIONS: {missing}"


def test_matrix_catches_a_url_without_expectations():
    # The check itself must fail for an unlisted view, or the guarantee above is empty.
    names = [*url_names(), "enterprises:new_unlisted_view", "<unnamed: x/>"]
    assert missing_expectations(names) == ["<unnamed: x/>", "enterprises:new_unlisted_view"]


@pytest.fixture
def world(enterprise_b, ent_b, officer, django_capture_on_commit_callbacks) -> World:
    pending = MembershipFactory(
        enterprise=enterprise_b, user=UserFactory(username="dang-cho"), state="requested"
    )
    approved = ent_b.memberships.get()
    with django_capture_on_commit_callbacks(execute=True):
        job = services.export_job_create(user=officer, fmt="csv", params={})
        certificate_export = standards_services.certificate_export_create(
            user=officer, fmt="csv", params={}
        )
    certificate = CertificateFactory(enterprise=enterprise_b)
    standards_services.certificate_attach_scan(
        certificate_id=certificate.pk, scan=upload(pdf_bytes()), user=officer
    )
    proposed = CertificateFactory(
        enterprise=enterprise_b, number="DE-XUAT 1", review_state="proposed"
    )
    adoption = AdoptionFactory(enterprise=enterprise_b)
    proposed_adoption = AdoptionFactory(
        enterprise=enterprise_b, standard=ToolFactory(), review_state="proposed"
    )
    return World(
        enterprise_b,
        pending,
        approved,
        job,
        certificate,
        proposed,
        adoption,
        proposed_adoption,
        certificate_export,
    )


CASES = [
    (name, persona)
    for name in EXPECTATIONS
    if not name.endswith(":*")
    for persona in ("anonymous", "officer", "leader", "ent_a", "ent_b")
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "persona"), CASES)
def test_permission_matrix(name, persona, personas, world):
    row = EXPECTATIONS[name]
    url = reverse(name, kwargs=row.kwargs(world))
    response = personas[persona].client.get(url)
    expected = getattr(row, persona)
    assert response.status_code == expected, f"{persona} GET {url}"
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        assert_csp_clean(response.content.decode())
    # A page that signed-in users open but anonymous visitors cannot sends them to log in.
    if persona == "anonymous" and expected == ANON_LOGIN and row.officer != ANON_LOGIN:
        assert response["Location"].startswith(reverse("login")), response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["anonymous", "officer", "leader", "ent_a", "ent_b"])
def test_admin_site_is_for_staff_only(persona, personas):
    response = personas[persona].client.get(reverse("admin:index"))
    assert response.status_code == EXPECTATIONS["admin:*"].anonymous
    assert "/quan-tri/login/" in response["Location"]
