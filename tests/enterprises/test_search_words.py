"""The word index of the enterprise search on PostgreSQL (``enterprises/search.py``).

Its promise is that it changes nothing but the speed: every search answers exactly what a scan
with ``STRPOS`` answers, for whole words, parts of words, phrases cut anywhere, codes and
punctuation; and the vocabulary it relies on follows every way rows are written.
"""

import random
from itertools import pairwise

import pytest
from django.db import connection
from django.db.models import Value
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan
from django.test.utils import CaptureQueriesContext

from enterprises import search
from enterprises.models import Enterprise, SearchWord
from enterprises.search import NOTHING, _Statistics, search_words, token_query
from laichau_nsc.collation import VietnameseCollate
from laichau_nsc.text import fold
from tests.enterprises.factories import EnterpriseFactory
from tests.helpers import require_postgresql

_SYLLABLES = (
    "hợp tác xã chè tam đường lò văn đức sìn hồ mường tè tân phong nguyễn thị khiêm "
    "hộ kinh doanh cổ phần công ty tnhh bản lang xã bình lư phường số đường lê lợi an"
)
WORDS = _SYLLABLES.split(" ")


def test_search_words_split_as_the_database_function_does():
    assert search_words("so 263, duong le-loi (tan phong)") == [
        "so",
        "263",
        "duong",
        "le",
        "loi",
        "tan",
        "phong",
    ]
    assert search_words(" , ") == []


def _scan(folded: str) -> set[int]:
    """The definition: every enterprise whose folded text contains the folded phrase."""
    return set(
        Enterprise.objects.filter(
            GreaterThan(StrIndex("search_text", Value(folded)), 0)
        ).values_list("pk", flat=True)
    )


@pytest.fixture
def corpus(db) -> list[Enterprise]:
    rng = random.Random(6)
    made = []
    for _ in range(40):
        name = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6)))
        place = f"{rng.choice(WORDS)} {rng.choice(WORDS)}"
        address = f"Số {rng.randint(1, 300)}, {place}, tỉnh Lai Châu"
        made.append(
            EnterpriseFactory(
                name=name.capitalize(),
                representative=" ".join(rng.choice(WORDS) for _ in range(3)),
                address=address,
            )
        )
    return made


def _phrases(corpus, rng: random.Random, count: int) -> list[str]:
    """Pieces of the stored texts cut anywhere (inside words, at commas, across words)."""
    phrases = []
    for _ in range(count):
        text = rng.choice(corpus).search_text
        start = rng.randrange(len(text))
        phrases.append(text[start : start + rng.randint(1, 25)])
    return phrases


@pytest.mark.django_db
def test_tokens_function_gives_the_words_and_their_pairs(corpus):
    require_postgresql()
    with connection.cursor() as cursor:
        for enterprise in corpus[:10]:
            cursor.execute(
                "SELECT tsvector_to_array(enterprises_search_tokens(%s))", [enterprise.search_text]
            )
            (lexemes,) = cursor.fetchone()
            words = search_words(enterprise.search_text)
            assert set(lexemes) == set(words) | {f"{a} {b}" for a, b in pairwise(words)}


@pytest.mark.django_db
def test_every_search_answers_what_a_scan_answers(corpus):
    require_postgresql()
    rng = random.Random(11)
    phrases = [
        *_phrases(corpus, rng, 150),
        "lo van",
        "an",  # the end of "tân", "văn", "đoàn"…: too many words, the old way
        "o van du",  # the end of a word, then a whole word, then the start of one
        "ong ty tnhh",
        "xa, tinh",
        "so 1",
        "tinh lai chau",
        "zzz",  # a word no text has: nothing, without reading the table
        "khiem xyz",
        corpus[0].tax_code[-5:],
        corpus[0].search_text,
    ]
    routes = set()
    for phrase in phrases:
        folded = fold(phrase)
        if not folded:
            continue
        routes.add(token_query(folded) is not None)
        found = set(Enterprise.objects.search(phrase).values_list("pk", flat=True))
        assert found == _scan(folded), phrase
    assert routes == {True, False}  # both the word index and the old way were taken


@pytest.mark.django_db
@pytest.mark.parametrize("phrase", ["ch", "lo van", "tam duong", "hop tac xa", "ong ty", "zzz"])
@pytest.mark.parametrize("walk_cost", [1_000_000, 0])  # walk on / the index at once
def test_newest_matches_through_the_word_index(corpus, monkeypatch, phrase, walk_cost):
    require_postgresql()
    # A probe of a few rows, then several walks or windows.
    monkeypatch.setattr("enterprises.models.SEARCH_PROBE_ROWS", 3)
    monkeypatch.setattr("enterprises.models.SEARCH_WALK_COST_RATIO", walk_cost)
    searched = Enterprise.objects.search(phrase)
    want = sorted(_scan(fold(phrase)), reverse=True)
    for limit in (1, 3, 7, 50):
        assert searched.newest_ids(limit) == want[:limit], (phrase, limit)


@pytest.mark.django_db
def test_a_phrase_is_looked_up_as_words_and_pairs(corpus):
    require_postgresql()
    # "lò" ends no other word of the corpus; "văn" is a whole word inside the phrase.
    assert token_query("lo van") == "'lo van':*"
    assert set(token_query("lo van duc").split(" & ")) == {"'lo van'", "'van duc':*"}
    # Words that end with "an": the first pair becomes an alternative of every one of them.
    query = token_query("an phong")
    assert "'tan phong':*" in query
    assert "'an phong':*" in query
    # A code is never expanded: the next word must still be there.
    assert token_query("263 duong") == "'duong':*"
    assert token_query("6215") is None  # digits only: the trigram index
    assert token_query("zzz") == NOTHING
    assert token_query("zzz van") == NOTHING
    assert not Enterprise.objects.search("zzz van").exists()


@pytest.mark.django_db
def test_vocabulary_follows_every_way_of_writing(db):
    require_postgresql()
    enterprise = EnterpriseFactory(name="Hợp tác xã Phìn Hồ", address="Số 12, bản Nà Khum")
    words = set(SearchWord.objects.values_list("word", flat=True))
    assert {"hop", "phin", "ho", "na", "khum"} <= words
    assert "12" not in words  # digits only: never looked up
    assert enterprise.tax_code not in words

    enterprise.name = "Hợp tác xã Xà Dề Phìn"
    enterprise.save()
    assert SearchWord.objects.filter(word="xa").exists()
    assert SearchWord.objects.filter(word="de").exists()

    Enterprise.objects.filter(pk=enterprise.pk).update(search_text="pu sam cap")
    assert SearchWord.objects.filter(word="cap").exists()

    (bulk,) = Enterprise.objects.bulk_create(
        [Enterprise(name="x", tax_code="0100109106", legal_form="ho", search_text="nam xe b1")]
    )
    assert set(SearchWord.objects.filter(word__in=["xe", "b1"]).values_list("word", flat=True)) == {
        "xe",
        "b1",
    }
    assert list(Enterprise.objects.search("nam xe")) == [bulk]


@pytest.mark.django_db
def test_a_two_word_search_is_served_by_the_word_index(corpus):
    require_postgresql()
    with connection.cursor() as cursor:
        # On a tiny table the planner prefers other plans; forbid them to prove the index
        # serves the predicate. The bench measures the real plan at a million rows.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = Enterprise.objects.search("lo van").order_by().query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "enterprise_search_tokens" in plan, plan
    assert "enterprise_search_trgm" not in plan, plan


@pytest.mark.django_db
def test_statistics_rank_a_common_pair_after_a_rare_one(corpus):
    require_postgresql()
    from enterprises.search import _Statistics

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE enterprises_enterprise")
    statistics = _Statistics.load()
    # Every address ends "tinh lai chau"; "zzz qqq" is in no text.
    assert statistics.share("lai chau", prefix=False) > 0.5
    assert statistics.share("lai", prefix=True) >= statistics.share("lai chau", prefix=False)
    assert statistics.share("zzz qqq", prefix=False) < 0.5


# --- The newest matches in the list's order (``newest_in_order``) ------------------------------

_ORDERINGS = {
    "name": (),  # the model's: Vietnamese name order, then the key
    "name, newest first on ties": (VietnameseCollate("name").desc(), "-pk"),
    "tax code": ("tax_code",),
    "key, descending": ("-pk",),
}


def _in_order_by_reference(queryset, limit: int) -> list[int]:
    """What the list holds: the ``limit`` newest matches (from every match, sorted in Python)
    in the queryset's order, then the next newest one if there is one."""
    newest = sorted(queryset.values_list("pk", flat=True), reverse=True)
    ordering = queryset.query.order_by or Enterprise._meta.ordering
    shown = Enterprise.objects.filter(pk__in=newest[:limit]).order_by(*ordering)
    return [*shown.values_list("pk", flat=True), *newest[limit : limit + 1]]


def _with_statistics(monkeypatch, share: float | None, rows: int = 1_000_000) -> None:
    """The word index's statistics as ANALYZE would leave them: every lexeme ``share`` of
    ``rows`` rows (None: never analyzed)."""
    statistics = _Statistics({}, 0.0) if share is None else _Statistics({"-": 1.0}, share, rows)
    monkeypatch.setattr(search, "_statistics", statistics)


@pytest.mark.django_db
@pytest.mark.parametrize("ordering", list(_ORDERINGS))
@pytest.mark.parametrize(
    ("share", "probe", "walk_cost"),
    [
        (None, 3, 1_000_000),  # not analyzed: a probe, then walks from the top
        (None, 3, 0),  # not analyzed: a probe, then the index
        (None, 3000, 5),  # the probe holds every row
        (1e-6, 3, 5),  # rare by the statistics: the index at once, no probe
        (1.0, 3, 1_000_000),  # common by the statistics: a probe, then walks
    ],
)
def test_newest_matches_in_the_order_asked_for(
    corpus, monkeypatch, ordering, share, probe, walk_cost
):
    require_postgresql()
    _with_statistics(monkeypatch, share)
    monkeypatch.setattr("enterprises.models.SEARCH_PROBE_ROWS", probe)
    monkeypatch.setattr("enterprises.models.SEARCH_WALK_COST_RATIO", walk_cost)
    for phrase in ("ch", "lo van", "tam duong", "hop tac xa", "ong ty", "khiem", "zzz"):
        searched = Enterprise.objects.search(phrase).filter(is_archived=False)
        searched = searched.order_by(*_ORDERINGS[ordering]) if _ORDERINGS[ordering] else searched
        for limit in (1, 3, 7, 50):
            want = _in_order_by_reference(searched, limit)
            assert searched.newest_in_order(limit) == want, (phrase, limit)


@pytest.mark.django_db
def test_a_rare_phrase_is_found_and_ordered_in_one_query(corpus, monkeypatch):
    require_postgresql()
    _with_statistics(monkeypatch, 1e-6)
    searched = Enterprise.objects.search("tam duong")  # the vocabulary is read here
    with CaptureQueriesContext(connection) as captured:
        found = searched.newest_in_order(50)
    assert found == _in_order_by_reference(searched, 50)
    # No newest id, no probe: the matches through the word index, sorted by name.
    (query,) = [q["sql"] for q in captured.captured_queries]
    assert "enterprises_search_tokens" in query
    assert 'COLLATE "vi-x-icu"' in query


@pytest.mark.django_db
def test_a_common_phrase_is_walked_then_ordered_in_the_same_query(corpus, monkeypatch):
    require_postgresql()
    _with_statistics(monkeypatch, 0.5, rows=40)
    searched = Enterprise.objects.search("lai chau")  # every address
    with CaptureQueriesContext(connection) as captured:
        found = searched.newest_in_order(5)
    assert found == _in_order_by_reference(searched, 5)
    # The newest id, then one walk of the newest rows (the probe holds 6 matches), sorted.
    newest, walk = [q["sql"] for q in captured.captured_queries]
    assert "MAX(" in newest
    assert "enterprises_search_tokens" not in walk  # 40 µs a row for nothing
    assert 'COLLATE "vi-x-icu"' in walk


@pytest.mark.django_db
def test_a_piece_of_a_tax_code_is_found_and_ordered_in_one_query(corpus):
    require_postgresql()
    code = corpus[5].tax_code
    for piece in (code, code[:8], code[-6:]):
        searched = Enterprise.objects.search(piece)
        with CaptureQueriesContext(connection) as captured:
            found = searched.newest_in_order(50)
        assert found == _in_order_by_reference(searched, 50), piece
        assert corpus[5].pk in found
        # Through the trigram index, sorted by name; no newest id, no probe.
        (query,) = [q["sql"] for q in captured.captured_queries]
        assert "LIKE" in query
        assert 'COLLATE "vi-x-icu"' in query
