"""Step 5: the worker is killed (SIGKILL) while it renders a PDF; a new worker retries the task once its
lease has expired, and the PDF reaches readers on replica B.

The queue's table (django_tasks_db's DBTaskResult) is read directly with SQL, as staff would see it in
the admin. The proof is the lost task's own retry: its row marked failed (LostTaskError) and the
next attempt of the same task (kwargs ``attempt`` + 1) successful. Other generate_issue_pdf runs for
the issue may succeed sooner — the new worker's periodic duty queues the PDF of any public issue
that has none, and a 503 on /pdf/ queues one too — so they are shown but prove nothing here, and
replica B's /pdf/ is asked only at the end.
"""

import json
import time

from .cluster import TASK_TABLE
from .publishing import move, pdf_from, wait_for
from .report import StepFailed

TASKS = f"""
SELECT id::text, status, args_kwargs::text, worker_ids::text, started_at, finished_at, exception_class_path
FROM {TASK_TABLE} WHERE task_path LIKE %s ORDER BY enqueued_at
"""


def pdf_tasks(cluster, issue_pk):
    """generate_issue_pdf rows for ``issue_pk``, oldest first, as dicts."""
    rows = []
    for row in cluster.sql(TASKS, ("%generate_issue_pdf",)):
        arguments = json.loads(row[2])
        # The issue's id is the first argument; kwargs hold the queue's own "attempt" number.
        if (arguments.get("args") or [None])[0] == issue_pk:
            rows.append(
                {
                    "id": row[0],
                    "status": row[1],
                    "workers": len(json.loads(row[3] or "[]")),
                    "started_at": row[4].isoformat() if row[4] else None,
                    "finished_at": row[5].isoformat() if row[5] else None,
                    "exception": row[6],
                    "attempt": arguments.get("kwargs", {}).get("attempt", 1),
                }
            )
    return rows


def kill_worker_mid_render(cluster, report, options):
    issue = cluster.issues["approved"]
    chief = cluster.staff("A", "chief")
    move(cluster, chief, issue, "publish", expect="published")
    status = cluster.issue_status(issue["pk"])
    report.check("another issue published over HTTP on A", status == "published", f"{issue['url']} is {status}")

    def running():
        return next((row for row in pdf_tasks(cluster, issue["pk"]) if row["status"] == "RUNNING"), None)

    started = time.monotonic()
    task = wait_for(running, 60, interval=0.02)
    report.require(
        "its generate_issue_pdf task is RUNNING on the worker",
        task,
        f"after {time.monotonic() - started:.2f} s" if task else pdf_tasks(cluster, issue["pk"]),
    )
    pid = cluster.services.processes[cluster.worker_name].pid
    code = cluster.services.kill(cluster.worker_name)
    killed_at = time.monotonic()
    report.check(f"worker (pid {pid}) killed with SIGKILL mid-render", code == -9, f"exit {code}")
    stuck = next(row for row in pdf_tasks(cluster, issue["pk"]) if row["id"] == task["id"])
    report.check("the killed task is left RUNNING (nobody finished it)", stuck["status"] == "RUNNING", stuck["status"])

    cluster.start_worker("worker-2")
    report.info(f"new worker started (pid {cluster.services.processes['worker-2'].pid})")

    def retry_of(original, rows):
        """The lost task's own retry, once it succeeded: the next attempt's row, or the same row run again."""
        if original["status"] == "SUCCESSFUL" and original["workers"] >= 2:
            return original
        return next(
            (row for row in rows if row["attempt"] == original["attempt"] + 1 and row["status"] == "SUCCESSFUL"),
            None,
        )

    def retried():
        rows = pdf_tasks(cluster, issue["pk"])
        original = next(row for row in rows if row["id"] == task["id"])
        return rows if original["status"] != "RUNNING" and retry_of(original, rows) else None

    rows = wait_for(retried, options.lease_seconds + 90, interval=0.5)
    waited = report.number("worker_kill_to_retry_success_s", round(time.monotonic() - killed_at, 1))
    rows = rows or pdf_tasks(cluster, issue["pk"])
    report.info("generate_issue_pdf rows for the issue: " + json.dumps(rows, ensure_ascii=False))
    original = next(row for row in rows if row["id"] == task["id"])
    report.check(
        "after its lease the killed task is marked lost (FAILED, LostTaskError) or taken again",
        original["status"] == "FAILED" or original["workers"] >= 2,
        f"status {original['status']}, {original['exception'] or 'no exception'}, taken by {original['workers']} worker(s)",
    )
    retry = retry_of(original, rows)
    report.require(
        f"its retry (attempt {original['attempt'] + 1}) succeeded, {waited} s after the kill (lease {options.lease_seconds} s)",
        retry,
        retry and f"row {retry['id']} {retry['started_at']} → {retry['finished_at']}",
    )
    others = [row for row in rows if row["id"] not in (original["id"], retry["id"])]
    report.info(
        f"other generate_issue_pdf rows for the issue meanwhile: {[(r['attempt'], r['status']) for r in others]}"
    )
    answer, bucket, polls = pdf_from(cluster, cluster.client("B"), issue, report, seconds=10)
    if answer is None:
        raise StepFailed("B: /pdf/ still answers 503")
    report.check(
        "B: the PDF is there at once (302 to the bucket, %PDF)",
        answer.status == 302 and not polls.count(503) and bucket.status == 200 and bucket.body.startswith(b"%PDF"),
        f"{answer} → {bucket.status} {len(bucket.body)} bytes",
    )
