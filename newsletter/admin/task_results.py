"""The task queue's results in the admin, for the people whose work the tasks carry out.

django_tasks_db registers a read-only admin that needs its own ``view`` permission. Rather than a
migration granting it to each role, whoever may see unpublished issues (编辑, 审核, 主编) may read the
queue: it shows nothing more than which issue's PDF or e-mail ran, and the error when one failed.
The library's own labels are translated in locale/zh_Hans/LC_MESSAGES/django.po.
"""

from django.contrib import admin
from django.utils.html import format_html
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from ..media import may_see_unpublished

STATUS_LABELS = {"READY": "排队中", "RUNNING": "运行中", "FAILED": "失败", "SUCCESSFUL": "成功"}


class TaskResultAdmin(DBTaskResultAdmin):
    list_display = ("task_label", "arguments", "status_label", "enqueued_at", "started_at", "finished_at", "error")
    list_display_links = ("task_label",)

    def has_module_permission(self, request):
        return super().has_module_permission(request) or may_see_unpublished(request.user)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or may_see_unpublished(request.user)

    @admin.display(description="任务", ordering="task_path")
    def task_label(self, obj):
        return obj.task_name

    @admin.display(description="参数")
    def arguments(self, obj):
        args = (obj.args_kwargs or {}).get("args", [])
        kwargs = (obj.args_kwargs or {}).get("kwargs", {})
        parts = [str(a) for a in args] + [f"第 {v} 次尝试" if k == "attempt" else f"{k}={v}" for k, v in kwargs.items()]
        return "，".join(parts) or "—"

    @admin.display(description="状态", ordering="status")
    def status_label(self, obj):
        return STATUS_LABELS.get(obj.status, obj.status)

    @admin.display(description="错误详情")
    def formatted_traceback(self, obj):
        return super().formatted_traceback(obj)

    @admin.display(description="最早运行时间")
    def display_run_after(self, obj):
        return super().display_run_after(obj)

    @admin.display(description="错误")
    def error(self, obj):
        if not obj.traceback:
            return "—"
        # The last line of the traceback is the exception and its message; the detail page has the rest.
        last = obj.traceback.strip().splitlines()[-1]
        return format_html('<span class="task-error" title="{}">{}</span>', obj.traceback, last)


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)
