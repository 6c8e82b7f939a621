"""Printing the measures with their baselines, ratios and verdicts, and saving them as JSON."""

import datetime
import json
import platform
from dataclasses import asdict
from pathlib import Path

from .measures import Measure


def _number(value: float, unit: str) -> str:
    return f"{value:,.1f} {unit}" if value < 100 else f"{value:,.0f} {unit}"


def print_measure(measure: Measure, error: str = "") -> None:
    if error:
        print(f"ERROR {measure.name}: {error}")
        return
    verdict = "PASS" if measure.passed else "FAIL"
    print(
        f"{verdict}  {measure.name}: {_number(measure.value, measure.unit)} "
        f"vs baseline {_number(measure.baseline, measure.unit)} "
        f"= {measure.ratio:.3f}×   (goal: {measure.goal})"
    )
    for key, value in measure.details.items():
        if isinstance(value, dict) and "rps" in value:
            print(
                f"        {key}: {value['rps']} req/s, p50 {value['p50_ms']} ms, "
                f"p95 {value['p95_ms']} ms, p99 {value['p99_ms']} ms, "
                f"{value['requests']} requests, {value['errors']} errors; server "
                f"{value['server_user_ms']} ms user + {value['server_system_ms']} ms system CPU, "
                f"{value['server_minor_faults']} page faults per request"
                + (f" — first error: {value['first_error']}" if value["first_error"] else "")
            )
        elif isinstance(value, dict) and "speedup" in value:
            print(
                f"        {key!r}: {value['matches']} matches, indexed p50 "
                f"{value['indexed_p50_ms']} ms / p95 {value['indexed_p95_ms']} ms, scan p50 "
                f"{value['scan_p50_ms']} ms → {value['speedup']}×"
            )
        elif not isinstance(value, (dict, list)) or key == "counts":
            print(f"        {key}: {value}")


def save(directory: Path, meta: dict, results: list[tuple[Measure, str]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    payload = {
        "meta": {**meta, "python": platform.python_version(), "machine": platform.machine()},
        "measures": [
            {**asdict(m), "ratio": None if m.ratio != m.ratio else m.ratio, "error": error}
            for m, error in results
        ],
    }
    path = directory / f"bench-{stamp}.json"
    text = json.dumps(payload, indent=2, ensure_ascii=False, default=str)
    path.write_text(text, encoding="utf-8")
    (directory / "latest.json").write_text(text, encoding="utf-8")
    return path
