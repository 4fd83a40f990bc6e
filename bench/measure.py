"""Measurements: in-process page latency and SQL queries, HTTP throughput with wrk, worker memory.

Every measurement returns a dict; one that cannot be taken (a URL that answers 404, a command or
tool that is missing) returns ``{"unavailable": reason}`` instead of stopping the run.
"""

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

ROOT = Path(__file__).resolve().parent.parent


def percentile(values, fraction):
    """Linear interpolation between closest ranks (what numpy calls "linear")."""
    ordered = sorted(values)
    if not ordered:
        return None
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarize_ms(seconds):
    return {
        "p50_ms": round(statistics.median(seconds) * 1000, 2),
        "p95_ms": round(percentile(seconds, 0.95) * 1000, 2),
        "samples": len(seconds),
    }


def measure_page(url, *, repeat=20, cache=False, client=None, budget_seconds=None):
    """Median and p95 latency and the SQL queries of GET ``url`` through the whole middleware stack.

    ``cache=False`` turns the page cache off (every request does the work); ``cache=True`` turns it
    on and primes it with one request first, so every measured request is a cache hit. Without a
    ``client`` the reader is anonymous and sends no cookies; pass a logged-in client for the admin.
    ``budget_seconds`` bounds a slow page: sampling stops once it is spent (with at least three
    samples, or one when a single request takes a third of it); ``samples`` says how many were taken.
    """
    if url is None:
        return {"unavailable": "no URL (nothing to point at)"}
    anonymous = client is None
    client = client or Client()
    with override_settings(PAGE_CACHE_ENABLED=cache):
        first = client.get(url)  # warms the cache, template loaders and connections; not counted
        if first.status_code != 200:
            return {"unavailable": f"HTTP {first.status_code} for {url}"}
        timings, queries = [], []
        response = first
        deadline_started = time.perf_counter()
        for _ in range(repeat):
            spent = time.perf_counter() - deadline_started
            if budget_seconds and ((spent >= budget_seconds and len(timings) >= 3) or spent >= 3 * budget_seconds):
                break
            if anonymous:
                client.cookies.clear()  # every reader arrives without cookies
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                content = response.content
                timings.append(time.perf_counter() - started)
            if response.status_code != 200:
                return {"unavailable": f"HTTP {response.status_code} for {url}"}
            queries.append(len(captured.captured_queries))
    return {
        "url": url,
        **summarize_ms(timings),
        "queries": max(queries),
        "queries_min": min(queries),
        "bytes": len(content),
        "page_cache": response.get("X-Page-Cache", ""),
    }


# ---------------------------------------------------------------------------------------------- HTTP


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn with two sync workers on loopback, with the bench settings, as a context manager."""

    def __init__(self, *, page_cache, log_path, workers=2, port=None):
        self.port = port or free_port()
        self.page_cache = page_cache
        self.workers = workers
        self.log_path = log_path
        self.process = None

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        env = dict(
            os.environ, DJANGO_SETTINGS_MODULE="bench.settings", BENCH_PAGE_CACHE="1" if self.page_cache else "0"
        )
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "warning",
        ]
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self._log, stderr=self._log)
        return self

    def wait_ready(self, path, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.base + path, timeout=5) as response:
                    if response.status == 200 and len(self.worker_pids()) >= self.workers:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer {path} within {timeout} s")

    def get(self, path):
        with urllib.request.urlopen(self.base + path, timeout=30) as response:
            return response.status, dict(response.headers), response.read()

    def worker_pids(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            pids = []
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    fields = stat.read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.process.pid:
                    pids.append(int(stat.parent.name))
            return pids

    def worker_memory(self):
        """Peak (VmHWM) and current (VmRSS) resident memory of each worker, in MB."""
        workers = []
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            values = {k: int(v) / 1024 for k, v in re.findall(r"^(VmHWM|VmRSS):\s+(\d+) kB", status, re.MULTILINE)}
            workers.append({"pid": pid, "peak_rss_mb": round(values["VmHWM"], 1), "rss_mb": round(values["VmRSS"], 1)})
        return workers

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def wrk_available():
    return shutil.which("wrk") is not None


def wrk_version():
    if not wrk_available():
        return None
    result = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    return (result.stdout + result.stderr).strip().splitlines()[0]


def _duration_ms(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        return None
    value, unit = float(match.group(1)), match.group(2)
    return round(value * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit], 3)


def run_wrk(url, *, seconds, threads=2, connections=8):
    """Requests per second (and latency percentiles) of GET ``url`` under ``wrk``."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=seconds + 60)
    output = result.stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if result.returncode != 0 or not rate:
        raise RuntimeError(f"wrk failed: {result.stderr.strip() or output.strip()}")
    figures = {"requests_per_second": float(rate.group(1)), "seconds": seconds, "connections": connections}
    requests = re.search(r"(\d+) requests in", output)
    figures["requests"] = int(requests.group(1)) if requests else None
    for label in ("50", "90", "99"):
        match = re.search(rf"^\s+{label}%\s+(\S+)", output, re.MULTILINE)
        if match:
            figures[f"p{label}_ms"] = _duration_ms(match.group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:(.*)", output)
    figures["non_2xx"] = int(bad.group(1)) if bad else 0
    figures["socket_errors"] = errors.group(1).strip() if errors else ""
    if figures["non_2xx"]:
        raise RuntimeError(f"{url}: {figures['non_2xx']} responses were not 2xx/3xx")
    return figures
