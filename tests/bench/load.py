"""A small closed-loop HTTP load generator: N threads, one keep-alive connection each.

Each thread sends its next request as soon as the previous answer is read, cycling through the
given paths, for a fixed time or number of requests. Latencies are measured per request from
sending to the last byte of the body.
"""

import http.client
import statistics
import threading
import time
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float] = field(repr=False)
    by_path: dict[str, dict] = field(default_factory=dict)
    first_error: str = ""
    #: Latencies of each path, for merging the results of several runs.
    path_latencies: dict[str, list[float]] = field(default_factory=dict, repr=False)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        return percentile(self.latencies_ms, p)

    def summary(self) -> dict:
        return {
            "requests": self.requests,
            "errors": self.errors,
            "seconds": round(self.seconds, 2),
            "rps": round(self.rps, 1),
            "p50_ms": round(self.percentile(50), 1),
            "p95_ms": round(self.percentile(95), 1),
            "p99_ms": round(self.percentile(99), 1),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 1) if self.latencies_ms else None,
            "first_error": self.first_error,
            "by_path": self.by_path,
        }


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _path_latencies(samples: list[tuple[float, float, str]]) -> dict[str, list[float]]:
    latencies: dict[str, list[float]] = {}
    for _, ms, path in samples:
        latencies.setdefault(path, []).append(ms)
    return latencies


def summarise_paths(latencies: dict[str, list[float]]) -> dict[str, dict]:
    return {
        path: {
            "requests": len(values),
            "p50_ms": round(percentile(values, 50), 1),
            "p99_ms": round(percentile(values, 99), 1),
        }
        for path, values in latencies.items()
    }


class _Clock:
    """Shared by the threads: warm-up, then measurement until the time or request budget ends."""

    def __init__(self, warmup: float, duration: float, max_requests: int):
        self.lock = threading.Lock()
        self.measure_from = time.perf_counter() + warmup
        self.measure_until = self.measure_from + duration
        self.budget = max_requests

    def next_start(self) -> float | None:
        """The start time of the next request, or None when the run is over."""
        now = time.perf_counter()
        if now < self.measure_from:
            return now
        with self.lock:
            if now >= self.measure_until:
                return None
            self.budget -= 1
            if self.budget <= 0:
                self.measure_until = now
            return now

    def counts(self, started: float) -> bool:
        return self.measure_from <= started < self.measure_until


class _Worker(threading.Thread):
    def __init__(
        self,
        host: str,
        port: int,
        paths: list[str],
        headers: dict,
        offset: int,
        clock,
        expect: dict[str, tuple[bytes, ...]],
    ):
        super().__init__(daemon=True)
        self.host, self.port, self.paths, self.headers = host, port, paths, headers
        self.expect = expect
        self.index = offset
        self.clock = clock
        # (start, latency ms, path) of each answered request
        self.samples: list[tuple[float, float, str]] = []
        self.failures: list[tuple[float, str]] = []
        self.connection: http.client.HTTPConnection | None = None

    def run(self) -> None:
        while (started := self.clock.next_start()) is not None:
            path = self.paths[self.index % len(self.paths)]
            self.index += 1
            try:
                status, body = self.fetch(path)
            except (OSError, http.client.HTTPException) as exc:
                self.failures.append((started, f"{path}: {exc!r}"))
                continue
            if status != 200:
                self.failures.append((started, f"{path}: HTTP {status} {body[:200]!r}"))
                continue
            missing = [text for text in self.expect.get(path, ()) if text not in body]
            if missing:  # a 200 is not enough: the answer must hold the expected rows
                self.failures.append((started, f"{path}: answer lacks {missing[0]!r}"))
                continue
            self.samples.append((started, (time.perf_counter() - started) * 1000, path))
        if self.connection is not None:
            self.connection.close()

    def fetch(self, path: str) -> tuple[int, bytes]:
        # A keep-alive connection the server closed is opened again once.
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                self.connection.request("GET", path, headers=self.headers)
                response = self.connection.getresponse()
                body = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
                continue
            if response.will_close:
                self.connection.close()
                self.connection = None
            return response.status, body
        raise AssertionError("unreachable")


def run_load(
    *,
    port: int,
    paths: list[str],
    cookie: str = "",
    connections: int = 8,
    duration: float = 10.0,
    warmup: float = 2.0,
    max_requests: int = 1_000_000,
    host: str = "127.0.0.1",
    extra_headers: dict[str, str] | None = None,
    expect: dict[str, tuple[bytes, ...]] | None = None,
) -> LoadResult:
    """Closed-loop load on ``paths`` (cycled) with ``connections`` concurrent connections.

    ``expect`` maps a path to byte strings its answer must contain; an answer without them
    counts as an error, like a status other than 200.
    """
    headers = {"Host": host, "Accept-Encoding": "identity", **(extra_headers or {})}
    if cookie:
        headers["Cookie"] = cookie
    clock = _Clock(warmup, duration, max_requests)
    workers = [
        _Worker(host, port, paths, headers, offset=i * 7, clock=clock, expect=expect or {})
        for i in range(connections)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    samples = [s for w in workers for s in w.samples if clock.counts(s[0])]
    failures = [msg for w in workers for started, msg in w.failures if clock.counts(started)]
    latencies = _path_latencies(samples)
    return LoadResult(
        requests=len(samples),
        errors=len(failures),
        seconds=clock.measure_until - clock.measure_from,
        latencies_ms=[ms for _, ms, _ in samples],
        by_path=summarise_paths(latencies),
        first_error=failures[0] if failures else "",
        path_latencies=latencies,
    )
