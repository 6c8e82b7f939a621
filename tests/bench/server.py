"""The application under test: gunicorn serving the bench settings on a free local port."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Usage:
    """CPU time and minor page faults of the gunicorn workers (from ``/proc``)."""

    user_s: float
    system_s: float
    minor_faults: int

    def __sub__(self, other: "Usage") -> "Usage":
        return Usage(
            self.user_s - other.user_s,
            self.system_s - other.system_s,
            self.minor_faults - other.minor_faults,
        )

    def per_request(self, requests: int) -> dict:
        n = max(requests, 1)
        return {
            "server_user_ms": round(self.user_s * 1000 / n, 1),
            "server_system_ms": round(self.system_s * 1000 / n, 1),
            "server_minor_faults": round(self.minor_faults / n),
        }


@dataclass(frozen=True)
class Server:
    port: int
    pid: int

    def usage(self) -> Usage:
        """Summed over the workers (children of the master) alive now."""
        user = system = faults = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # After the command name: state, ppid, …; minflt is field 10, utime 14, stime 15.
            if int(fields[1]) == self.pid:
                faults += int(fields[7])
                user += int(fields[11])
                system += int(fields[12])
        return Usage(user / _TICKS, system / _TICKS, faults)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(*, workers: int, threads: int, log_path: Path) -> Iterator[Server]:
    """Run gunicorn (gthread workers, keep-alive) until the block ends."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "laichau_nsc.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--worker-class", "gthread", "--workers", str(workers), "--threads", str(threads),
        "--keep-alive", "30", "--timeout", "120", "--log-level", "warning",
    ]  # fmt: skip
    with log_path.open("ab") as log:
        process = subprocess.Popen(command, env=os.environ.copy(), stdout=log, stderr=log)
        try:
            _wait_until_up(port, process, log_path)
            yield Server(port, process.pid)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(port: int, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/bare/", timeout=10):
                return
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"the bare view answered HTTP {exc.code}; see {log_path}") from None
        except (urllib.error.URLError, OSError):  # not listening yet, or still starting
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within 60 s; see {log_path}")
