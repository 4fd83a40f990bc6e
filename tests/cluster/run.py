"""Cluster test (issue 17): two web replicas, a worker, PostgreSQL, Redis and an S3 server together.

    make cluster-test                        # PostgreSQL at postgres@127.0.0.1:5432 (as in CI)
    CLUSTER_ARGS="--database-url postgres://user@host:5432/postgres" make cluster-test

What it does, all on 127.0.0.1, bounded in time, every process started recorded by PID and stopped
by PID at the end (also on SIGINT/SIGTERM):
1. starts redis-server, moto's S3 server with a bucket, a fresh PostgreSQL database (dropped at the
   end) with migrate and the demo content (manage.py bootstrap), two gunicorn replicas A and B of
   config.wsgi and ``manage.py run_worker``, with one environment (DEBUG=0, TASK_BACKEND=database,
   WEB_REPLICAS=2, the bucket, REDIS_URL); waits for /readyz on both;
2. through replica A over HTTP: the editor uploads a figure to the draft issue, the editor submits,
   the reviewer approves, the chief publishes (the admin's forms, CSRF tokens, confirmations);
3. from replica B: the issue page, the figure (/media/ → 302 → the bucket, 200 anonymously), the PDF
   (503 while the worker prepares it, then 302 → the bucket, %PDF), both feeds and search show it;
4. withdraws it through A: on A and B the issue, its articles, figure, PDF are 404, feeds and search
   no longer show it, and the bucket URLs seen in step 3 answer 403/404;
5. publishes another issue, SIGKILLs the worker while that issue's PDF task is RUNNING, starts a new
   worker: the task is retried after its lease and the PDF appears on B;
6. readers on A and B for --load-seconds while an issue is published through A: every answer 200,
   no stale page once either replica showed the new issue;
7. backup (pg_dump -Fc, the bucket's objects to a folder), drop both, restore (pg_restore, objects
   put back, manage.py sync_public_files --all, cache flushed): pages and files from B identical;
and checks that no replica or worker wrote a file to its own local media folder.

Prints each check as it is decided, writes test-artifacts/cluster.json; exit status 1 on any failure.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Run as a script, this folder is first on sys.path: the project root must be instead (the modules here
# are imported as tests.cluster.*, and none of their names may shadow a standard module).
sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402

from tests.cluster import backup, cluster, load, publishing, services, worker_kill  # noqa: E402
from tests.cluster.report import Report, StepFailed  # noqa: E402

STEPS = ["publish", "read", "withdraw", "worker", "load", "backup"]


def local_files(started):
    """Files any host wrote to its own MEDIA_ROOT: there must be none (uploads and PDFs go to the bucket)."""
    return [str(path) for folder in started.local_folders for path in folder.rglob("*") if path.is_file()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url", default="", help="a PostgreSQL server (default: DATABASE_URL's, else the CI one)"
    )
    parser.add_argument("--load-seconds", type=int, default=20, help="seconds of readers in step 6 (default 20)")
    parser.add_argument("--readers", type=int, default=8, help="concurrent reader threads in step 6 (default 8)")
    parser.add_argument(
        "--lease-seconds",
        type=int,
        default=15,
        help="TASK_LEASE_SECONDS (default 15): longer than any PDF render, or a render in progress is taken as lost",
    )
    parser.add_argument("--skip", action="append", default=[], choices=STEPS, help="leave a step out (repeatable)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, backup)")
    options = parser.parse_args()

    report = Report()
    workdir = Path(tempfile.mkdtemp(prefix="newsletter-cluster-"))
    started = services.Services(workdir)
    services.install_signal_handlers(started)
    running = None
    try:
        report.begin("1. services")
        running = cluster.start(started, options, report)
        state = None
        steps = [
            (
                "2. publish with a figure through replica A",
                "publish",
                lambda: publishing.publish_with_figure(running, report),
            ),
            ("3. read it from replica B", "read", lambda: publishing.read_from_b(running, report, state)),
            (
                "4. withdraw through A, gone everywhere",
                "withdraw",
                lambda: publishing.withdraw_and_check_gone(running, report, state),
            ),
            (
                "5. worker killed mid-render",
                "worker",
                lambda: worker_kill.kill_worker_mid_render(running, report, options),
            ),
            (
                "6. load on both replicas while publishing",
                "load",
                lambda: load.load_while_publishing(running, report, options),
            ),
            ("7. backup and restore", "backup", lambda: backup.backup_and_restore(running, report)),
        ]
        for title, key, step in steps:
            if key in options.skip or (key in ("read", "withdraw") and state is None):
                report.begin(title + " — skipped")
                continue
            report.begin(title)
            step_started = time.monotonic()
            try:
                result = step()
                if key == "publish":
                    state = result
            except StepFailed as failure:
                if not failure.recorded:
                    report.check(str(failure), False)
                if key == "publish":
                    state = None
            except Exception as error:  # noqa: BLE001 - reported as a failed check, the next step still runs
                report.check(f"{title}: ran to the end", False, f"{type(error).__name__}: {error}")
                traceback.print_exc()
                if key == "publish":
                    state = None
            report.number(f"step {key} s", round(time.monotonic() - step_started, 1))
        report.begin("local disks")
        written = local_files(running)
        report.check("no host wrote a file to its own MEDIA_ROOT", not written, written[:5])
    except StepFailed as failure:
        if not failure.recorded:
            report.check(str(failure), False)
    except Exception as error:  # noqa: BLE001
        report.check("the cluster started", False, f"{type(error).__name__}: {error}")
        traceback.print_exc()
    finally:
        report.begin("stopping everything started, by PID")
        logs = {name: started.log_tail(name) for name in started.processes}
        pids = {name: process.pid for name, process in started.processes.items()}
        started.stop_all()
        report.info(f"stopped {pids} and dropped the database")
        if not options.keep:  # here too when a signal ends the run
            shutil.rmtree(workdir, ignore_errors=True)

    if report.failures:
        for name, tail in logs.items():
            print(f"\n--- last lines of {name}.log (access-log lines left out) ---\n{tail}")
    kept = {"workdir": str(workdir)} if options.keep else {}
    report.write(ROOT / "test-artifacts" / "cluster.json", {"skipped": options.skip, **kept})
    print()
    print(
        f"cluster test: {len(report.checks) - len(report.failures)} checks passed, {len(report.failures)} failed, {report.elapsed()} s"
    )
    print("numbers: " + json.dumps(report.numbers, ensure_ascii=False))
    for failure in report.failures:
        print(f"  FAILED [{failure['step']}] {failure['check']} — {failure['detail']}")
    if report.failures:
        print("CLUSTER TEST FAILED")
        return 1
    print("cluster test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
