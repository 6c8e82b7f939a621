"""Services of the expert team and support activities: who may write, what is refused (with a
Vietnamese message, nothing changed), versions, archive-first, funding rows and their history."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.utils import timezone

from laichau_nsc.editing import EditConflictError
from programs import services_support as services
from programs.choices import FundingSource, SupportKind
from programs.models import Expert, SupportActivity, SupportFunding
from tests.enterprises.factories import EnterpriseFactory
from tests.programs.factories_support import ExpertFactory, SupportActivityFactory
from tests.programs.training_factories import CourseFactory
from tests.standards.factories import AdoptionFactory, StandardFactory, ToolFactory
from tests.test_files import pdf_bytes, upload

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
CENTRAL, PROVINCIAL, OWN = "central_budget", "provincial_budget", "enterprise"


def data(**overrides):
    base = {
        "kind": SupportKind.CONSULTING,
        "title": "Tư vấn áp dụng 5S",
        "provided_on": datetime.date(2022, 6, 1),
        "decision_number": "12/QĐ-SKHCN",
        "decision_date": datetime.date(2022, 5, 10),
    }
    return {**base, **overrides}


def create(officer, enterprise, fundings=None, total=None, **overrides):
    return services.support_create(
        enterprise=enterprise,
        data=data(**overrides),
        fundings={PROVINCIAL: 30_000_000, OWN: 20_000_000} if fundings is None else fundings,
        total=total,
        user=officer,
    )


def message(error: pytest.ExceptionInfo) -> str:
    return " ".join(error.value.messages)


# --- Experts ------------------------------------------------------------------------------------


def test_officer_adds_an_expert_and_the_history_names_them(officer):
    expert = services.expert_create(
        data={"full_name": "Lê Văn Thành", "fields": ["standards"], "certified_year": 2021},
        user=officer,
    )
    assert expert.history.get().history_user == officer


@pytest.mark.parametrize("persona", ["leader", "ent_a"])
def test_only_officers_change_the_team(persona, request):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.expert_create(data={"full_name": "X"}, user=user)
    assert not Expert.objects.exists()


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({"certified_year": 1990}, "Năm được công nhận phải từ 2010"),
        ({"certified_year": TODAY().year + 1}, "Năm được công nhận phải từ 2010"),
        (
            {"joined_on": datetime.date(2022, 5, 1), "left_on": datetime.date(2021, 1, 1)},
            "Ngày thôi tham gia (01/01/2021) trước ngày tham gia (01/05/2022)",
        ),
        ({"left_on": datetime.date(2021, 1, 1), "is_active": True}, "bỏ chọn “đang tham gia”"),
        ({"fields": ["astrology"]}, "Lĩnh vực không hợp lệ"),
    ],
)
def test_expert_with_insane_dates_or_fields_is_refused(officer, fields, text):
    with pytest.raises(ValidationError) as error:
        services.expert_create(data={"full_name": "Lê Văn Thành", **fields}, user=officer)
    assert text in message(error)
    assert not Expert.objects.exists()


def test_stale_expert_edit_is_a_conflict(officer):
    expert = ExpertFactory()
    services.expert_update(
        expert_id=expert.pk, data={"organisation": "Sở KH&CN"}, version=1, user=officer
    )
    with pytest.raises(EditConflictError) as conflict:
        services.expert_update(
            expert_id=expert.pk, data={"organisation": "Khác"}, version=1, user=officer
        )
    assert [c.field for c in conflict.value.changes] == ["organisation"]
    assert Expert.objects.get().organisation == "Sở KH&CN"


def test_archived_expert_is_kept_and_cannot_be_chosen_for_new_support(officer, enterprise_a):
    expert = ExpertFactory()
    services.expert_set_archived(expert_id=expert.pk, archived=True, user=officer)
    expert.refresh_from_db()
    assert expert.is_archived
    assert expert.version == 2
    with pytest.raises(ValidationError) as error:
        services.support_create(
            enterprise=enterprise_a, data=data(), experts=[expert], fundings={}, user=officer
        )
    assert "Chuyên gia đã lưu trữ" in message(error)


# --- Support: funding ---------------------------------------------------------------------------


def test_support_is_recorded_with_its_funding_rows(officer, enterprise_a):
    expert = ExpertFactory()
    activity = services.support_create(
        enterprise=enterprise_a,
        data=data(),
        experts=[expert],
        fundings={CENTRAL: 10_000_000, OWN: 5_000_000},
        total=15_000_000,
        user=officer,
    )
    assert dict(activity.fundings.values_list("source", "amount")) == {
        CENTRAL: 10_000_000,
        OWN: 5_000_000,
    }
    assert list(activity.experts.all()) == [expert]
    assert activity.history.get().history_user == officer


def test_funding_that_does_not_add_up_to_the_total_is_refused(officer, enterprise_a):
    with pytest.raises(ValidationError) as error:
        create(officer, enterprise_a, total=60_000_000)
    assert "Tổng kinh phí là 60.000.000 đồng nhưng các nguồn cộng lại được 50.000.000" in message(
        error
    )
    assert not SupportActivity.objects.exists()
    assert not SupportFunding.objects.exists()


@pytest.mark.parametrize(
    ("fundings", "text"),
    [
        ({CENTRAL: -1}, "không âm"),
        ({CENTRAL: 100_000_000_001}, "vượt 100.000.000.000 đồng"),
        ({"lottery": 5}, "Nguồn kinh phí không hợp lệ"),
    ],
)
def test_bad_amounts_are_refused(officer, enterprise_a, fundings, text):
    with pytest.raises(ValidationError) as error:
        create(officer, enterprise_a, fundings=fundings)
    assert text in message(error)
    assert not SupportActivity.objects.exists()


def test_support_without_money_is_allowed(officer, enterprise_a):
    activity = create(officer, enterprise_a, fundings={}, total=0)
    assert not activity.fundings.exists()


def test_update_replaces_the_funding_rows_and_keeps_their_history(officer, enterprise_a):
    activity = create(officer, enterprise_a)
    services.support_update(
        activity_id=activity.pk,
        data={"title": "Tư vấn 5S, đợt 2"},
        fundings={PROVINCIAL: 40_000_000, CENTRAL: 10_000_000},
        total=50_000_000,
        version=1,
        user=officer,
    )
    activity.refresh_from_db()
    assert activity.version == 2
    assert dict(activity.fundings.values_list("source", "amount")) == {
        PROVINCIAL: 40_000_000,
        CENTRAL: 10_000_000,
    }
    kinds = sorted(
        SupportFunding.history.filter(activity_id=activity.pk).values_list("source", "history_type")
    )
    # created twice (provincial, enterprise), then provincial changed, enterprise deleted,
    # central created.
    assert kinds == [
        (CENTRAL, "+"),
        (OWN, "+"),
        (OWN, "-"),
        (PROVINCIAL, "+"),
        (PROVINCIAL, "~"),
    ]
    assert {h.history_user for h in SupportFunding.history.all()} == {officer}


def test_stale_support_edit_is_a_conflict_and_changes_nothing(officer, enterprise_a):
    activity = create(officer, enterprise_a)
    services.support_update(
        activity_id=activity.pk, data={"title": "Mới"}, fundings={}, version=1, user=officer
    )
    with pytest.raises(EditConflictError):
        services.support_update(
            activity_id=activity.pk,
            data={"title": "Cũ"},
            fundings={CENTRAL: 1},
            version=1,
            user=officer,
        )
    activity.refresh_from_db()
    assert activity.title == "Mới"
    assert not activity.fundings.exists()


# --- Support: links and dates -------------------------------------------------------------------


def test_adoption_of_another_enterprise_is_refused(officer, enterprise_a, enterprise_b):
    other = AdoptionFactory(enterprise=enterprise_b)
    with pytest.raises(ValidationError) as error:
        create(officer, enterprise_a, adoption=other, kind=SupportKind.CERTIFICATION)
    assert "không thuộc doanh nghiệp được hỗ trợ" in message(error)
    assert not SupportActivity.objects.exists()


def test_productivity_support_must_support_a_tool(officer, enterprise_a):
    iso = AdoptionFactory(enterprise=enterprise_a, standard=StandardFactory())
    with pytest.raises(ValidationError) as error:
        create(officer, enterprise_a, adoption=iso, kind=SupportKind.PRODUCTIVITY_TOOL)
    assert "phải gắn với việc áp dụng một công cụ năng suất" in message(error)
    tool = AdoptionFactory(enterprise=enterprise_a, standard=ToolFactory())
    with pytest.raises(ValidationError) as error:
        create(officer, enterprise_a, adoption=tool, kind=SupportKind.CERTIFICATION)
    assert "Hỗ trợ chứng nhận phải gắn với" in message(error)
    activity = create(officer, enterprise_a, adoption=tool, kind=SupportKind.PRODUCTIVITY_TOOL)
    assert activity.adoption == tool


def test_course_only_for_training_support(officer, enterprise_a):
    course = CourseFactory()
    with pytest.raises(ValidationError) as error:
        create(officer, enterprise_a, course=course)
    assert "Chỉ gắn khóa đào tạo" in message(error)
    assert create(officer, enterprise_a, course=course, kind=SupportKind.TRAINING).course == course


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({"provided_on": datetime.date(2005, 1, 1)}, "Ngày hỗ trợ phải từ 01/01/2010"),
        ({"provided_on": TODAY() + datetime.timedelta(days=400)}, "Ngày hỗ trợ phải từ"),
        ({"decision_date": TODAY() + datetime.timedelta(days=1)}, "Ngày quyết định phải từ"),
        ({"decision_date": None}, "Nhập ngày ký quyết định 12/QĐ-SKHCN"),
        ({"decision_number": ""}, "Nhập số quyết định đi kèm ngày quyết định"),
    ],
)
def test_insane_dates_are_refused(officer, enterprise_a, fields, text):
    with pytest.raises(ValidationError) as error:
        create(officer, enterprise_a, **fields)
    assert text in message(error)
    assert not SupportActivity.objects.exists()


def test_archived_enterprise_gets_no_new_support(officer):
    enterprise = EnterpriseFactory(is_archived=True)
    with pytest.raises(ValidationError) as error:
        create(officer, enterprise)
    assert "đã lưu trữ" in message(error)


@pytest.mark.parametrize("persona", ["leader", "ent_a"])
def test_only_officers_record_support(persona, request, enterprise_a):
    with pytest.raises(PermissionDenied):
        create(request.getfixturevalue(persona), enterprise_a)
    activity = SupportActivityFactory(enterprise=enterprise_a)
    with pytest.raises(PermissionDenied):
        services.support_set_archived(
            activity_id=activity.pk, archived=True, user=request.getfixturevalue(persona)
        )


def test_forged_field_is_refused(officer, enterprise_a, enterprise_b):
    with pytest.raises(ValidationError) as error:
        services.support_create(
            enterprise=enterprise_a,
            data={**data(), "enterprise": enterprise_b},
            fundings={},
            user=officer,
        )
    assert "Không được phép đặt các trường: enterprise" in message(error)


def test_archived_support_is_kept_and_not_edited_until_restored(officer, enterprise_a):
    activity = create(officer, enterprise_a)
    services.support_set_archived(activity_id=activity.pk, archived=True, user=officer)
    with pytest.raises(ValidationError):
        services.support_update(
            activity_id=activity.pk, data={"title": "x"}, fundings={}, version=2, user=officer
        )
    services.support_set_archived(activity_id=activity.pk, archived=False, user=officer)
    activity.refresh_from_db()
    assert not activity.is_archived
    assert activity.version == 3
    assert activity.fundings.aggregate(s=Sum("amount"))["s"] == 50_000_000


def test_decision_file_is_checked_by_content(officer, enterprise_a):
    activity = services.support_create(
        enterprise=enterprise_a,
        data=data(),
        fundings={},
        decision_file=upload(pdf_bytes(), "quyết định.pdf"),
        user=officer,
    )
    assert activity.decision_file.name.endswith(".pdf")
    with pytest.raises(ValidationError):
        services.support_create(
            enterprise=enterprise_a,
            data=data(),
            fundings={},
            decision_file=upload(b"<html><script>x</script>", "qd.pdf"),
            user=officer,
        )
    assert SupportActivity.objects.count() == 1


def test_factory_amount_is_the_sum_of_its_rows():
    activity = SupportActivityFactory(
        funding={FundingSource.CENTRAL_BUDGET: 3, FundingSource.ENTERPRISE: 4}
    )
    assert activity.fundings.aggregate(s=Sum("amount"))["s"] == 7
