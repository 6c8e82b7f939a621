"""Notifications: written once per recipient and key in each recipient's language, one list per
user that nobody else sees, the bell's count, and the language a signed-in user chose."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from laichau_nsc.models import Notification, OutboundEmail, UserProfile
from laichau_nsc.notifications import UNREAD_COUNT_CAP, notify, unread_count
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.helpers import assert_queries_constant, count_queries

LIST = reverse("notification_list")
# A kind of notification the tests send: the certificate reminder's templates.
TEMPLATE = "standards/email/certificate_expiry"
CONTEXT = {
    "number": "HT 12/2024",
    "standard_code": "TCVN ISO 9001:2015",
    "enterprise_name": "Công ty cổ phần Chè Tam Đường",
    "body_name": "QUACERT",
    "expires_on": datetime.date(2027, 1, 31),
    "days_left": 30,
}


def send(users, key="k1", url="/doanh-nghiep/1/") -> int:
    return notify(users, kind="test", template=TEMPLATE, context=CONTEXT, url=url, dedupe_key=key)


def add_notifications(user, n: int, *, read: bool = False) -> None:
    start = Notification.objects.count()
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind="test",
            title=f"Thông báo {start + i}",
            url="/",
            dedupe_key=f"bulk-{start + i}",
            created_at=timezone.now() + datetime.timedelta(seconds=start + i),
            read_at=timezone.now() if read else None,
        )
        for i in range(n)
    )


# --- notify() ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_notify_writes_a_notification_and_an_email_in_each_recipients_language():
    vietnamese = UserFactory()
    english = UserFactory()
    UserProfile.objects.create(user=english, language="en")

    assert send([vietnamese, english.pk]) == 2

    vi = Notification.objects.get(recipient=vietnamese)
    en = Notification.objects.get(recipient=english)
    assert vi.title == "Chứng chỉ HT 12/2024 còn 30 ngày hết hạn – Công ty cổ phần Chè Tam Đường"
    assert en.title == "Certificate HT 12/2024 expires in 30 days – Công ty cổ phần Chè Tam Đường"
    assert "31/01/2027" in vi.body
    assert "expires on 31/01/2027" in en.body
    assert (vi.url, vi.kind, vi.read_at) == ("/doanh-nghiep/1/", "test", None)
    mails = {tuple(m.to): m for m in OutboundEmail.objects.all()}
    assert mails[(english.email,)].subject == en.title
    assert f"{settings.SITE_URL}/doanh-nghiep/1/" in mails[(english.email,)].body_text
    assert mails[(vietnamese.email,)].subject == vi.title


@pytest.mark.django_db
def test_notify_twice_with_the_same_key_adds_nothing():
    user, other = UserFactory(), UserFactory()
    send([user])

    assert send([user, other]) == 1  # only the recipient not notified yet

    assert Notification.objects.filter(recipient=user).count() == 1
    assert OutboundEmail.objects.count() == 2
    assert send([user], key="k2") == 1  # another fact is another notification


@pytest.mark.django_db
def test_notify_skips_inactive_users_and_mails_only_those_with_an_address():
    UserFactory(is_active=False)
    no_address = UserFactory(email="")

    assert send([u.pk for u in UserFactory._meta.model.objects.all()]) == 1

    assert Notification.objects.get().recipient == no_address
    assert not OutboundEmail.objects.exists()


@pytest.mark.django_db
def test_notify_needs_a_key():
    with pytest.raises(ValueError, match="dedupe_key"):
        send([UserFactory()], key="")


# --- The list ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_user_sees_only_their_own_notifications(officer, ent_a, ent_b):
    send([ent_a], key="for-a")
    send([ent_b], key="for-b")
    mine = Notification.objects.get(recipient=ent_a)
    theirs = Notification.objects.get(recipient=ent_b)

    response = client_for(ent_a).get(LIST)

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [mine]
    assert list(client_for(officer).get(LIST).context["page"].object_list) == []
    # Another user's notification cannot be opened or marked: 404, and it stays unread.
    for name in ("notification_open", "notification_read"):
        assert client_for(ent_a).post(reverse(name, args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_the_list_is_newest_first_and_paginated(ent_a):
    add_notifications(ent_a, 25)

    first = client_for(ent_a).get(LIST).context["page"]
    second = client_for(ent_a).get(LIST, {"page": 2}).context["page"]

    assert [n.title for n in first.object_list][:2] == ["Thông báo 24", "Thông báo 23"]
    assert len(first.object_list) == 20
    assert [n.title for n in second.object_list] == [f"Thông báo {i}" for i in range(4, -1, -1)]


@pytest.mark.django_db
def test_the_list_query_count_does_not_grow_with_rows(ent_a):
    count = assert_queries_constant(client_for(ent_a), LIST, lambda n: add_notifications(ent_a, n))
    # session, user with its groups (roles, for the navbar), the bell's count, the page's
    # count, the page's rows.
    assert count == 5


@pytest.mark.django_db
def test_opening_a_notification_marks_it_read_and_goes_to_its_record(ent_a):
    send([ent_a], url="/doanh-nghiep/cua-toi/")
    notification = Notification.objects.get()

    response = client_for(ent_a).post(reverse("notification_open", args=[notification.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/doanh-nghiep/cua-toi/"
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.django_db
def test_a_link_to_another_site_is_not_followed(ent_a):
    send([ent_a], url="https://example.com/phishing")
    notification = Notification.objects.get()

    response = client_for(ent_a).post(reverse("notification_open", args=[notification.pk]))

    assert response["Location"] == LIST


@pytest.mark.django_db
def test_mark_one_and_mark_all_read(ent_a, ent_b):
    add_notifications(ent_a, 3)
    add_notifications(ent_b, 2)
    client = client_for(ent_a)
    first = Notification.objects.filter(recipient=ent_a).first()

    response = client.post(reverse("notification_read", args=[first.pk]), {"next": LIST})
    assert response.status_code == 302
    assert unread_count(ent_a) == 2

    client.post(reverse("notification_read_all"))
    assert unread_count(ent_a) == 0
    assert unread_count(ent_b) == 2  # somebody else's stay unread


# --- The bell ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_bell_shows_the_unread_count(ent_a):
    add_notifications(ent_a, 3)
    add_notifications(ent_a, 2, read=True)

    html = client_for(ent_a).get(reverse("home")).content.decode()

    assert "3 thông báo chưa đọc" in html
    assert 'id="nav-bell"' in html


@pytest.mark.django_db
def test_the_bell_stops_counting_at_its_cap(ent_a):
    add_notifications(ent_a, UNREAD_COUNT_CAP + 5)

    _status, _queries, sql = count_queries(client_for(ent_a), reverse("home"))
    html = client_for(ent_a).get(reverse("home")).content.decode()

    assert unread_count(ent_a) == UNREAD_COUNT_CAP
    assert ">99+<" in html
    assert len([q for q in sql if "laichau_nsc_notification" in q]) == 1


@pytest.mark.django_db
def test_htmx_parts_do_not_count_notifications(officer):
    _status, _queries, sql = count_queries(client_for(officer), reverse("home"))
    assert any("laichau_nsc_notification" in q for q in sql)
    client = client_for(officer)
    response = client.get(reverse("enterprises:enterprise_list"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "nav-bell" not in response.content.decode()


# --- The language a user chose -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_signed_in_users_language_choice_is_remembered(ent_a):
    client = client_for(ent_a)

    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert UserProfile.objects.get(user=ent_a).language == "en"
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert UserProfile.objects.get(user=ent_a).language == "vi"


@pytest.mark.django_db
def test_an_unknown_language_changes_nothing(ent_a):
    client_for(ent_a).post(reverse("set_language"), {"language": "fr", "next": "/"})

    assert not UserProfile.objects.filter(user=ent_a).exists()


@pytest.mark.django_db
def test_anonymous_visitors_still_switch_language(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/tai-khoan/dang-nhap/"})

    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/dang-nhap/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert not UserProfile.objects.exists()
