"""Step 5: the worker is killed (SIGKILL) while it renders a PDF; a new worker retries the task once its
lease has expired, and the PDF reaches readers on replica B.

The queue's table (django_tasks_db's DBTaskResult) is read directly with SQL, as staff would see it in
the admin. Replica B's /pdf/ is not asked until the retry has succeeded: a 503 there queues a new
task, which would make the PDF appear without proving the lost one was retried.
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
                }
            )
    return rows


def kill_worker_mid_render(cluster, report, options):
    issue = cluster.issues["approved"]
    chief = cluster.staff("A", "chief")
    move(cluster, chief, issue, "publish", expect="published")
    report.check("another issue published over HTTP on A", True, issue["url"])

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

    def retried():
        rows = pdf_tasks(cluster, issue["pk"])
        original = next(row for row in rows if row["id"] == task["id"])
        if original["status"] == "RUNNING" and original["workers"] < 2:
            return None
        succeeded = [row for row in rows if row["status"] == "SUCCESSFUL"]
        return rows if succeeded else None

    rows = wait_for(retried, options.lease_seconds + 90, interval=0.5)
    waited = report.number("worker_kill_to_retry_success_s", round(time.monotonic() - killed_at, 1))
    rows = rows or pdf_tasks(cluster, issue["pk"])
    report.info("generate_issue_pdf rows for the issue: " + json.dumps(rows, ensure_ascii=False))
    original = next(row for row in rows if row["id"] == task["id"])
    lost = original["status"] == "FAILED" or original["workers"] >= 2
    report.check(
        "the lost task was dealt with after its lease (marked failed, or taken again by the new worker)",
        lost,
        f"status {original['status']}, taken by {original['workers']} worker(s)",
    )
    report.require(
        f"a later run of generate_issue_pdf succeeded ({waited} s after the kill; lease {options.lease_seconds} s)",
        any(row["status"] == "SUCCESSFUL" for row in rows),
    )
    answer, bucket, polls = pdf_from(cluster, cluster.client("B"), issue, report, seconds=10)
    if answer is None:
        raise StepFailed("B: /pdf/ still answers 503")
    report.check(
        "B: the PDF is there at once (302 to the bucket, %PDF)",
        answer.status == 302 and not polls.count(503) and bucket.status == 200 and bucket.body.startswith(b"%PDF"),
        f"{answer} → {bucket.status} {len(bucket.body)} bytes",
    )
