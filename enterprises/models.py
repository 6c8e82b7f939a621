"""Who the programme supports: enterprises, where they are, what they do, who acts for them."""

import datetime
import math
import uuid
from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections, models, transaction
from django.db.models import BigIntegerField, ExpressionWrapper, F, Func, Max, OrderBy, Q, Value
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from laichau_nsc.collation import VietnameseCollate
from laichau_nsc.models import CodeField, JobModel, NormalizedTextMixin
from laichau_nsc.querysets import CatalogueQuerySet, ScopedQuerySet
from laichau_nsc.text import fold

from .choices import (
    ClassificationVersion,
    EnterpriseStatus,
    ExportFormat,
    LegalForm,
    MembershipRole,
    MembershipState,
    SectorLevel,
    SizeClass,
    UnitLevel,
)
from .search import NOTHING, TokenSearch, TokensMatch, token_search
from .validators import is_personal_id, normalize_tax_code, validate_phone, validate_tax_code


class AdministrativeUnitQuerySet(CatalogueQuerySet):
    def valid_on(self, day: datetime.date) -> "AdministrativeUnitQuerySet":
        """Units that existed on ``day`` (open-ended validity on either side counts)."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )


class AdministrativeUnit(NormalizedTextMixin, models.Model):
    """A province, district or commune with its official code and the period it existed.

    Units merge and split (Lai Châu's districts ended on 30/06/2025); old units stay so that
    records of their time still report by them.
    """

    code = models.CharField(_("mã đơn vị"), max_length=10)
    name = models.CharField(_("tên"), max_length=200)
    level = models.CharField(_("cấp"), max_length=20, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="unit_code_period_unique"),
            # NULLs are distinct in SQL: units with no start date need their own rule.
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(valid_from__isnull=True),
                name="unit_code_unique_without_start",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class UnitOrigin(NormalizedTextMixin, models.Model):
    """A unit that a newer unit was formed from, wholly or in part.

    Each commune of Lai Châu from 1 July 2025 came from one or two former districts (Resolution
    1670/NQ-UBTVQH15); a commune formed from two districts has two rows.
    """

    successor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị mới"),
        on_delete=models.PROTECT,
        related_name="origins",
    )
    predecessor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị cũ"),
        on_delete=models.PROTECT,
        related_name="successions",
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("nguồn gốc đơn vị hành chính")
        verbose_name_plural = _("nguồn gốc đơn vị hành chính")
        ordering = ["successor", "predecessor"]
        constraints = [
            models.UniqueConstraint(
                fields=["successor", "predecessor"], name="unit_origin_pair_unique"
            ),
            models.CheckConstraint(
                condition=~Q(successor=models.F("predecessor")), name="unit_origin_not_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.successor} ← {self.predecessor}"


class Sector(NormalizedTextMixin, models.Model):
    """A section or division of Viet Nam's industry classification, in one version of it.

    VSIC 2018 and VSIC 2025 reuse codes with different meanings, so a code is only unique
    within its version.
    """

    version = models.CharField(_("phiên bản"), max_length=10, choices=ClassificationVersion.choices)
    code = models.CharField(_("mã ngành"), max_length=10)
    level = models.CharField(_("cấp"), max_length=10, choices=SectorLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("ngành cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("tên ngành"), max_length=300)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("ngành kinh tế")
        verbose_name_plural = _("ngành kinh tế")
        ordering = ["version", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="sector_version_code_unique")
        ]

    def __str__(self) -> str:
        return sector_label(self.code, self.name, self.name_en)


def sector_label(code: str, name: str, name_en: str = "") -> str:
    """ "10 – Sản xuất, chế biến thực phẩm"; English pages show the ISIC title where the
    classification file gives one."""
    shown = name_en if name_en and get_language() == "en" else name
    return f"{code} – {shown}"


class SectorCrosswalk(NormalizedTextMixin, models.Model):
    """One pair of the official conversion table between two versions of VSIC.

    A division that was split has a row for each new division it went to; a division that
    absorbed others is the target of several rows. ``note`` says which part went where.
    """

    source = models.ForeignKey(
        Sector,
        verbose_name=_("ngành theo phiên bản cũ"),
        on_delete=models.CASCADE,
        related_name="crosswalk_targets",
    )
    target = models.ForeignKey(
        Sector,
        verbose_name=_("ngành tương ứng theo phiên bản mới"),
        on_delete=models.CASCADE,
        related_name="crosswalk_sources",
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("bảng chuyển đổi ngành kinh tế")
        verbose_name_plural = _("bảng chuyển đổi ngành kinh tế")
        ordering = ["source", "target"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="crosswalk_pair_unique"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.source.version} {self.source.code} → {self.target.version} {self.target.code}"
        )

    def clean(self) -> None:
        if self.source_id and self.target_id and self.source.version == self.target.version:
            raise ValidationError(
                _("Hai ngành của một cặp chuyển đổi phải thuộc hai phiên bản khác nhau.")
            )


class EnterpriseQuerySet(ScopedQuerySet):
    enterprise_field = "pk"
    # Enterprise users edit their own contact details (the form limits which fields).
    enterprise_may_change = True
    #: The folded search of ``search()``, kept on every copy of the queryset: a list bounds a
    #: search by its newest matches (``newest_ids``) rather than by its first names.
    searched_for: str = ""
    #: Whether the search goes through the word index (``enterprises.search``).
    by_words: bool = False
    #: The word index's search (``enterprises.search.TokenSearch``), for its estimates.
    tokens: TokenSearch | None = None

    def _clone(self) -> "EnterpriseQuerySet":
        clone = super()._clone()
        clone.searched_for = self.searched_for
        clone.by_words = self.by_words
        clone.tokens = self.tokens
        return clone

    def active(self) -> "EnterpriseQuerySet":
        return self.filter(is_archived=False)

    def search(self, text: str) -> "EnterpriseQuerySet":
        """Case- and diacritic-blind search over name, short name, tax code, representative and
        address: every enterprise whose folded text contains the folded phrase.

        On PostgreSQL a trigram GIN index on ``search_text`` serves the ``LIKE '%…%'``. A long
        phrase (a whole company name) would make the index intersect fifty trigram lists, so
        only its tail goes through the index and the whole phrase is checked with ``STRPOS``,
        which the index does not take (measured on a million rows: 46 ms → 16 ms).
        """
        folded = fold(text)
        if not folded:
            return self
        if connections[self.db].vendor == "postgresql":
            tokens = token_search(folded)
            if tokens and tokens.query == NOTHING:
                return self.none()
            if tokens:
                # The word index narrows; STRPOS, which no index serves, checks the phrase.
                found = self.filter(TokensMatch(tokens.query)).filter(
                    GreaterThan(StrIndex("search_text", Value(folded)), 0)
                )
                found.searched_for, found.by_words = folded, True
                found.tokens = tokens
                return found
        if len(folded) <= SEARCH_INDEXED_TAIL:
            found = self.filter(search_text__contains=folded)
        else:
            found = self.filter(search_text__contains=_indexed_part(folded)).filter(
                GreaterThan(StrIndex("search_text", Value(folded)), 0)
            )
        found.searched_for = folded
        return found

    def newest_ids(self, limit: int) -> list[int]:
        """The primary keys of the ``limit`` matches added last (the highest ids), newest first.

        A search that matches more rows than a list shows is bounded by its newest matches, not
        by the first names in alphabetical order. Why: on PostgreSQL, the first names of a broad
        search ("hợp tác xã": 90,000 of a million) cost seconds to find. The name index is walked
        from "A" and every row is tested until enough match, and names that start with a legal
        form sort together far down it; collecting every match and sorting them by name reads
        90,000 rows (0.4 s). The newest matches are cheap to find, in one of two ways:

        - walking the primary key backwards (newest first), testing each row, until ``limit``
          match: about 1 µs a row, so cheap when matches are dense (4 ms for "hợp tác xã");
        - collecting every match through the trigram index and keeping the highest ids: about
          5 µs a match, after a fixed cost for the index (tens of ms for common syllables).

        The first walk is a probe of the newest ``SEARCH_PROBE_ROWS`` rows. The density of
        matches it saw, not the planner's estimate (a 100-entry histogram: "lo van", 2,936
        matches, is estimated at 96; "doanh nghiep tu nhan", 38,000, at 13,000), decides with
        ``_walk_pays`` between walking on, over twice the rows that density needs, and asking
        the index for the older rest. Either way the result is exact for its definition; only
        the cost differs. Elsewhere (SQLite, or no search) it is the plain query.
        """
        newest = self.order_by("-pk").values_list("pk", flat=True)
        if connections[self.db].vendor != "postgresql" or not self.searched_for:
            return list(newest[:limit])
        # A walk tests each row with STRPOS alone: the word index's token function costs
        # about 40 µs a row, forty times the test itself.
        walking = self.without_word_index().order_by("-pk").values_list("pk", flat=True)
        below = (self.model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        found: list[int] = []
        window = SEARCH_PROBE_ROWS  # ids walked next, ending just below ``below``
        with transaction.atomic(using=self.db), connections[self.db].cursor() as cursor:
            # A walk must walk: for a window of ids the planner would rather intersect the
            # trigram index with it, which costs what the whole search costs ("sin ho": 0.4 s).
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            for _walk in range(SEARCH_WALKS):
                floor = max(0, below - window)
                walked = list(walking.filter(pk__lt=below, pk__gte=floor)[: limit - len(found)])
                found += walked
                share = max(len(walked) / (below - floor), 1 / below)  # the density seen
                below, need = floor, limit - len(found)
                if need <= 0 or below == 0 or not _walk_pays(share, need, below):
                    break
                window = math.ceil(2 * need / share)
            cursor.execute("RESET enable_bitmapscan")
        if len(found) >= limit or below == 0:
            return found
        return found + self.filter(pk__lt=below)._newest_from_index(limit - len(found))

    def newest_in_order(self, limit: int) -> list[int]:
        """What a bounded list holds of a search: the ids of its ``limit`` newest matches in
        this queryset's order, then, when more match, the newest id beyond them (which only
        says that there are more). ``BoundedPaginator`` asks this.

        The rows are ``newest_ids``'s. Where the word index serves the search (PostgreSQL),
        each query that finds them also orders them, from the rows it has just read: reading
        the 1,000 shown rows again by primary key cost about as much as finding them. Such a
        query reads the newest rows down from the top (a walk) or collects the matches through
        the index, as ``newest_ids`` decides, but a walk that falls short starts again from the
        top rather than below where it stopped (the rows it read are read again: the probe's
        3,000, or the window that fell short, about half of the next). And when the index's
        statistics say that the phrase is too rare for any walk to pay ("tam duong", a person's
        name, an address), there is no probe: one query gives the whole answer.
        """
        columns = self._order_columns()
        if connections[self.db].vendor != "postgresql" or columns is None:
            return self._order_ids(self.newest_ids(limit + 1), limit)
        if _is_code_piece(self.searched_for):
            return self._newest_in_order(self, limit, columns, walk=False)
        if not self.by_words:
            return self._order_ids(self.newest_ids(limit + 1), limit)
        need, tokens = limit + 1, self.tokens
        rare = tokens and tokens.share is not None
        if rare and not _walk_pays(tokens.share, need, int(tokens.table_rows)):
            return self._newest_in_order(self, limit, columns, walk=False)
        top = self.model.objects.aggregate(top=Max("pk"))["top"] or 0
        walking = self.without_word_index()
        window = SEARCH_PROBE_ROWS
        for _walk in range(SEARCH_WALKS):
            floor = max(0, top + 1 - window)
            found = self._newest_in_order(walking.filter(pk__gte=floor), limit, columns, walk=True)
            if len(found) >= need or floor == 0:
                return found
            share = max(len(found) / (top + 1 - floor), 1 / (top + 1))  # the density seen
            if not _walk_pays(share, need, top):
                break
            window = math.ceil(2 * need / share)
        return self._newest_in_order(self, limit, columns, walk=False)

    @staticmethod
    def _newest_in_order(
        queryset: "EnterpriseQuerySet", limit: int, columns: list[tuple[Any, bool]], *, walk: bool
    ) -> list[int]:
        """The newest ``limit + 1`` rows of ``queryset``, the first ``limit`` in the order of
        ``columns`` and the last one last, in one query: the rows with their order's values,
        sorted by the database (Vietnamese names as ``vi-x-icu`` says).

        ``walk``: the newest rows read down the primary key (``queryset`` bounds the ids and
        has no word index condition, which would cost about 40 µs a row); otherwise ordered by
        "pk + 0", an order no index gives, so that PostgreSQL collects every match through the
        word index and keeps the highest ids."""
        newest = F("pk") if walk else ExpressionWrapper(F("pk") + 0, output_field=BigIntegerField())
        values = {f"order_{i}": expression for i, (expression, _) in enumerate(columns)}
        inner = queryset.annotate(**values).order_by(newest.desc())
        inner = inner.values_list("pk", *values)[: limit + 1]
        sql, params = inner.query.get_compiler(using=queryset.db).as_sql()
        # Positions, not names: the values follow the key in the inner query's columns.
        order = ", ".join(
            f"{i} DESC" if descending else str(i) for i, (_, descending) in enumerate(columns, 2)
        )
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(f"SELECT * FROM ({sql}) AS newest ORDER BY {order}", params)  # noqa: S608
            ids = [row[0] for row in cursor.fetchall()]
        if len(ids) > limit:
            oldest = min(ids)  # the newest beyond the bound: last, as it only says there are more
            ids.remove(oldest)
            ids.append(oldest)
        return ids

    def _order_ids(self, newest: list[int], limit: int) -> list[int]:
        """``newest`` (newest first): the first ``limit`` in this queryset's order by primary
        key lookups, then the newest beyond them, last."""
        ordering = self.query.order_by or self.model._meta.ordering
        shown = (
            self.model._default_manager.filter(pk__among=newest[:limit])
            .order_by(*ordering)
            .values_list("pk", flat=True)
        )
        return [*shown, *newest[limit:]]

    def _order_columns(self) -> list[tuple[Any, bool]] | None:
        """This queryset's order as (expression, descending) over the table's own columns, or
        None when an item is anything else (a relation, whose order is its model's)."""
        columns = []
        for item in self.query.order_by or self.model._meta.ordering:
            if isinstance(item, str):
                name = item.removeprefix("-")
                name = self.model._meta.pk.name if name == "pk" else name
                try:
                    field = self.model._meta.get_field(name)
                except FieldDoesNotExist:
                    return None
                if field.is_relation or not field.concrete:
                    return None
                columns.append((F(name), item.startswith("-")))
            elif isinstance(item, OrderBy) and not (item.nulls_first or item.nulls_last):
                columns.append((item.expression, item.descending))
            elif isinstance(item, Func | F):
                columns.append((item, False))
            else:
                return None
        return columns

    def without_word_index(self) -> "EnterpriseQuerySet":
        """This queryset without the word index's condition (``STRPOS`` still checks): for
        rows read by id or walked in order, where the token function would cost about 40 µs a
        row for nothing."""
        clone = self._chain()
        clone.query.where.children = [
            child
            for child in clone.query.where.children
            if not any(isinstance(e, TokensMatch) for e in getattr(child, "flatten", list)())
        ]
        return clone

    def _newest_from_index(self, limit: int) -> list[int]:
        # "pk + 0" is an order no index gives: PostgreSQL collects the matches through the word
        # index (or the trigram index) and keeps the highest ids, instead of walking the
        # primary key.
        ordering = ExpressionWrapper(F("pk") + 0, output_field=BigIntegerField()).desc()
        return list(self.order_by(ordering).values_list("pk", flat=True)[:limit])

    def in_units(self, unit_ids: Collection[int], *, history: bool = False) -> "EnterpriseQuerySet":
        """Enterprises whose unit is one of ``unit_ids`` now, or with ``history`` at any time.

        ``history`` reads the ``UnitAssignment`` periods, which include the current one: every
        write that sets ``admin_unit`` opens a period for it (``services``, ``seed_demo``, the
        synthetic loader). It is meant for units that have ceased, whose enterprises have moved.

        Plans on PostgreSQL for the list's ORDER BY name, id (collated) and the paginator's
        LIMIT, checked with EXPLAIN ANALYZE on a million synthetic Lai Châu enterprises:
        - one unit: ``admin_unit_id = X`` walks ``enterprise_unit_name_idx`` in order and
          stops at the limit, however many enterprises the unit has (14 ms for 23,000);
        - several units (a province and its communes): the planner either walks
          ``enterprise_name_idx`` and filters (when they hold most enterprises: 2 ms) or
          gathers them with a bitmap scan of ``enterprise_unit_name_idx`` and sorts;
        - ``history``, a unit that held many (a district, 100,000): ``enterprise_name_idx``
          walked in order, each row probed in ``assignment_unit_enterprise_idx`` (an
          index-only nested-loop semi-join, 30-60 ms); a unit that held few: the periods
          from that index (index-only), the enterprises by primary key, a sort (1 ms for 50).
        """
        ids = list(unit_ids)
        if history:
            periods = UnitAssignment.objects.filter(unit_id__in=ids).values("enterprise_id")
            return self.filter(pk__in=periods)
        return self.filter(admin_unit_id__in=ids)


#: Characters of a long search phrase that go through the trigram index.
SEARCH_INDEXED_TAIL = 18
#: The newest rows a search on PostgreSQL tests first, to see how dense its matches are.
SEARCH_PROBE_ROWS = 3000
#: Walks of the primary key (the probe included) before the trigram index gives the rest.
SEARCH_WALKS = 4
#: Testing a row while walking the primary key costs about a fifth of collecting a match
#: through the trigram index and reading its row (measured on a million synthetic rows).
SEARCH_WALK_COST_RATIO = 5


def _indexed_part(folded: str) -> str:
    """The part of a long phrase that goes through the trigram index: from the first word with
    a digit (a house number or a code: rare trigrams), else the tail (the end of a name), which
    is rarer than its start ("cong ty tnhh …") — but not an address's end ("tinh lai chau" is
    in every address): at a word when one is left."""
    words = folded.split(" ")
    with_digit = next((i for i, w in enumerate(words) if any(c.isdigit() for c in w)), None)
    if with_digit is not None:
        return " ".join(words[with_digit:])[:SEARCH_INDEXED_TAIL]
    tail = folded[-SEARCH_INDEXED_TAIL:]
    word_start = tail.split(" ", 1)[1] if " " in tail[1:] else tail
    return word_start if len(word_start) >= 3 else tail


#: Digits in a row from which a search is taken for a piece of a tax code.
SEARCH_CODE_DIGITS = 6


def _is_code_piece(folded: str) -> bool:
    """Whether ``folded`` is ``SEARCH_CODE_DIGITS`` digits or more (a tax code's start, end or
    whole): at most 10,000 ten-digit codes start with the same six digits (1 % of a million),
    below the 1.4 % from which a walk of the newest rows pays for 1,000 matches (``_walk_pays``),
    so the trigram index gives them at once, without a probe."""
    return len(folded) >= SEARCH_CODE_DIGITS and folded.isdigit()


def _walk_pays(share: float, need: int, rows: int) -> bool:
    """Whether walking the primary key until ``need`` matches (``need / share`` of the ``rows``
    left) costs less than collecting all their ``share × rows`` matches through the index."""
    matches = share * rows
    return matches > need and need / share < SEARCH_WALK_COST_RATIO * matches


class SearchWord(models.Model):
    """A word (with at least one letter) that some enterprise's folded search text has held.

    The vocabulary lets a search find the words that end with, or contain, what was typed
    (``enterprises.search``). On PostgreSQL a statement trigger on the enterprise table adds the
    words of every inserted or updated row (migration 0011), so no write path, bulk or COPY
    included, can leave one out; words that are no longer used stay, which only costs a little.
    Elsewhere (SQLite) the table stays empty and unused.
    """

    word = models.TextField(primary_key=True)

    class Meta:
        verbose_name = _("từ tìm kiếm")
        verbose_name_plural = _("từ tìm kiếm")

    def __str__(self) -> str:
        return self.word


class Enterprise(NormalizedTextMixin, models.Model):
    """An enterprise, cooperative, household business or production establishment.

    Archived, never deleted; every change is kept in its history; ``version`` refuses a save
    based on a stale copy.
    """

    name = models.CharField(_("tên doanh nghiệp"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    tax_code = CodeField(
        _("mã số thuế"),
        max_length=14,
        unique=True,
        validators=[validate_tax_code],
        help_text=_("10 số; chi nhánh: 0123456789-001; hộ kinh doanh: số định danh 12 số."),
        error_messages={"unique": _("Mã số thuế này đã có trong hệ thống.")},
    )
    legal_form = models.CharField(_("loại hình"), max_length=20, choices=LegalForm.choices)
    size_class = models.CharField(_("quy mô"), max_length=10, choices=SizeClass.choices, blank=True)
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("ngành kinh tế chính"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    address = models.CharField(_("địa chỉ trụ sở"), max_length=300, blank=True)
    admin_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị hành chính"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
        help_text=_("Đơn vị hành chính hiện tại; lịch sử theo từng thời kỳ được lưu riêng."),
    )
    representative = models.CharField(_("người đại diện"), max_length=150, blank=True)
    representative_title = models.CharField(_("chức vụ"), max_length=100, blank=True)
    phone = CodeField(_("điện thoại"), max_length=30, blank=True, validators=[validate_phone])
    email = models.EmailField(_("thư điện tử"), blank=True)
    website = models.URLField(_("trang web"), blank=True)
    employees = models.PositiveIntegerField(_("số lao động"), null=True, blank=True)
    founded_on = models.DateField(_("ngày thành lập"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=EnterpriseStatus.choices,
        default=EnterpriseStatus.ACTIVE,
    )
    is_archived = models.BooleanField(_("đã lưu trữ"), default=False, db_index=True)
    archived_at = models.DateTimeField(_("lưu trữ lúc"), null=True, blank=True)
    # Folded (lower-case, no diacritics) name, short name, tax code, representative, address.
    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField(editable=False, default=1)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = EnterpriseQuerySet.as_manager()

    # Fields an enterprise user may edit; name, tax code and legal form stay with officers.
    CONTACT_FIELDS = (
        "short_name",
        "address",
        "representative",
        "representative_title",
        "phone",
        "email",
        "website",
        "employees",
    )

    class Meta:
        verbose_name = _("doanh nghiệp")
        verbose_name_plural = _("doanh nghiệp")
        # Vietnamese order (laichau_nsc.collation); the indexes below sort the same way, so
        # the list's ORDER BY name, id walks an index instead of sorting, also within one
        # unit or sector (admin_unit_id = X ORDER BY name, id).
        ordering = [VietnameseCollate("name").asc(), "pk"]
        indexes = [
            models.Index(VietnameseCollate("name"), "id", name="enterprise_name_idx"),
            models.Index(
                "admin_unit", VietnameseCollate("name"), "id", name="enterprise_unit_name_idx"
            ),
            models.Index(
                "sector", VietnameseCollate("name"), "id", name="enterprise_sector_name_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(employees__isnull=True) | Q(employees__lte=10_000_000),
                name="enterprise_employees_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.prepare_for_save()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("enterprises:enterprise_detail", args=[self.pk])

    def clean(self) -> None:
        # Text fields were normalised by clean_fields() (NormalizedTextMixin).
        self.tax_code = normalize_tax_code(self.tax_code)
        if is_personal_id(self.tax_code) and self.legal_form not in (
            LegalForm.HOUSEHOLD,
            LegalForm.ESTABLISHMENT,
        ):
            raise ValidationError(
                {
                    "tax_code": _(
                        "Số định danh cá nhân 12 số chỉ dùng cho hộ kinh doanh hoặc cơ sở sản xuất."
                    )
                }
            )
        if self.founded_on and self.founded_on > timezone.localdate():
            raise ValidationError({"founded_on": _("Ngày thành lập không thể ở tương lai.")})

    def prepare_for_save(self) -> None:
        """What every write sets (``save()``, and bulk inserts, which do not call it)."""
        # Also here, not only in clean(): records saved without validation stay comparable.
        self.tax_code = normalize_tax_code(self.tax_code)
        self.search_text = self.build_search_text(
            self.name, self.short_name, self.tax_code, self.representative, self.address
        )

    @staticmethod
    def build_search_text(*parts: str) -> str:
        return fold(" ".join(p for p in parts if p))


class UnitAssignment(models.Model):
    """Which administrative unit an enterprise belonged to, and when.

    A report on 2023 groups by the districts of 2023, one on 2026 by the communes of 2026.
    """

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="unit_assignments"
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị hành chính"),
        on_delete=models.PROTECT,
        related_name="assignments",
        db_index=False,  # assignment_unit_enterprise_idx starts with it
    )
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("đơn vị hành chính theo thời kỳ")
        verbose_name_plural = _("đơn vị hành chính theo thời kỳ")
        # Periods with no start date came first; say so, as SQLite and PostgreSQL disagree.
        ordering = ["enterprise", models.F("valid_from").asc(nulls_first=True)]
        indexes = [
            models.Index(fields=["enterprise", "valid_from"], name="assignment_period_idx"),
            # Filtering by a former unit: the enterprises that were in it, from the index alone.
            models.Index(fields=["unit", "enterprise"], name="assignment_unit_enterprise_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="assignment_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} ({self.valid_from or '…'} – {self.valid_to or '…'})"


class MembershipQuerySet(ScopedQuerySet):
    enterprise_field = "enterprise_id"
    # Account requests carry personal contact data: officers handle them, leaders need not.
    leader_may_view = False

    def pending(self) -> "MembershipQuerySet":
        return self.filter(state=MembershipState.REQUESTED)


class Membership(NormalizedTextMixin, models.Model):
    """A user's right to act for an enterprise: requested by the user, decided by an officer."""

    Role = MembershipRole
    State = MembershipState

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("doanh nghiệp"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(
        _("vai trò"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.STAFF
    )
    state = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=MembershipState.choices,
        default=MembershipState.REQUESTED,
    )
    full_name = models.CharField(_("họ và tên"), max_length=150)
    position = models.CharField(_("chức vụ"), max_length=100, blank=True)
    phone = CodeField(_("điện thoại"), max_length=30, validators=[validate_phone])
    email = models.EmailField(_("thư điện tử"))
    note = models.TextField(_("ghi chú của người đăng ký"), blank=True)
    requested_at = models.DateTimeField(_("đăng ký lúc"), default=timezone.now)
    decided_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xử lý"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("lý do"), blank=True)
    #: The language the applicant used: e-mails about the request are written in it.
    language = models.CharField(
        _("ngôn ngữ"), max_length=10, choices=settings.LANGUAGES, default="vi"
    )

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("tài khoản doanh nghiệp")
        verbose_name_plural = _("tài khoản doanh nghiệp")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "enterprise"],
                condition=Q(state__in=["requested", "approved"]),
                name="membership_one_open_per_user_enterprise",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} – {self.enterprise}"


class ExportJobQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view") -> "ExportJobQuerySet":
        """An export belongs to the user who asked for it, and to nobody else."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


def export_upload_to(job: "ExportJob", filename: str) -> str:
    # One folder per try: a run that lost its lease never overwrites the file that is kept.
    return f"{export_folder(job)}/{job.attempts}/{filename}"


def export_folder(job: "ExportJob") -> str:
    return f"exports/{job.created_at:%Y/%m}/{job.pk}"


class ExportJob(JobModel):
    """A list export built by the job runner; its state lives here, not in the broker."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    format = models.CharField(_("định dạng"), max_length=5, choices=ExportFormat.choices)
    params = models.JSONField(_("điều kiện lọc"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("số dòng"), null=True, blank=True)
    file = models.FileField(_("tệp"), upload_to=export_upload_to, blank=True, max_length=200)

    handler = "enterprises.services.export_job_build"
    dedupe_while_open = True
    pending_notice = _(
        "Đã lưu yêu cầu xuất dữ liệu. Hệ thống xử lý nền đang tạm gián đoạn; tệp sẽ được tạo "
        "tự động khi hệ thống hoạt động trở lại."
    )

    objects = ExportJobQuerySet.as_manager()

    class Meta(JobModel.Meta):
        verbose_name = _("tệp xuất dữ liệu")
        verbose_name_plural = _("tệp xuất dữ liệu")
        ordering = ["-created_at"]
        constraints = [
            # A double click finds the export already asked for, while it is being built.
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(state__in=["queued", "running"]) & ~Q(dedupe_key=""),
                name="export_job_one_open_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} {self.created_at:%d/%m/%Y %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("enterprises:export_detail", args=[self.pk])

    def discard(self, result: dict) -> None:
        if result.get("file"):
            self.file.storage.delete(result["file"])

    def on_done(self, result: dict) -> None:
        """Remove what earlier tries (whose workers died) left in the job's folder."""
        storage, keep = self.file.storage, result.get("file")
        top = export_folder(self)
        if not storage.exists(top):
            return
        for attempt in storage.listdir(top)[0]:
            for name in storage.listdir(f"{top}/{attempt}")[1]:
                path = f"{top}/{attempt}/{name}"
                if path != keep:
                    storage.delete(path)
