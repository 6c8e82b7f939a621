"""Lots and their stages: who may write them, what is refused (in Vietnamese, nothing changed),
history and versions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from laichau_nsc.editing import EditConflictError
from standards import services_traceability as services
from standards.models import Product, TraceabilityRecord, TraceabilityStage
from tests.standards.factories_traceability import (
    LocationFactory,
    LotFactory,
    StageFactory,
    TracedProductFactory,
)

pytestmark = pytest.mark.django_db

MADE = datetime.date(2026, 3, 15)


@pytest.fixture
def product(enterprise_a):
    return TracedProductFactory(enterprise=enterprise_a, name="Chè Shan Tuyết")


def lot_data(**extra) -> dict:
    return {"lot": "2026-03A", "produced_on": MADE, **extra}


STAGES = [
    {"what": "Thu hái", "where": "Đồi chè Tả Lèng", "started_on": datetime.date(2026, 3, 1)},
    {"what": "Sao, vò", "started_on": datetime.date(2026, 3, 6)},
    {"what": "Đóng gói", "ended_on": MADE},
]


def create(product, user, stages=STAGES, **data):
    return services.lot_create(product=product, data=lot_data(**data), stages=stages, user=user)


def refused(call) -> str:
    """The refusal's messages, after checking that nothing was written."""
    lots, stages = TraceabilityRecord.objects.count(), TraceabilityStage.objects.count()
    with pytest.raises(ValidationError) as error:
        call()
    assert (TraceabilityRecord.objects.count(), TraceabilityStage.objects.count()) == (lots, stages)
    return " ".join(error.value.messages)


# --- Recording a lot ---------------------------------------------------------------------------


def test_an_enterprise_user_records_a_lot_of_its_product_with_stages(product, ent_a):
    record = create(product, ent_a)

    assert record.product == product
    assert record.version == 1
    assert [s.what for s in record.stages.order_by("position")] == [
        "Thu hái",
        "Sao, vò",
        "Đóng gói",
    ]
    assert [s.position for s in record.stages.order_by("position")] == [1, 2, 3]
    assert record.history.get().history_user == ent_a
    assert {s.history_user for s in TraceabilityStage.history.all()} == {ent_a}


def test_a_trace_code_is_made_printable_and_unambiguous(product, officer):
    codes = {create(product, officer, lot=f"L{i}").trace_code for i in range(30)}
    assert len(codes) == 30
    for code in codes:
        assert len(code) == 11
        assert code[5] == "-"
        assert not set(code) & set("01OIL")


def test_a_given_trace_code_is_kept_in_capitals(product, officer):
    assert create(product, officer, trace_code=" td-2026 0001 ").trace_code == "TD-20260001"
    assert create(product, officer, lot="L2", trace_code="ta-2026-0002").trace_code == (
        "TA-2026-0002"
    )


@pytest.mark.parametrize("persona", ["ent_b", "leader"])
def test_others_cannot_record_a_lot(product, persona, request):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        create(product, user)
    assert not TraceabilityRecord.objects.exists()


@pytest.mark.parametrize(
    "forged",
    [{"product": 1}, {"version": 9}, {"created_at": None}, {"id": 5}, {"updated_at": None}],
)
def test_forged_fields_are_refused(product, ent_a, forged):
    message = refused(
        lambda: services.lot_create(
            product=product, data=lot_data(**forged), stages=STAGES, user=ent_a
        )
    )
    assert "Không được phép đặt các trường" in message


def test_a_forged_stage_field_is_refused(product, ent_a):
    stages = [{"what": "Thu hái", "record": 99}]
    assert "Không được phép đặt các trường: record" in refused(
        lambda: create(product, ent_a, stages=stages)
    )


def test_best_before_before_production_is_refused(product, ent_a):
    message = refused(lambda: create(product, ent_a, best_before=datetime.date(2026, 3, 1)))
    assert message == "Hạn sử dụng (01/03/2026) trước ngày sản xuất (15/03/2026)."


def test_a_production_date_in_the_future_is_refused(product, ent_a):
    later = timezone.localdate() + datetime.timedelta(days=2)
    message = refused(lambda: create(product, ent_a, produced_on=later, stages=[]))
    assert "ở tương lai" in message


@pytest.mark.parametrize("lot", ["2026-03A", "2026-03a", " 2026-03A "])
def test_a_duplicate_lot_of_a_product_is_refused(product, ent_a, lot):
    first = create(product, ent_a)
    message = refused(lambda: create(product, ent_a, lot=lot))
    assert f"Sản phẩm “Chè Shan Tuyết” đã có lô “2026-03A” (mã truy xuất {first.trace_code})" in (
        message
    )


def test_the_same_lot_number_of_another_product_is_fine(product, ent_a, enterprise_a):
    create(product, ent_a)
    create(TracedProductFactory(enterprise=enterprise_a), ent_a)
    assert TraceabilityRecord.objects.count() == 2


@pytest.mark.parametrize("lot", ["Lô 01", "L" * 21, "", "-L01", "L01;DROP"])
def test_a_lot_number_gs1_cannot_carry_is_refused(product, ent_a, lot):
    message = refused(lambda: create(product, ent_a, lot=lot))
    assert "Số lô" in message or "Nhập số lô" in message


def test_a_trace_code_in_use_is_refused(product, ent_a):
    create(product, ent_a, trace_code="TD-0001")
    message = refused(lambda: create(product, ent_a, lot="L2", trace_code="td-0001"))
    assert "Mã truy xuất TD-0001 đã được dùng cho một lô khác" in message


@pytest.mark.parametrize("code", ["AB", "ÀBCD-1", "A/B/C/D", "<script>"])
def test_a_malformed_trace_code_is_refused(product, ent_a, code):
    assert "Mã truy xuất gồm 4 đến 40 chữ cái" in refused(
        lambda: create(product, ent_a, trace_code=code)
    )


# --- Stages -------------------------------------------------------------------------------------


def test_a_stage_out_of_order_in_time_is_refused(product, ent_a):
    stages = [
        {"what": "Sao, vò", "started_on": datetime.date(2026, 3, 6)},
        {"what": "Thu hái", "started_on": datetime.date(2026, 3, 1)},
    ]
    message = refused(lambda: create(product, ent_a, stages=stages))
    assert message == (
        "Công đoạn 2 “Thu hái” (ngày 01/03/2026) diễn ra trước công đoạn liền trước “Sao, vò” "
        "(ngày 06/03/2026). Hãy xếp các công đoạn theo thứ tự thời gian."
    )


def test_a_stage_ending_before_it_starts_is_refused(product, ent_a):
    stages = [
        {
            "what": "Ủ",
            "started_on": datetime.date(2026, 3, 6),
            "ended_on": datetime.date(2026, 3, 2),
        }
    ]
    assert "ngày kết thúc (02/03/2026) trước ngày bắt đầu (06/03/2026)" in refused(
        lambda: create(product, ent_a, stages=stages)
    )


def test_a_stage_in_the_future_and_a_stage_without_a_name_are_refused(product, ent_a):
    later = timezone.localdate() + datetime.timedelta(days=3)
    assert "ở tương lai" in refused(
        lambda: create(product, ent_a, stages=[{"what": "Phân phối", "started_on": later}])
    )
    assert "nhập tên công đoạn" in refused(
        lambda: create(product, ent_a, stages=[{"what": " ", "where": "Kho"}])
    )


def test_a_stage_may_name_a_gln_of_the_enterprise_but_not_of_another(product, ent_a, enterprise_b):
    own = LocationFactory(registration__enterprise=product.enterprise)
    theirs = LocationFactory(registration__enterprise=enterprise_b, gln="8934600009999")

    message = refused(lambda: create(product, ent_a, stages=[{"what": "Sấy", "location": theirs}]))
    assert "địa điểm GLN 8934600009999 không thuộc doanh nghiệp" in message

    record = create(product, ent_a, stages=[{"what": "Sấy", "location": own}])
    assert record.stages.get().location == own


def test_an_archived_gln_is_refused(product, ent_a):
    archived = LocationFactory(registration__enterprise=product.enterprise, is_archived=True)
    assert "không thuộc doanh nghiệp" in refused(
        lambda: create(product, ent_a, stages=[{"what": "Sấy", "location": archived}])
    )


def test_too_many_stages_are_refused(product, ent_a):
    stages = [{"what": f"Bước {i}"} for i in range(services.MAX_STAGES + 1)]
    assert "Tối đa 30 công đoạn" in refused(lambda: create(product, ent_a, stages=stages))


# --- Changing a lot ------------------------------------------------------------------------------


def test_an_update_replaces_the_stages_and_keeps_history(product, ent_a, officer):
    record = create(product, ent_a)

    updated = services.lot_update(
        lot_id=record.pk,
        data={"shelf_life": "18 tháng"},
        stages=[{"what": "Thu hái"}, {"what": "Đóng gói"}],
        version=1,
        user=officer,
    )

    assert updated.version == 2
    assert updated.shelf_life == "18 tháng"
    assert [s.what for s in updated.stages.order_by("position")] == ["Thu hái", "Đóng gói"]
    assert updated.history.latest("history_date").history_user == officer
    deleted = TraceabilityStage.history.filter(history_type="-")
    assert deleted.count() == 3
    assert {h.history_user for h in deleted} == {officer}


def test_a_stale_version_is_a_conflict_and_changes_nothing(product, ent_a, officer):
    record = create(product, ent_a)
    services.lot_update(lot_id=record.pk, data={"shelf_life": "18 tháng"}, stages=STAGES,
                        version=1, user=officer)  # fmt: skip
    with pytest.raises(EditConflictError) as conflict:
        services.lot_update(lot_id=record.pk, data={"shelf_life": "6 tháng"}, stages=[],
                            version=1, user=ent_a)  # fmt: skip
    assert [c.field for c in conflict.value.changes] == ["shelf_life"]
    record.refresh_from_db()
    assert record.shelf_life == "18 tháng"
    assert record.stages.count() == 3


def test_the_trace_code_cannot_change(product, ent_a):
    record = create(product, ent_a)
    with pytest.raises(ValidationError, match="trace_code"):
        services.lot_update(lot_id=record.pk, data={"trace_code": "NEW-0001"}, stages=STAGES,
                            version=1, user=ent_a)  # fmt: skip


def test_another_enterprise_cannot_change_a_lot(product, ent_a, ent_b):
    record = create(product, ent_a)
    with pytest.raises(PermissionDenied):
        services.lot_update(lot_id=record.pk, data={}, stages=[], version=1, user=ent_b)
    with pytest.raises(PermissionDenied):
        services.lot_set_published(lot_id=record.pk, published=False, user=ent_b)
    assert record.stages.count() == 3


def test_a_lot_of_an_archived_product_is_refused(product, ent_a):
    record = create(product, ent_a)
    Product.objects.filter(pk=product.pk).update(is_archived=True)
    assert "đã lưu trữ" in refused(lambda: create(product, ent_a, lot="L9"))
    with pytest.raises(ValidationError, match="đã lưu trữ"):
        services.lot_update(lot_id=record.pk, data={}, stages=[], version=1, user=ent_a)


def test_every_write_moves_the_products_updated_at(product, ent_a):
    before = Product.objects.get(pk=product.pk).updated_at
    history = product.history.count()
    record = create(product, ent_a)
    created = Product.objects.get(pk=product.pk).updated_at
    services.lot_set_published(lot_id=record.pk, published=False, user=ent_a)
    hidden = Product.objects.get(pk=product.pk)
    assert before < created < hidden.updated_at
    assert hidden.version == product.version  # the product itself did not change
    assert product.history.count() == history


def test_publishing_is_recorded_and_idempotent(product, ent_a):
    record = LotFactory(product=product)
    StageFactory(record=record)
    hidden = services.lot_set_published(lot_id=record.pk, published=False, user=ent_a)
    again = services.lot_set_published(lot_id=record.pk, published=False, user=ent_a)
    assert not hidden.is_published
    assert again.version == hidden.version == 2
