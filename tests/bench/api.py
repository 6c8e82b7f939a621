"""The REST API's list (issue 11) against the bare view, timed alternately.

The API side is the officer's enterprise list through DRF as another system calls it: an API
key (``Authorization: Token nsc_…``), role check, throttling, ``for_user``, the page's
FilterSet, cursor paging, 50 rows of JSON. The bare side is the same anonymous one-query view
the list page is measured against. The same list with the officer's session cookie is timed in
the same run, for information. Every API answer must hold the first row the database gives for
its filters (newest first, as the cursor orders).
"""

from enterprises.models import Enterprise
from enterprises.selectors import filtered_enterprises

from .measures import LoadConfig, Measure, Samples, Target, alternate

API_PATH = "/api/v1/enterprises/"
GOAL = 0.3


def _api_filters(samples: Samples) -> list[dict]:
    return [
        {},
        {"status": "active"},
        {"q": samples.tax_prefix},
        {"sector": samples.sector_id, "size_class": "small"},
        {"q": samples.rare_name},
    ]


def _first_row(user, params: dict) -> bytes:
    first = (
        filtered_enterprises(user=user, params=params)
        .order_by("-pk")
        .values_list("tax_code", flat=True)
        .first()
    )
    return (first or "").encode()


def api_list_against_bare(config: LoadConfig, samples: Samples, user) -> Measure:
    from urllib.parse import urlencode

    filters = _api_filters(samples)
    paths = [f"{API_PATH}?{urlencode(p)}" for p in filters]
    expect = {
        path: tuple(b for b in (b'"results":[', _first_row(user, p)) if b)
        for path, p in zip(paths, filters, strict=True)
    }
    names = dict(
        Enterprise.objects.filter(tax_code__in=samples.tax_codes).values_list("tax_code", "name")
    )
    bare_paths = [f"/bench/bare/?tax_code={code}" for code in samples.tax_codes]
    bare_expect = {f"/bench/bare/?tax_code={c}": (names[c].encode(),) for c in samples.tax_codes}
    from laichau_nsc.api.authentication import token_create, token_revoke

    token, key = token_create(user=user, name="bench")
    try:
        results = alternate(
            config,
            {
                "bare": Target(bare_paths, signed_in=False, expect=bare_expect),
                "api": Target(
                    paths, signed_in=False, headers={"Authorization": f"Token {key}"}, expect=expect
                ),
                "api_session": Target(paths, expect=expect),
            },
        )
    finally:
        token_revoke(token=token)
    api, bare = results["api"], results["bare"]
    ratio = api["rps"] / bare["rps"] if bare["rps"] else 0.0
    return Measure(
        name="API enterprise list (token, JSON, cursor paging) alternating with the bare view",
        value=api["rps"],
        baseline=bare["rps"],
        unit="req/s",
        goal=f"≥ {GOAL}× bare",
        passed=ratio >= GOAL and not api["errors"] and not bare["errors"],
        details=results,
    )
