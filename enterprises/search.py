"""The word index behind the enterprise search on PostgreSQL.

The search's meaning does not change: an enterprise matches when its folded text
(``search_text``) contains the folded phrase. What changes is how PostgreSQL finds the candidates.
A trigram index answers any substring, but the folded text of a million Vietnamese enterprises
has only about 1,500 distinct trigrams, so a phrase of common syllables ("lo van", "tam duong",
a person's name) makes it intersect lists of 30,000 to 800,000 rows before it reads one. Words
and pairs of adjacent words are far rarer: "lo van" is one list of about 3,000.

``enterprises_search_tokens(search_text)`` (a PostgreSQL function, migration 0011) gives every
word of the text and every pair of adjacent words ("lo", "van", "lo van"), split at anything that
is not a-z or 0-9; a GIN index holds them. ``token_query`` turns a phrase into a ``tsquery`` that
every text containing the phrase satisfies, so the index narrows the rows and ``STRPOS`` then
checks the phrase exactly. Why the query is a superset: when a phrase of words q1 … qn occurs in
a text, q1 is the end of some word, q2 … q(n-1) are whole words in that order, and qn is the start
of a word. So:

- the pairs inside the phrase are exact lexemes ("q2 q3");
- the last pair is a prefix lexeme ("q(n-1) qn":*), which GIN serves natively;
- the first pair needs the words that *end* with q1, which no prefix match gives: they come from
  the vocabulary (``SearchWord``, every word with a letter that any enterprise's text has ever
  held, kept by a statement trigger on the enterprise table, so no write path can miss it);
- a phrase of one word needs the words that *contain* it, also from the vocabulary.

Where the vocabulary cannot help (a word of digits only, such as a tax code's tail, or a word
contained in more than ``MAX_EXPANSION`` words, such as "a"), the phrase goes the old way, through
the trigram index or a walk of the newest rows. When the vocabulary says that no word contains
(or ends with) the phrase's word, nothing can match.
"""

import re
import time
from bisect import bisect_left
from dataclasses import dataclass
from itertools import pairwise

from django.db import connection
from django.db.models import BooleanField, F, Func, Value

#: What splits words: the same class as the PostgreSQL function's.
_SEPARATORS = re.compile(r"[^abcdefghijklmnopqrstuvwxyz0123456789]+")
#: A phrase's first word may stand for at most this many words of the vocabulary.
MAX_EXPANSION = 64
#: ``token_query``'s answer when the vocabulary proves that no text contains the phrase.
NOTHING = "!"


def search_words(folded: str) -> list[str]:
    """The words of a folded text as the token index splits them."""
    return [word for word in _SEPARATORS.split(folded) if word]


def _has_letter(word: str) -> bool:
    return not word.isdigit()


@dataclass(frozen=True)
class _Clause:
    """One condition of the query: any of ``lexemes`` (each a prefix or not)."""

    lexemes: tuple[str, ...]
    prefix: bool = False

    def sql(self) -> str:
        # Words hold only a-z and 0-9 and a pair one space: nothing in them needs escaping.
        parts = [f"'{lexeme}'" + (":*" if self.prefix else "") for lexeme in self.lexemes]
        return parts[0] if len(parts) == 1 else "(" + " | ".join(parts) + ")"

    def share(self, statistics: "_Statistics") -> float:
        """The estimated share of texts that hold one of the lexemes."""
        return min(1.0, sum(statistics.share(x, prefix=self.prefix) for x in self.lexemes))


#: Every clause at most this common is kept; the rarest is kept whatever its share.
CLAUSE_MAX_SHARE = 0.05
#: At most this many clauses: a longer intersection costs more lists than it saves rows.
MAX_CLAUSES = 3
#: Seconds a process keeps the index's statistics (they change with ANALYZE).
STATISTICS_SECONDS = 600


class _Statistics:
    """How common the index's most common lexemes are (PostgreSQL's statistics of the index
    expression, ``most_common_elems``), and a share that every other lexeme is below."""

    def __init__(self, frequencies: dict[str, float], rare: float, rows: float = 0.0):
        self.frequencies, self.rare = frequencies, rare
        #: The table's rows when it was last analyzed (``pg_class.reltuples``).
        self.rows = rows
        self.ordered = sorted(frequencies)
        self.loaded = time.monotonic()

    @property
    def known(self) -> bool:
        """Whether the index has been analyzed: without its statistics every share is 0."""
        return bool(self.frequencies) and self.rows > 0

    def share(self, lexeme: str, *, prefix: bool) -> float:
        if not prefix:
            return self.frequencies.get(lexeme, self.rare)
        start = bisect_left(self.ordered, lexeme)
        end = bisect_left(self.ordered, lexeme + "\uffff", lo=start)
        return self.rare + sum(self.frequencies[e] for e in self.ordered[start:end])

    @classmethod
    def load(cls) -> "_Statistics":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs, "
                "(SELECT reltuples FROM pg_class WHERE oid = 'enterprises_enterprise'::regclass) "
                "FROM pg_stats "
                "WHERE schemaname = current_schema() AND tablename = 'enterprise_search_tokens'"
            )
            row = cursor.fetchone()
        if not (row and row[0]):
            return cls({}, 0.0)
        elements, shares, rows = row
        # After the elements' shares come the least and the greatest, then the nulls' share.
        return cls(dict(zip(elements, shares, strict=False)), shares[-3], max(rows or 0.0, 0.0))


_statistics: _Statistics | None = None


def _current_statistics() -> _Statistics:
    global _statistics
    if _statistics is None or time.monotonic() - _statistics.loaded > STATISTICS_SECONDS:
        _statistics = _Statistics.load()
    return _statistics


def _vocabulary(**lookup) -> list[str] | None:
    """The vocabulary's words that match ``lookup`` (``word__contains`` or ``word__endswith``),
    or None when there are more than ``MAX_EXPANSION``."""
    from .models import SearchWord

    words = list(
        SearchWord.objects.filter(**lookup).values_list("word", flat=True)[: MAX_EXPANSION + 1]
    )
    return None if len(words) > MAX_EXPANSION else words


def _clauses(words: list[str]) -> list[_Clause] | None:
    """Conditions that every text containing the phrase meets (an empty list: no text can
    contain it), or None when the word index cannot narrow the phrase."""
    if len(words) == 1:
        (word,) = words
        if not _has_letter(word):
            return None
        holding = _vocabulary(word__contains=word)
        if holding is None:
            return None
        return [_Clause(tuple(holding))] if holding else []
    first, second, last = words[0], words[1], len(words) == 2
    endings = _vocabulary(word__endswith=first) if _has_letter(first) else None
    if endings == []:
        return []
    clauses = [
        _Clause(tuple(f"{word} {second}" for word in endings), last)
        if endings
        # The first word could end too many words: the second must still be there.
        else _Clause((second,), last)
    ]
    clauses += [_Clause((f"{a} {b}",)) for a, b in pairwise(words[1:-1])]
    if not last:
        clauses.append(_Clause((f"{words[-2]} {words[-1]}",), prefix=True))
    return clauses


@dataclass(frozen=True)
class TokenSearch:
    """How the word index answers a phrase: its ``tsquery`` (or ``NOTHING``) and, when the index
    has statistics, the share of the table's rows it gives (those of its rarest condition) and
    the table's rows."""

    query: str
    share: float | None = None
    table_rows: float = 0.0


def token_search(folded: str) -> TokenSearch | None:
    """The ``tsquery`` over ``enterprises_search_tokens`` that every text containing ``folded``
    satisfies (``NOTHING`` when no text can contain it), with the rows it should give; None
    when the word index cannot narrow the search (then the trigram index does).

    Of the phrase's conditions only the rare ones are asked (the rarest always, at most
    ``MAX_CLAUSES``): ANDing a list of a few hundred rows with "lai chau", which every address
    holds, would read a million entries to remove none. ``STRPOS`` checks the rest.
    """
    words = search_words(folded)
    if not words:
        return None
    clauses = _clauses(words)
    if clauses is None:
        return None
    if not clauses:
        return TokenSearch(NOTHING)
    statistics = _current_statistics()
    ranked = sorted(clauses, key=lambda c: c.share(statistics))
    kept = [ranked[0]] + [
        c for c in ranked[1:MAX_CLAUSES] if c.share(statistics) <= CLAUSE_MAX_SHARE
    ]
    share = ranked[0].share(statistics) if statistics.known else None
    return TokenSearch(" & ".join(c.sql() for c in kept), share, statistics.rows)


def token_query(folded: str) -> str | None:
    """``token_search``'s ``tsquery`` alone."""
    found = token_search(folded)
    return found.query if found else None


class TokensMatch(Func):
    """``enterprises_search_tokens(search_text) @@ 'query'::tsquery``, which the GIN index
    ``enterprise_search_tokens`` serves (PostgreSQL only)."""

    output_field = BooleanField()

    def __init__(self, query: str):
        super().__init__(F("search_text"), Value(query))

    def as_sql(self, compiler, connection, **extra):
        text, query = self.get_source_expressions()
        text_sql, text_params = compiler.compile(text)
        query_sql, query_params = compiler.compile(query)
        sql = f"enterprises_search_tokens({text_sql}) @@ CAST({query_sql} AS tsquery)"
        return sql, [*text_params, *query_params]
