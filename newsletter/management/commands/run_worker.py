"""``manage.py run_worker``: the database queue's worker plus its periodic duties (issue 17).

The tasks are run by django_tasks_db's own ``db_worker``, called in the main thread so that its
signal handling works: SIGTERM (or Ctrl+C) lets the running task finish, then exits; a second one
stops the task (it is retried later). A daemon thread does ``tasks.periodic_duties`` every
``WORKER_TICK_SECONDS``. Several workers may run at once, on several hosts: the duties are safe
to repeat (row locks, ``cache.add``, idempotent tasks).
"""

import logging
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from newsletter import task_queue, tasks

logger = logging.getLogger("newsletter.worker")


class Command(BaseCommand):
    help = "运行后台任务 worker（TASK_BACKEND=database）：执行队列中的任务，并定期发布到期期刊、回收超时任务、补生成缺失的印刷版 PDF。"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="队列为空时两次查询之间的秒数（默认 1）。")
        parser.add_argument("--worker-id", default=None, help="worker 标识，多个 worker 时须各不相同（默认自动生成）。")

    def handle(self, *args, interval, worker_id, verbosity, **options):
        if not task_queue.uses_database_queue(tasks.generate_issue_pdf):
            # The immediate backend has run every task in the process that enqueued it.
            self.stdout.write("TASK_BACKEND 不是 database：任务在提交后于进程内运行，不需要 worker。")
            return
        stop = threading.Event()
        ticker = threading.Thread(target=self._tick_forever, args=(stop,), name="worker-duties", daemon=True)
        ticker.start()
        self.stdout.write(f"worker 已启动：每 {settings.WORKER_TICK_SECONDS:g} 秒执行一次定期任务。")
        options = ["--no-reload", "--no-startup-delay", "--queue-name", "*", "--interval", str(interval)]
        if worker_id:
            options += ["--worker-id", worker_id]
        try:
            call_command("db_worker", *options, verbosity=verbosity, stdout=self.stdout, stderr=self.stderr)
        finally:
            stop.set()

    def _tick_forever(self, stop):
        while not stop.is_set():
            close_old_connections()
            try:
                done = tasks.periodic_duties()
                if any(done.values()):
                    logger.info("定期任务：%s", done)
            except Exception:
                # A database that is down now may be back at the next tick; the worker keeps going.
                logger.exception("worker 定期任务失败")
            finally:
                connection.close()
            stop.wait(settings.WORKER_TICK_SECONDS)
