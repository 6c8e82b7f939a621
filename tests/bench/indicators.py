"""The indicators of issue 9: every indicator of one year with every breakdown, computed as the
portal computes them (``programs.indicators.compute.figures``, what ``snapshot`` runs: one query
per indicator giving its total and breakdowns; the unit and sector of that year from correlated
subqueries), against one hand-written
SQL query per indicator (its total and all its breakdowns at once with GROUPING SETS, the unit and
sector from LATERAL joins). Both run with JIT off, as the portal runs its indicator queries
(``without_jit``), so that the comparison is of the queries alone. Both give the raw figures
(ids as grouped, before names are attached); they must be equal. Timed alternately, the sum of
the medians compared (goal ≤ 1.2×). On PostgreSQL the portal too aggregates with GROUPING SETS
over its queryset's SQL (``_grouping_sets``), so both read the rows once per indicator.

``fill_programme`` tops the synthetic data up with what the generator does not make (adoptions,
support activities with their funding, courses and trainees), in proportion to the enterprises.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from django.conf import settings
from django.db import connection

from programs.indicators import Period, all_indicators, get
from programs.indicators.breakdowns import MERGER_DAY, sector_version_on
from programs.indicators.compute import figures, total_of, without_jit

from .certificates import _alternate
from .measures import Measure

# --- Topping up -----------------------------------------------------------------------------------

FILL_SQL = (
    # Adoptions: one per certificate's enterprise and standard, verified, mostly applying.
    """
    INSERT INTO standards_adoption (enterprise_id, standard_id, status, started_on, ended_on,
        programme_supported, support_note, note, review_state, review_reason, is_archived,
        version, created_at, updated_at)
    SELECT DISTINCT ON (c.enterprise_id, c.standard_id) c.enterprise_id, c.standard_id,
        CASE WHEN c.id % 7 = 0 THEN 'implementing' ELSE 'maintained' END, c.first_issued_on,
        CASE WHEN c.id % 11 = 0 THEN c.expires_on END, c.id % 3 = 0, '', '', 'verified', '',
        false, 1, now(), now()
    FROM standards_certificate c
    WHERE NOT EXISTS (SELECT 1 FROM standards_adoption a WHERE a.enterprise_id = c.enterprise_id
                      AND a.standard_id = c.standard_id)
    ORDER BY c.enterprise_id, c.standard_id, c.id
    """,
    # Support: one enterprise in eight, 2020–2026; one in four of them twice.
    """
    INSERT INTO programs_supportactivity (enterprise_id, kind, title, provided_on, adoption_id,
        decision_number, decision_file, note, is_archived, version, created_at, updated_at,
        search_text)
    SELECT e.id, 'consulting', 'Tư vấn áp dụng công cụ năng suất',
        date '2020-01-01' + ((e.id * 37 + n * 101) % 2550)::int,
        (SELECT a.id FROM standards_adoption a WHERE a.enterprise_id = e.id LIMIT 1),
        '', '', '', e.id % 97 = 0, 1, now(), now(), 'tu van ap dung cong cu nang suat'
    FROM enterprises_enterprise e CROSS JOIN generate_series(0, 1) n
    WHERE e.id % 8 = 0 AND (n = 0 OR e.id % 32 = 0)
    """,
    """
    INSERT INTO programs_supportfunding (activity_id, source, amount)
    SELECT s.id, src, 5000000 + (s.id * 7919 % 40) * 1000000
    FROM programs_supportactivity s
    CROSS JOIN unnest(ARRAY['provincial_budget', 'enterprise', 'central_budget']) src
    WHERE src <> 'central_budget' OR s.id % 3 = 0
    """,
    # Courses: one per 2,000 enterprises, each with 30 trainees from enterprises.
    """
    INSERT INTO programs_trainingcourse (title, topic, starts_on, ends_on, place, admin_unit_id,
        organiser, trainers, capacity, cost, cost_source, enrolment_open, description,
        is_archived, version, created_at, updated_at, search_text)
    SELECT 'Tập huấn ' || g, 'productivity_tools', date '2020-01-01' + (g * 53 % 2550)::int,
        date '2020-01-01' + (g * 53 % 2550)::int, 'Hội trường',
        (SELECT id FROM enterprises_administrativeunit ORDER BY id OFFSET g % 40 LIMIT 1),
        'Sở KH&CN', '', 40, 50000000, 'provincial_budget', false, '', false, 1, now(), now(),
        'tap huan ' || g || ' hoi truong so kh&cn'
    FROM generate_series(1, GREATEST(1, (SELECT count(*) FROM enterprises_enterprise) / 2000)) g
    """,
    """
    INSERT INTO programs_enrollment (course_id, enterprise_id, full_name, position, phone, email,
        person_key, state, completion_number, completed_on, created_at, version)
    SELECT c.id, (SELECT id FROM enterprises_enterprise ORDER BY id OFFSET (c.id * 131 + k * 17)
        % GREATEST(1, (SELECT count(*) FROM enterprises_enterprise)) LIMIT 1),
        'Học viên ' || k, '', '', '', 'hoc vien ' || k || '|' || c.id,
        CASE WHEN k % 10 = 0 THEN 'withdrawn' WHEN k % 4 = 0 THEN 'enrolled'
             ELSE 'completed' END, '', NULL, now(), 1
    FROM programs_trainingcourse c CROSS JOIN generate_series(1, 30) k
    """,
)


def fill_programme(log) -> None:
    """Add the programme's records once (only when there are none)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM programs_supportactivity)")
        if cursor.fetchone()[0]:
            return
        log("Adding adoptions, support activities, courses and trainees for the indicators…")
        for sql in FILL_SQL:
            cursor.execute(sql)
        cursor.execute("ANALYZE")


# --- The portal's way -----------------------------------------------------------------------------


def figures_orm(year: int) -> dict:
    """Every computed indicator's total and raw breakdowns, as ``snapshot`` computes them."""
    period = Period.of_year(year)
    out: dict = {}
    with without_jit():
        _figures_orm(period, out)
    return out


def _figures_orm(period: Period, out: dict) -> None:
    for indicator in all_indicators():
        if indicator.manual:
            continue
        if not indicator.breakdowns:
            out[(indicator.code, "")] = _number(total_of(indicator, period))
            continue
        total, breakdowns = figures(indicator, period, indicator.breakdowns)
        out[(indicator.code, "")] = _number(total)
        for by, groups in breakdowns.items():
            for raw, value in groups:
                if value:
                    out[(indicator.code, by, raw)] = _number(value)


def _number(value) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


# --- One hand-written query per indicator --------------------------------------------------------

ACTIVE_ADOPTION = """
    FROM standards_adoption a
    JOIN standards_standard st ON st.id = a.standard_id
    JOIN enterprises_enterprise e0 ON e0.id = a.enterprise_id
    WHERE NOT a.is_archived AND NOT e0.is_archived AND a.review_state = 'verified'
      AND (a.started_on IS NULL OR a.started_on <= %(end)s)
      AND (a.ended_on IS NULL OR a.ended_on >= %(end)s)
      AND a.status IN ('applied', 'certified', 'maintained') AND st.kind IN {kinds}
"""
VALID_CERTIFICATE = """
    FROM standards_certificate c
    JOIN enterprises_enterprise e0 ON e0.id = c.enterprise_id
    WHERE NOT c.is_archived AND NOT e0.is_archived AND c.review_state = 'verified'
      AND EXISTS (SELECT 1 FROM standards_certificateperiod p WHERE p.certificate_id = c.id
                  AND p.starts_on <= %(end)s AND p.ends_on >= %(end)s)
      AND (c.withdrawn_on IS NULL OR c.withdrawn_on > %(end)s)
      AND NOT EXISTS (SELECT 1 FROM standards_certificatesuspension s
                      WHERE s.certificate_id = c.id AND s.starts_on <= %(end)s
                        AND (s.ends_on IS NULL OR s.ends_on > %(end)s))
"""
IN_FORCE = """
    NOT d.is_archived AND NOT de.is_archived AND d.state IN ('accepted', 'recorded')
      AND (d.valid_until IS NULL OR d.valid_until >= %(end)s) AND d.effective_on <= %(end)s
"""
DECLARED = """
      AND d.state IN ('accepted', 'recorded') AND d.effective_on BETWEEN %(start)s AND %(end)s
"""
ACTIVE_DECLARATION = """
    FROM standards_declaration d JOIN enterprises_enterprise de ON de.id = d.enterprise_id
    WHERE NOT d.is_archived AND NOT de.is_archived
"""
PREFIX = """
    FROM standards_barcoderegistration b JOIN enterprises_enterprise e0 ON e0.id = b.enterprise_id
    WHERE NOT b.is_archived AND NOT e0.is_archived
"""
TRAINEE = """
    FROM programs_enrollment en
    JOIN programs_trainingcourse c ON c.id = en.course_id
    LEFT JOIN enterprises_enterprise e0 ON e0.id = en.enterprise_id
    WHERE en.state <> 'withdrawn' AND NOT c.is_archived
      AND c.starts_on BETWEEN %(start)s AND %(end)s AND (e0.id IS NULL OR NOT e0.is_archived)
"""
SUPPORT = """
    FROM programs_supportactivity s
    JOIN enterprises_enterprise e0 ON e0.id = s.enterprise_id
    LEFT JOIN standards_adoption sa ON sa.id = s.adoption_id
    WHERE NOT s.is_archived AND NOT e0.is_archived AND s.provided_on BETWEEN %(start)s AND %(end)s
"""
FUNDING = """
    FROM programs_supportfunding f
    JOIN programs_supportactivity s ON s.id = f.activity_id
    JOIN enterprises_enterprise e0 ON e0.id = s.enterprise_id
    LEFT JOIN standards_adoption sa ON sa.id = s.adoption_id
    WHERE NOT s.is_archived AND NOT e0.is_archived AND s.provided_on BETWEEN %(start)s AND %(end)s
"""
SYSTEMS = "('management_system', 'scheme')"


def _funding(sources: str = "") -> tuple:
    where = FUNDING + (f" AND f.source IN {sources}" if sources else "")
    return ("s.enterprise_id", "sa.standard_id", "SUM(counted)", where)


#: indicator → (enterprise id, standard id, aggregate, FROM … WHERE …) of its rows.
ROWS: dict[str, tuple[str, str, str, str]] = {
    "ENT_SYSTEM_APPLYING": ("a.enterprise_id", "a.standard_id", "COUNT(DISTINCT ent)",
                            ACTIVE_ADOPTION.format(kinds=SYSTEMS)),
    "ENT_TOOL_APPLYING": ("a.enterprise_id", "a.standard_id", "COUNT(DISTINCT ent)",
                          ACTIVE_ADOPTION.format(kinds="('productivity_tool')")),
    "CERT_VALID": ("c.enterprise_id", "c.standard_id", "COUNT(*)", VALID_CERTIFICATE),
    "ENT_CERTIFIED": ("c.enterprise_id", "c.standard_id", "COUNT(DISTINCT ent)",
                      VALID_CERTIFICATE),
    "CERT_ISSUED": ("c.enterprise_id", "c.standard_id", "COUNT(*)", """
        FROM standards_certificate c JOIN enterprises_enterprise e0 ON e0.id = c.enterprise_id
        WHERE NOT c.is_archived AND NOT e0.is_archived AND c.review_state = 'verified'
          AND c.first_issued_on BETWEEN %(start)s AND %(end)s"""),
    "DECL_ESTABLISHMENTS": ("d.enterprise_id", "d.standard_id", "COUNT(DISTINCT ent)",
                            ACTIVE_DECLARATION + DECLARED),
    "DECL_PRODUCTS": ("p.enterprise_id", "d.standard_id", "COUNT(DISTINCT counted)", """
        FROM standards_declaration_products dp
        JOIN standards_declaration d ON d.id = dp.declaration_id
        JOIN enterprises_enterprise de ON de.id = d.enterprise_id
        JOIN standards_product p ON p.id = dp.product_id
        WHERE NOT p.is_archived AND NOT d.is_archived AND NOT de.is_archived""" + DECLARED),
    "DECL_PRODUCTS_IN_FORCE": ("p.enterprise_id", "d.standard_id", "COUNT(DISTINCT counted)", """
        FROM standards_declaration_products dp
        JOIN standards_declaration d ON d.id = dp.declaration_id
        JOIN enterprises_enterprise de ON de.id = d.enterprise_id
        JOIN standards_product p ON p.id = dp.product_id
        WHERE NOT p.is_archived AND """ + IN_FORCE),
    "DECL_RECEIVED": ("d.enterprise_id", "d.standard_id", "COUNT(*)", ACTIVE_DECLARATION + """
        AND ((d.submitted_at AT TIME ZONE %(tz)s)::date BETWEEN %(start)s AND %(end)s
             OR (d.state = 'recorded' AND d.declared_on BETWEEN %(start)s AND %(end)s))"""),
    "DECL_ACCEPTED": ("d.enterprise_id", "d.standard_id", "COUNT(*)", ACTIVE_DECLARATION + """
        AND d.state = 'accepted' AND d.receipt_date BETWEEN %(start)s AND %(end)s"""),
    "DECL_OVERDUE": ("d.enterprise_id", "d.standard_id", "COUNT(*)", ACTIVE_DECLARATION + """
        AND d.state = 'submitted' AND d.decision_due_on < %(end)s"""),
    "GS1_PREFIXES": ("b.enterprise_id", "NULL::bigint", "COUNT(*)", PREFIX + """
        AND b.registered_on <= %(end)s AND (b.revoked_on IS NULL OR b.revoked_on > %(end)s)"""),
    "GS1_PREFIXES_ISSUED": ("b.enterprise_id", "NULL::bigint", "COUNT(*)", PREFIX + """
        AND b.registered_on BETWEEN %(start)s AND %(end)s"""),
    "GTINS": ("p.enterprise_id", "NULL::bigint", "COUNT(*)", """
        FROM standards_product p JOIN enterprises_enterprise e0 ON e0.id = p.enterprise_id
        LEFT JOIN standards_barcoderegistration b ON b.id = p.barcode_registration_id
        WHERE NOT p.is_archived AND NOT e0.is_archived AND p.gtin <> ''
          AND (b.registered_on <= %(end)s OR (p.barcode_registration_id IS NULL
               AND (p.created_at AT TIME ZONE %(tz)s)::date <= %(end)s))"""),
    "PRODUCTS_TRACED": ("p.enterprise_id", "NULL::bigint", "COUNT(*)", """
        FROM standards_product p JOIN enterprises_enterprise e0 ON e0.id = p.enterprise_id
        WHERE NOT p.is_archived AND NOT e0.is_archived AND p.is_published
          AND EXISTS (SELECT 1 FROM standards_traceabilityrecord t WHERE t.product_id = p.id
                      AND t.is_published AND t.produced_on <= %(end)s)"""),
    "TRAINEES": ("en.enterprise_id", "NULL::bigint", "COUNT(*)", TRAINEE),
    "TRAINEES_COMPLETED": ("en.enterprise_id", "NULL::bigint", "COUNT(*)",
                           TRAINEE + " AND en.state = 'completed'"),
    "TRAINED_ENTERPRISES": ("en.enterprise_id", "NULL::bigint", "COUNT(DISTINCT ent)",
                            TRAINEE + " AND en.enterprise_id IS NOT NULL"),
    "SUPPORTED_ENTERPRISES": ("s.enterprise_id", "sa.standard_id", "COUNT(DISTINCT ent)", SUPPORT),
    "SUPPORT_TURNS": ("s.enterprise_id", "sa.standard_id", "COUNT(*)", SUPPORT),
    "SUPPORT_VND": _funding(),
    "SUPPORT_VND_STATE": _funding("('central_budget', 'provincial_budget', 'local_budget')"),
    "SUPPORT_VND_CENTRAL": _funding("('central_budget')"),
    "SUPPORT_VND_PROVINCIAL": _funding("('provincial_budget')"),
    "SUPPORT_VND_LOCAL": _funding("('local_budget')"),
    "SUPPORT_VND_ENTERPRISE": _funding("('enterprise')"),
    "SUPPORT_VND_OTHER": _funding("('other')"),
}  # fmt: skip

#: Rows with no enterprise: counted whole, no breakdown but the unit they name (courses) or none.
PLAIN = {
    "COURSES": """
        WITH r AS (SELECT c.admin_unit_id AS named FROM programs_trainingcourse c
                   WHERE NOT c.is_archived AND c.starts_on BETWEEN %(start)s AND %(end)s)
        SELECT GROUPING(unit), unit, COUNT(*) FROM (
          SELECT COALESCE(o.predecessor_id, r.named) AS unit FROM r
          LEFT JOIN LATERAL (
            SELECT uo.predecessor_id FROM enterprises_unitorigin uo
            JOIN enterprises_administrativeunit pu ON pu.id = uo.predecessor_id
            WHERE uo.successor_id = r.named
              AND (pu.valid_from IS NULL OR pu.valid_from <= %(end)s)
              AND (pu.valid_to IS NULL OR pu.valid_to >= %(end)s)
            ORDER BY pu.code, pu.id LIMIT 1) o ON true) x
        GROUP BY GROUPING SETS ((), (unit))""",
    "EXPERTS": """
        SELECT 1, NULL, COUNT(*) FROM programs_expert x
        WHERE (x.joined_on IS NULL OR x.joined_on <= %(end)s)
          AND (x.certified_year IS NULL OR x.certified_year <= %(year)s)
          AND (x.left_on > %(end)s OR (x.left_on IS NULL AND x.is_active))""",
    "EXPERTS_CERTIFIED": """
        SELECT 1, NULL, COUNT(*) FROM programs_expert x
        WHERE x.certified_year BETWEEN %(first_year)s AND %(year)s
          AND (x.left_on IS NULL OR x.left_on > %(end)s)""",
}

#: Total and breakdowns of one indicator's rows (``r``) in one query: the unit of the day from
#: the unit periods (else the former unit of the current one, else the current one), the sector
#: in the version of the day (else through the crosswalk), the standard.
WRAPPER = """
WITH r AS (SELECT {ent} AS ent, {std} AS std, {counted} AS counted {rows})
SELECT GROUPING(unit) * 1 + GROUPING(sector) * 2 + {std_level} AS level, unit, sector,
       {std_column}, {aggregate} AS value
FROM (
  SELECT r.ent, r.std, r.counted,
         COALESCE(ua.unit_id, uo.predecessor_id, e.admin_unit_id) AS unit,
         CASE WHEN s.version = %(version)s THEN e.sector_id
              ELSE COALESCE(fw.target_id, bw.source_id) END AS sector
  FROM r
  LEFT JOIN enterprises_enterprise e ON e.id = r.ent
  LEFT JOIN enterprises_sector s ON s.id = e.sector_id
  LEFT JOIN LATERAL (
    SELECT u.unit_id FROM enterprises_unitassignment u
    WHERE u.enterprise_id = r.ent AND (u.valid_from IS NULL OR u.valid_from <= %(end)s)
      AND (u.valid_to IS NULL OR u.valid_to >= %(end)s)
    ORDER BY u.valid_from DESC NULLS LAST LIMIT 1) ua ON true
  LEFT JOIN LATERAL (
    SELECT o.predecessor_id FROM enterprises_unitorigin o
    JOIN enterprises_administrativeunit pu ON pu.id = o.predecessor_id
    WHERE o.successor_id = e.admin_unit_id
      AND (pu.valid_from IS NULL OR pu.valid_from <= %(end)s)
      AND (pu.valid_to IS NULL OR pu.valid_to >= %(end)s)
    ORDER BY pu.code, o.predecessor_id LIMIT 1) uo ON ua.unit_id IS NULL
  LEFT JOIN LATERAL (
    SELECT x.target_id FROM enterprises_sectorcrosswalk x
    JOIN enterprises_sector t ON t.id = x.target_id
    WHERE x.source_id = e.sector_id AND t.version = %(version)s
    ORDER BY t.code LIMIT 1) fw ON s.version <> %(version)s
  LEFT JOIN LATERAL (
    SELECT x.source_id FROM enterprises_sectorcrosswalk x
    JOIN enterprises_sector t ON t.id = x.source_id
    WHERE x.target_id = e.sector_id AND t.version = %(version)s
    ORDER BY t.code LIMIT 1) bw ON s.version <> %(version)s AND fw.target_id IS NULL
) x
GROUP BY GROUPING SETS ((), (unit), (sector){std_set})
"""
LEVELS = {7: "", 6: "unit", 5: "sector", 3: "standard"}


def figures_sql(year: int) -> dict:
    """The same figures, one hand-written query per indicator."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    params = {
        "start": start,
        "end": end,
        "year": year,
        "first_year": year,
        "tz": settings.TIME_ZONE,
        "version": str(sector_version_on(end)),
    }
    out: dict = {}
    with without_jit(), connection.cursor() as cursor:
        for code, (ent, std, aggregate, rows) in ROWS.items():
            counted = "dp.product_id" if code.startswith("DECL_PRODUCTS") else "NULL::bigint"
            if code.startswith("SUPPORT_VND"):
                counted = "f.amount"
            has_std = "standard" in get(code).breakdowns
            sql = WRAPPER.format(
                ent=ent,
                std=std,
                counted=counted,
                rows=rows,
                aggregate=aggregate,
                std_set=", (std)" if has_std else "",
                std_level="GROUPING(std) * 4" if has_std else "4",
                std_column="std" if has_std else "NULL::bigint",
            )
            cursor.execute(sql, params)
            for level, unit, sector, standard, value in cursor.fetchall():
                by = LEVELS[level]
                if not by:
                    out[(code, "")] = _number(value or 0)
                elif value:
                    out[(code, by, {"unit": unit, "sector": sector, "standard": standard}[by])] = (
                        _number(value)
                    )
        for code, sql in PLAIN.items():
            cursor.execute(sql, params)
            for level, unit, value in cursor.fetchall():
                if level == 1:
                    out[(code, "")] = _number(value)
                elif value:
                    out[(code, "unit", unit)] = _number(value)
        # The growth rate: last year's enterprises supported (this year's is above).
        before = {
            **params,
            "start": start.replace(year=year - 1),
            "end": end.replace(year=year - 1),
        }
        cursor.execute("SELECT COUNT(DISTINCT s.enterprise_id) " + SUPPORT, before)
        (last,) = cursor.fetchone()
    now = out[("SUPPORTED_ENTERPRISES", "")]
    growth = (Decimal(now) - last) * 100 / last if last else None
    out[("SUPPORTED_GROWTH", "")] = (
        _number(growth.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)) if last else None
    )
    return out


def all_indicators_against_sql(years: list[int], repeat: int) -> Measure:
    details: dict = {}
    orm_total = sql_total = 0.0
    for year in years:
        orm_ms, sql_ms, figures, _ = _alternate(
            lambda y=year: figures_orm(y), lambda y=year: figures_sql(y), repeat
        )
        orm_total += median(orm_ms)
        sql_total += median(sql_ms)
        details[str(year)] = (
            f"ORM p50 {median(orm_ms):.0f} ms, SQL p50 {median(sql_ms):.0f} ms; "
            f"{len(figures)} figures ({'districts' if year < MERGER_DAY.year else 'communes'})"
        )
    ratio = orm_total / sql_total if sql_total else float("nan")
    return Measure(
        name="all indicators of a year with every breakdown, ORM against one SQL query per "
        "indicator (sum of medians)",
        value=orm_total,
        baseline=sql_total,
        unit="ms",
        goal="≤ 1.2× the SQL queries, equal results",
        passed=ratio <= 1.2,
        details=details,
    )
