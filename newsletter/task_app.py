"""django_tasks_db under a Chinese name in the admin: its own app, only the label staff read is ours."""

from django_tasks_db.apps import TasksAppConfig


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = "后台任务"
