"""The certificate measures of issue 7: each against its baseline, taken alternately in one run.

(a) "valid on 31 December by standard × administrative unit" through the ORM (``valid_on`` +
    values/annotate, the unit of that day) against one hand-written SQL query; results equal.
(b) the nightly reminder job: its selection (the querysets it runs, streamed as it streams them)
    against one hand-written SQL query of the same selection (results equal); and its processing
    (claims, notifications, outbox rows) at two sizes, for time per certificate and memory.
(c) the officers' "expiring within 90 days" list page against a bare one-query view, over HTTP;
    skipped with a message while the page is not in this branch.
"""

import datetime
import html
import time
import tracemalloc
from collections.abc import Callable
from statistics import median

from django.db import connection, transaction
from django.db.models import Count, F, FilteredRelation, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from laichau_nsc.models import Notification, OutboundEmail
from standards.models import Certificate, CertificateReminder
from standards.reminders import (
    FETCH_SIZE,
    THRESHOLDS,
    certificate_reminders_send,
    reminders_due,
)

from .load import percentile
from .measures import LoadConfig, Measure

# --- (a) valid on 31 December by standard × unit ---------------------------------------------


def valid_by_standard_unit_orm(day: datetime.date) -> list[tuple]:
    """Enterprises holding a valid certificate on ``day``, per standard and per the holder's
    administrative unit on that day (a report groups by the units of its year: districts
    before 1 July 2025, communes after); the ORM."""
    assignment = FilteredRelation(
        "enterprise__unit_assignments",
        condition=(
            Q(enterprise__unit_assignments__valid_from__isnull=True)
            | Q(enterprise__unit_assignments__valid_from__lte=day)
        )
        & (
            Q(enterprise__unit_assignments__valid_to__isnull=True)
            | Q(enterprise__unit_assignments__valid_to__gte=day)
        ),
    )
    rows = (
        Certificate.objects.valid_on(day)
        .annotate(assignment=assignment)
        .values("standard_id", unit=F("assignment__unit_id"))
        .annotate(enterprises=Count("enterprise_id", distinct=True))
        .order_by()
        .values_list("standard_id", "unit", "enterprises")
    )
    return sorted(rows, key=_sort_key)


VALID_BY_STANDARD_UNIT_SQL = """
SELECT c.standard_id, u.unit_id, COUNT(DISTINCT c.enterprise_id)
FROM standards_certificate c
JOIN enterprises_enterprise e ON e.id = c.enterprise_id
JOIN standards_certificateperiod p
  ON p.certificate_id = c.id AND p.starts_on <= %(day)s AND p.ends_on >= %(day)s
LEFT JOIN enterprises_unitassignment u
  ON u.enterprise_id = c.enterprise_id
  AND (u.valid_from IS NULL OR u.valid_from <= %(day)s)
  AND (u.valid_to IS NULL OR u.valid_to >= %(day)s)
WHERE NOT c.is_archived AND NOT e.is_archived AND c.review_state = 'verified'
  AND (c.withdrawn_on IS NULL OR c.withdrawn_on > %(day)s)
  AND NOT EXISTS (
    SELECT 1 FROM standards_certificatesuspension s
    WHERE s.certificate_id = c.id AND s.starts_on <= %(day)s
      AND (s.ends_on IS NULL OR s.ends_on > %(day)s)
  )
GROUP BY c.standard_id, u.unit_id
"""


def valid_by_standard_unit_sql(day: datetime.date) -> list[tuple]:
    """The same figures from one hand-written query (a certificate's periods never overlap, nor
    do an enterprise's unit periods, so the joins count each certificate once)."""
    with connection.cursor() as cursor:
        cursor.execute(VALID_BY_STANDARD_UNIT_SQL, {"day": day})
        return sorted((tuple(row) for row in cursor.fetchall()), key=_sort_key)


def _sort_key(row: tuple) -> tuple:
    return tuple(-1 if value is None else value for value in row)


def _alternate(
    measured: Callable[[], object], baseline: Callable[[], object], repeat: int
) -> tuple[list[float], list[float], object, object]:
    """Time both ``repeat`` times, alternating which goes first, after one warming run each;
    every run's result is kept for the caller to check (the last of each is returned)."""
    results = {"measured": measured(), "baseline": baseline()}  # warm the caches
    if results["measured"] != results["baseline"]:
        raise AssertionError("the measure and its baseline disagree")
    times: dict[str, list[float]] = {"measured": [], "baseline": []}
    pair = [("measured", measured), ("baseline", baseline)]
    for round_ in range(repeat):
        for name, function in pair if round_ % 2 == 0 else reversed(pair):
            started = time.perf_counter()
            result = function()
            times[name].append((time.perf_counter() - started) * 1000)
            if result != results[name]:
                raise AssertionError(f"{name} gave a different answer on round {round_}")
    return times["measured"], times["baseline"], results["measured"], results["baseline"]


def valid_count_against_sql(days: list[datetime.date], repeat: int) -> Measure:
    details: dict = {}
    orm_total = sql_total = 0.0
    for day in days:
        orm_ms, sql_ms, rows, _ = _alternate(
            lambda d=day: valid_by_standard_unit_orm(d),
            lambda d=day: valid_by_standard_unit_sql(d),
            repeat,
        )
        orm_total += median(orm_ms)
        sql_total += median(sql_ms)
        details[f"{day:%d/%m/%Y}"] = (
            f"ORM p50 {median(orm_ms):.1f} ms, SQL p50 {median(sql_ms):.1f} ms; "
            f"{len(rows)} standard × unit groups, {sum(row[2] for row in rows):,} holders"
        )
    ratio = orm_total / sql_total if sql_total else float("nan")
    return Measure(
        name="valid on 31 December by standard × unit, ORM against one SQL query (sum of medians)",
        value=orm_total,
        baseline=sql_total,
        unit="ms",
        goal="≤ 1.2× the SQL query, equal results",
        passed=ratio <= 1.2,
        details=details,
    )


# --- (b) the nightly reminders ----------------------------------------------------------------


def reminder_selection_orm(day: datetime.date) -> list[tuple]:
    """What the job selects on ``day``, as it selects it: one query, streamed."""
    return sorted(due.key for due in reminders_due(day))


REMINDER_SELECTION_SQL = """
WITH valid AS (
  SELECT c.id, c.number, c.expires_on, c.surveillance_due_on, c.enterprise_id,
         e.name AS enterprise_name, st.code AS standard_code, b.name AS body_name
  FROM standards_certificate c
  JOIN enterprises_enterprise e ON e.id = c.enterprise_id
  JOIN standards_standard st ON st.id = c.standard_id
  JOIN standards_certificationbody b ON b.id = c.body_id
  JOIN standards_certificateperiod p
    ON p.certificate_id = c.id AND p.starts_on <= %(day)s AND p.ends_on >= %(day)s
  WHERE NOT c.is_archived AND NOT e.is_archived AND c.review_state = 'verified'
    AND (c.withdrawn_on IS NULL OR c.withdrawn_on > %(day)s)
    AND NOT EXISTS (
      SELECT 1 FROM standards_certificatesuspension s
      WHERE s.certificate_id = c.id AND s.starts_on <= %(day)s
        AND (s.ends_on IS NULL OR s.ends_on > %(day)s))
    AND (c.expires_on <= %(day)s + 90 OR c.surveillance_due_on < %(day)s)
), due AS (
  SELECT CASE WHEN expires_on <= %(day)s + 7 THEN 'expiry_7'
              WHEN expires_on <= %(day)s + 30 THEN 'expiry_30'
              ELSE 'expiry_90' END AS kind, valid.*, expires_on AS about
  FROM valid WHERE expires_on <= %(day)s + 90
  UNION ALL
  SELECT 'surveillance_overdue', valid.*, surveillance_due_on
  FROM valid WHERE surveillance_due_on < %(day)s
)
SELECT due.id, due.kind, due.about, due.number, due.expires_on, due.surveillance_due_on,
       due.enterprise_id, due.enterprise_name, due.standard_code, due.body_name
FROM due
WHERE NOT EXISTS (
  SELECT 1 FROM standards_certificatereminder r
  WHERE r.certificate_id = due.id AND r.kind = due.kind AND r.about_date = due.about)
"""


def reminder_selection_sql(day: datetime.date) -> list[tuple]:
    """The same selection in one hand-written query, read the way the job reads its own: the
    same columns, streamed from a server-side cursor (memory stays flat)."""
    keys = []
    with transaction.atomic():
        cursor = connection.chunked_cursor()
        try:
            cursor.execute(REMINDER_SELECTION_SQL, {"day": day})
            while rows := cursor.fetchmany(FETCH_SIZE):
                keys.extend((row[0], row[1], row[2]) for row in rows)
        finally:
            cursor.close()
    return sorted(keys)


def reminder_selection_against_sql(day: datetime.date, repeat: int) -> Measure:
    orm_ms, sql_ms, rows, _ = _alternate(
        lambda: reminder_selection_orm(day), lambda: reminder_selection_sql(day), repeat
    )
    kinds: dict[str, int] = {}
    for _pk, kind, _about in rows:
        kinds[kind] = kinds.get(kind, 0) + 1
    ratio = median(orm_ms) / median(sql_ms)
    return Measure(
        name=f"reminder job's selection on {day:%d/%m/%Y} (first run: every due certificate), "
        "ORM against one SQL query",
        value=median(orm_ms),
        baseline=median(sql_ms),
        unit="ms",
        goal="≤ 1.5× the SQL query, equal results",
        passed=ratio <= 1.5,
        details={
            "due": ", ".join(f"{kind} {n:,}" for kind, n in sorted(kinds.items())),
            "orm_p95_ms": round(percentile(orm_ms, 95), 1),
            "sql_p95_ms": round(percentile(sql_ms, 95), 1),
        },
    )


def reminder_selection_ordinary_night(day: datetime.date, repeat: int) -> Measure:
    """The same comparison on an ordinary night: every reminder due was recorded by the runs
    before but one in a hundred (the certificates that reached a threshold today). The job's
    query reads the "already recorded" flags as columns, so it still streams every candidate;
    the SQL baseline leaves the recorded ones out in the database."""
    if CertificateReminder.objects.exists():
        raise RuntimeError("the bench database holds reminders: this measure deletes them all")
    due = reminder_selection_sql(day)
    keep = max(1, len(due) // 100)
    _leave_due(due, keep)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {CertificateReminder._meta.db_table}")
        orm_ms, sql_ms, rows, _ = _alternate(
            lambda: reminder_selection_orm(day), lambda: reminder_selection_sql(day), repeat
        )
    finally:
        _clean_up()
    if len(rows) != keep:
        raise AssertionError(f"{len(rows)} reminders selected, {keep} were left due")
    ratio = median(orm_ms) / median(sql_ms)
    return Measure(
        name=f"reminder job's selection on an ordinary night ({keep:,} due, "
        f"{len(due) - keep:,} already sent), ORM against one SQL query",
        value=median(orm_ms),
        baseline=median(sql_ms),
        unit="ms",
        goal="≤ 1.5× the SQL query, equal results",
        passed=ratio <= 1.5,
        details={
            "orm_p95_ms": round(percentile(orm_ms, 95), 1),
            "sql_p95_ms": round(percentile(sql_ms, 95), 1),
        },
    )


def _leave_due(due: list[tuple], keep: int) -> None:
    """Record every due reminder but the first ``keep`` as sent: the job then finds exactly
    ``keep`` to process."""
    now = timezone.now()
    claimed = due[keep:]
    with transaction.atomic():
        for start in range(0, len(claimed), 5000):
            CertificateReminder.objects.bulk_create(
                CertificateReminder(
                    certificate_id=pk, kind=kind, about_date=about, sent_at=now, created_at=now
                )
                for pk, kind, about in claimed[start : start + 5000]
            )


def _clean_up() -> None:
    """Remove what a run added (the bench starts from no reminder, notification or e-mail)."""
    with transaction.atomic():
        CertificateReminder.objects.all().delete()
        Notification.objects.filter(kind__startswith="certificate_").delete()
        OutboundEmail.objects.filter(dedupe_key__startswith="notification:certificate:").delete()


def _rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _run_job(day: datetime.date, due: list[tuple], keep: int, *, traced: bool) -> dict:
    """One real job run (committing chunk by chunk, as at night) on ``keep`` due reminders;
    its time or its peak memory, and what it did. What it added is removed after."""
    _leave_due(due, keep)
    rss = _rss_kib()
    try:
        if traced:
            tracemalloc.start()
        started = time.perf_counter()
        result = certificate_reminders_send(day=day.isoformat())
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if traced else 0
    finally:
        if traced:
            tracemalloc.stop()
        _clean_up()
    processed = sum(result.get(kind, 0) for kind in THRESHOLDS)
    if processed != keep:
        raise AssertionError(f"the job processed {processed} reminders, {keep} were due")
    return {
        "seconds": seconds,
        "peak_kib": peak / 1024,
        "rss_growth_kib": _rss_kib() - rss,
        "result": result,
    }


def reminder_processing_memory(day: datetime.date, sizes: tuple[int, int], rounds: int) -> Measure:
    """The job's processing at two sizes (alternately): time per reminder and peak memory.

    Flat memory: the peak of Python allocations (tracemalloc) at twice the reminders stays
    within 25% of the smaller run's. The runs commit chunk by chunk as the nightly job does (a
    rolled-back outer transaction would hold every chunk's after-commit work until its end);
    what they add is deleted after each. Times come from untraced runs.
    """
    if CertificateReminder.objects.exists():
        raise RuntimeError("the bench database holds reminders: this measure deletes them all")
    due = reminder_selection_sql(day)
    small, large = sizes
    if len(due) < large:
        raise RuntimeError(f"only {len(due)} reminders are due on {day}; need {large}")
    traced: dict[int, list[dict]] = {small: [], large: []}
    timed: dict[int, list[dict]] = {small: [], large: []}
    _run_job(day, due, small, traced=False)  # warm
    for round_ in range(rounds):
        for size in (small, large) if round_ % 2 == 0 else (large, small):
            traced[size].append(_run_job(day, due, size, traced=True))
            timed[size].append(_run_job(day, due, size, traced=False))
    peak = {size: median(r["peak_kib"] for r in traced[size]) for size in traced}
    per_reminder = {size: median(r["seconds"] for r in timed[size]) * 1000 / size for size in timed}
    ratio = peak[large] / peak[small]
    return Measure(
        name=f"reminder job's processing, peak memory at {large:,} against {small:,} due reminders",
        value=peak[large],
        baseline=peak[small],
        unit="KiB",
        goal="flat: ≤ 1.25× at twice the reminders",
        passed=ratio <= 1.25,
        details={
            "ms_per_reminder": ", ".join(f"{v:.2f} at {k:,}" for k, v in per_reminder.items()),
            "rss_growth_kib": ", ".join(
                f"{max(r['rss_growth_kib'] for r in traced[k] + timed[k])} at {k:,}" for k in traced
            ),
            "notifications_per_run": timed[large][0]["result"].get("notifications"),
        },
    )


# --- (c) the officers' "expiring within 90 days" list ----------------------------------------


def default_expiring_path() -> str | None:
    """The officers' certificate list filtered to 90 days, if this branch has the page."""
    try:
        return reverse("standards:certificate_list") + "?expiring_within=90"
    except NoReverseMatch:
        return None


def expiring_numbers(today: datetime.date, limit: int = 50) -> list[str]:
    # From the definition (valid_on), not from expiring_within, whose shortcut is what the
    # page's answer checks.
    rows = (
        Certificate.objects.valid_on(today)
        .filter(expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=90))
        .order_by("expires_on", "pk")
        .values_list("number", flat=True)[:limit]
    )
    return list(rows)


def expiring_list_against_bare(config: LoadConfig, path: str | None, rounds: int) -> Measure:
    """The page and the bare view in alternating rounds of ``duration / rounds`` seconds."""
    if not path:
        raise SkipMeasure(
            "the officers' certificate list (standards:certificate_list) is not in this "
            "branch; pass --expiring-path '/…/?…' once the page exists"
        )
    numbers = expiring_numbers(timezone.localdate())
    _check_page(config, path, numbers)
    bare_path = "/bench/bare-expiring/"
    slice_ = max(1.0, config.duration / rounds)
    page_runs, bare_runs = [], []
    for round_ in range(rounds):
        order = [("page", path), ("bare", bare_path)]
        for name, url in order if round_ % 2 == 0 else reversed(order):
            result = LoadConfig(
                config.server, config.cookie, config.connections, slice_, config.warmup / rounds
            ).run([url], signed_in=name == "page")[0]
            (page_runs if name == "page" else bare_runs).append(result)
    page_rps = sum(r.requests for r in page_runs) / sum(r.seconds for r in page_runs)
    bare_rps = sum(r.requests for r in bare_runs) / sum(r.seconds for r in bare_runs)
    latencies = [ms for r in page_runs for ms in r.latencies_ms]
    p99 = percentile(latencies, 99)
    errors = sum(r.errors for r in page_runs + bare_runs)
    ratio = page_rps / bare_rps if bare_rps else 0.0
    return Measure(
        name="officers' certificates expiring within 90 days, list page against a bare view",
        value=page_rps,
        baseline=bare_rps,
        unit="req/s",
        goal=f"≥ 0.12× bare and p99 < 100 ms at {config.connections} connections",
        passed=ratio >= 0.12 and p99 < 100 and not errors,
        details={
            "page_p50_ms": round(percentile(latencies, 50), 1),
            "page_p99_ms": round(p99, 1),
            "errors": errors,
            "expiring_certificates": len(numbers),
        },
    )


def _get(config: LoadConfig, url: str, cookie: str) -> tuple[int, str]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", config.server.port, timeout=30)
    conn.request("GET", url, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    return response.status, body


def _check_page(config: LoadConfig, path: str, numbers: list[str]) -> None:
    """Both answer 200; the page's first page is the certificates expiring soonest."""
    status, body = _get(config, path, config.cookie)
    if status == 404:
        raise SkipMeasure(f"{path} answers 404: the page is not in this branch yet")
    if status != 200:
        raise AssertionError(f"{path} answered HTTP {status}")
    # The page's first rows are the certificates expiring soonest, as an officer reads them.
    missing = [number for number in numbers if html.escape(number) not in body]
    if missing:
        raise AssertionError(
            f"{path} does not list the {len(numbers)} certificates expiring soonest "
            f"({len(missing)} missing, e.g. {missing[0]})"
        )
    status, body = _get(config, "/bench/bare-expiring/", "")
    if status != 200 or (numbers and not body.strip("-\n")):
        raise AssertionError(f"the bare view answered HTTP {status}: {body[:200]!r}")


class SkipMeasure(Exception):
    """The measure cannot run in this branch; said, not an error."""
