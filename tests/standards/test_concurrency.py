"""Two people entering the same certificate number at the same body at the same moment: the
body's row lock serves them one after the other, so the second is refused with the message,
even when they spell the number differently (which no database constraint would catch)."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from standards import services
from standards.models import Certificate
from tests.enterprises.factories import EnterpriseFactory
from tests.factories import UserFactory
from tests.helpers import require_postgresql
from tests.standards.factories import CertificationBodyFactory, StandardFactory


# A transaction test empties the tables after it; serialized_rollback puts back what the
# migrations created (the role groups, beat's schedules) for the tests after it.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_duplicates_at_one_body_keep_one():
    require_postgresql()
    officer = UserFactory(username="canbo", roles=["officer"])
    standard, body = StandardFactory(), CertificationBodyFactory()
    enterprises = [EnterpriseFactory(), EnterpriseFactory()]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def enter(enterprise, number: str) -> None:
        try:
            barrier.wait(timeout=10)
            services.certificate_create(
                enterprise=enterprise,
                data={
                    "standard": standard,
                    "body": body,
                    "number": number,
                    "scope": "Chè",
                    "issued_on": datetime.date(2023, 1, 1),
                    "expires_on": datetime.date(2025, 12, 31),
                },
                user=officer,
            )
            outcomes.append("saved")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=enter, args=(enterprises[0], "HT 7/2023")),
        threading.Thread(target=enter, args=(enterprises[1], "ht-7/2023")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes)[-1] == "saved"
    assert "đã được ghi nhận" in sorted(outcomes)[0]
    assert Certificate.objects.count() == 1
