"""Diacritic- and case-blind search, on SQLite and (in CI) on PostgreSQL with its trigram index."""

import pytest
from django.db import connection

from enterprises.models import Enterprise
from laichau_nsc.text import fold
from tests.enterprises.factories import EnterpriseFactory
from tests.helpers import require_postgresql


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Tam Đường", "tam duong"),
        ("ĐƯỜNG", "duong"),
        ("Hợp tác xã  Mường   Tè", "hop tac xa muong te"),
        ("Nậm Nhùn", "nam nhun"),
        # The same word typed decomposed (NFD) folds the same as composed (NFC).
        ("Lai Cha\u0302u", "lai chau"),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.fixture
def tea(db):
    return EnterpriseFactory(
        name="Công ty TNHH Chè Tam Đường", short_name="CHÈ TĐ", representative="Lò Văn Đức"
    )


@pytest.fixture
def honey(db):
    return EnterpriseFactory(name="Hộ kinh doanh Mật ong Sìn Hồ", representative="Vàng A Dua")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["tam duong", "Tam Đường", "TAM ĐƯỜNG", "DUONG", "đường", "chè tđ", "lo van duc"]
)
def test_search_ignores_case_and_diacritics(query, tea, honey):
    assert list(Enterprise.objects.search(query)) == [tea]


@pytest.mark.django_db
def test_search_by_tax_code_fragment(tea, honey):
    assert list(Enterprise.objects.search(honey.tax_code[-6:])) == [honey]


@pytest.mark.django_db
def test_blank_search_returns_everything(tea, honey):
    assert Enterprise.objects.search("   ").count() == 2


@pytest.mark.django_db
def test_search_text_follows_edits(tea):
    tea.name = "Công ty TNHH Chè Than Uyên"
    tea.save()
    assert list(Enterprise.objects.search("than uyen")) == [tea]
    assert not Enterprise.objects.search("tam duong").exists()


@pytest.mark.django_db
def test_search_treats_like_wildcards_literally(tea, honey):
    assert not Enterprise.objects.search("%").exists()
    assert not Enterprise.objects.search("_").exists()


@pytest.mark.django_db
def test_postgresql_search_uses_the_trigram_index(tea):
    """For what the word index cannot narrow (a code's digits; see test_search_words)."""
    require_postgresql()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_indexes WHERE indexname = 'enterprise_search_trgm' "
            "AND indexdef LIKE '%%gin_trgm_ops%%'"
        )
        assert cursor.fetchone() is not None
        # On a tiny table the planner prefers other plans; forbid them to prove the index serves
        # the predicate. The bench measures the real plan at a million rows.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        searched = Enterprise.objects.search(tea.tax_code[-6:])
        sql, params = searched.order_by().query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "enterprise_search_trgm" in plan, plan


@pytest.mark.django_db
def test_long_phrase_matches_whole_phrase_only(tea):
    long_name = "Công ty TNHH Chè Tam Đường"
    EnterpriseFactory(name="Công ty TNHH Mật ong Tam Đường")  # shares the phrase's tail
    assert list(Enterprise.objects.search(long_name)) == [tea]
    assert list(Enterprise.objects.search("cong ty tnhh che tam duong")) == [tea]


@pytest.mark.django_db
def test_a_full_address_finds_its_enterprise(tea, honey):
    honey.address = "Số 45, đường Trần Phú, phường Tân Phong, tỉnh Lai Châu"
    honey.save()
    assert list(Enterprise.objects.search("số 45, đường trần phú, phường tân phong")) == [honey]
    assert list(Enterprise.objects.search("45, duong tran phu")) == [honey]


# --- A search with more matches than the list shows: its newest ones --------------------------


def _newest_by_reference(queryset, limit: int) -> list[int]:
    """What ``newest_ids`` must return, from every match sorted in Python."""
    return sorted(queryset.values_list("pk", flat=True), reverse=True)[:limit]


@pytest.fixture
def mixed(db) -> None:
    """Matches ("chè") among other rows, densely among the newest rows, sparsely before."""
    for i in range(60):
        matching = i % 7 == 0 if i < 40 else i % 2 == 0
        EnterpriseFactory(name=f"Công ty {'Chè' if matching else 'Mật ong'} số {i}")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("probe", "ratio"),
    [
        (3000, 5),  # the probe sees every row
        (4, 1_000_000),  # small probe, then walks only
        (4, 0),  # small probe, then the index
        (6, 1),  # a walk, then the index
    ],
)
def test_newest_matches_are_the_same_whichever_way_they_are_found(mixed, monkeypatch, probe, ratio):
    monkeypatch.setattr("enterprises.models.SEARCH_PROBE_ROWS", probe)
    monkeypatch.setattr("enterprises.models.SEARCH_WALK_COST_RATIO", ratio)
    searched = Enterprise.objects.search("che").filter(is_archived=False)
    for limit in (1, 5, 13, 30):
        assert searched.newest_ids(limit) == _newest_by_reference(searched, limit)


@pytest.mark.django_db
def test_newest_ids_on_postgresql_with_a_walk_then_the_index(mixed, monkeypatch):
    require_postgresql()
    test_newest_matches_are_the_same_whichever_way_they_are_found(mixed, monkeypatch, 6, 1)


@pytest.mark.django_db
def test_search_copies_keep_what_was_searched(tea):
    searched = Enterprise.objects.search("Tam Đường").filter(is_archived=False).order_by("pk")
    assert searched.values_list("pk", flat=True).searched_for == "tam duong"
    assert not Enterprise.objects.filter(pk=tea.pk).searched_for
