"""What our tasks add to the django-tasks queue: retries with back-off, recovery of lost tasks, on-commit.

The queue is django-tasks (the backport of Django 6's Tasks framework) with its database backend,
django-tasks-db: no new infrastructure (the database the site already has), the API Django 6 ships
(moving to ``django.tasks`` is an import change), an in-process ImmediateBackend for ``make run`` and
the tests, and results with status and traceback in the admin. It lacks two things, added here on
its public API only:

- Retries with back-off. A task wrapped in ``retried`` that raises is enqueued again with the same
  arguments and ``attempt`` + 1, to run after ``TASK_RETRY_SECONDS × 2^(attempt−1)``, until
  ``TASK_MAX_ATTEMPTS`` attempts; each failed attempt keeps its own result with its traceback (the
  library records it). With the immediate backend there is no later: a failure is logged, not retried.
- Recovery of lost tasks. A result RUNNING for longer than ``TASK_LEASE_SECONDS`` belonged to a worker
  that died (SIGKILL, out of memory, host lost): ``recover_lost`` marks it failed with a clear error
  and enqueues it again under the same rule. ``run_worker`` calls it on every tick.
"""

import datetime
import functools
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class LostTaskError(RuntimeError):
    """Recorded on a result whose worker stopped answering (the lease ran out)."""


def enqueue_on_commit(task, *args):
    """Enqueue once the current transaction commits (at once outside one); nothing if it rolls back."""
    transaction.on_commit(lambda: task.enqueue(*args))


def retry_delay(attempt):
    """Seconds to wait after failed attempt number ``attempt`` (1, 2, …): 10, 20, 40 … by default."""
    return settings.TASK_RETRY_SECONDS * 2 ** (attempt - 1)


def retry_later(task, args, attempt):
    """Enqueue attempt ``attempt + 1`` of ``task`` if the rule allows one; returns its result or None."""
    if attempt >= settings.TASK_MAX_ATTEMPTS:
        logger.error("任务 %s%s 已尝试 %d 次，不再重试。", task.name, list(args), attempt)
        return None
    if not task.get_backend().supports_defer:
        return None  # the immediate backend runs now or never; the library has logged the failure
    run_after = timezone.now() + datetime.timedelta(seconds=retry_delay(attempt))
    logger.warning("任务 %s%s 第 %d 次失败，%s 后重试。", task.name, list(args), attempt, run_after.isoformat())
    return task.using(run_after=run_after).enqueue(*args, attempt=attempt + 1)


def retried(func):
    """Make a task function retry itself on failure. Its task must be the module attribute of its name."""

    @functools.wraps(func)
    def run(*args, attempt=1):
        try:
            return func(*args)
        except BaseException:
            # BaseException too: a second SIGTERM stops the task with SystemExit, and it must still run.
            retry_later(import_string(f"{func.__module__}.{func.__name__}"), args, attempt)
            raise

    return run


def uses_database_queue(task):
    from django_tasks_db import DatabaseBackend

    return isinstance(task.get_backend(), DatabaseBackend)


def already_succeeded(task, args):
    """Whether some attempt of ``task`` with these arguments has succeeded (database queue only)."""
    if not uses_database_queue(task):
        return False  # the immediate backend runs each enqueue exactly once, in-process
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.successful().filter(task_path=task.module_path, args_kwargs__args=list(args)).exists()


def pending(task, args):
    """Whether an attempt of ``task`` with these arguments is queued or running (database queue only)."""
    if not uses_database_queue(task):
        return False
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=task.module_path,
        args_kwargs__args=list(args),
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).exists()


def recover_lost(now=None):
    """Fail and re-enqueue every result RUNNING past the lease. Returns how many were recovered."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.TASK_LEASE_SECONDS)
    recovered = 0
    for pk in list(DBTaskResult.objects.running().filter(started_at__lt=cutoff).values_list("pk", flat=True)):
        with transaction.atomic():
            # Locked and checked again: two workers' ticks must not both retry it.
            result = DBTaskResult.objects.select_for_update(skip_locked=True).filter(pk=pk).running().first()
            if result is None:
                continue
            error = LostTaskError(
                f"任务运行超过 {settings.TASK_LEASE_SECONDS} 秒仍未结束，视为执行它的 worker 已退出"
                f"（被终止、内存不足或主机失联），已按重试规则处理。"
            )
            result.set_failed(error)
            try:
                task = result.task
            except Exception:  # its code is gone (ImportError) or it is no task any more
                logger.exception("无法重试丢失的任务 %s（%s）", result.pk, result.task_path)
                continue
            args = result.args_kwargs.get("args", [])
            attempt = result.args_kwargs.get("kwargs", {}).get("attempt", 1)
            transaction.on_commit(functools.partial(retry_later, task, args, attempt))
            recovered += 1
    if recovered:
        logger.warning("已回收 %d 个超时的任务。", recovered)
    return recovered
