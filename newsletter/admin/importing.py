"""Admin: import back issues (upload → preview → confirm) and export issues as Markdown or JSON.

Included from config/urls.py before the admin site's own URLs; every view goes through
``admin.site.admin_view`` and checks the model permission it needs.
"""

import io
import secrets
import zipfile

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, re_path, reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from .. import rehearsal
from ..importing.exporter import export_json, export_markdown, load_for_export
from ..importing.runner import FileOutcome, import_bytes, known_regions
from ..models import Issue, Publication
from . import pending_uploads
from .upload_names import UndecodableNames

SESSION_KEY = "newsletter_import_pending"  # the token of the pending upload (pending_uploads)
UNWRITABLE = "无法暂存上传的文件（服务器的暂存目录不可写），请稍后再试或联系管理员。"
STALE_CONFIRM = (
    "这个确认页面不是您最近一次预览的文件（之后您又上传过文件），没有导入任何文件。"
    "请在最近一次的预览页面上确认，或重新上传。"
)
MAX_FILES = 50
MAX_BYTES = 5 * 1024 * 1024
MAX_DOCX_BYTES = 20 * 1024 * 1024  # a Word issue carries its pictures


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class ImportForm(forms.Form):
    files = MultipleFileField(
        label="文件",
        help_text="由印刷版转换得到的 .txt/.md 文本、Word（.docx）或本系统导出的 .json，每个文件一期，可多选。",
    )
    publication = forms.ModelChoiceField(
        label="刊物", queryset=Publication.objects.all(), required=False, empty_label="（唯一的刊物或按刊名识别）"
    )
    replace = forms.BooleanField(label="替换已存在的同期草稿", required=False, help_text="已发布的期刊不会被替换。")
    strict = forms.BooleanField(
        label="严格模式",
        required=False,
        help_text="有任何注意事项（删去的文字、新建地区或媒体、待补图片等）的文件不导入。",
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"一次最多上传 {MAX_FILES} 个文件，更多文件请用 import_issue 命令。")
        for upload in files:
            if upload.name.lower().endswith(".docx"):
                if upload.size > MAX_DOCX_BYTES:
                    raise forms.ValidationError(f"{upload.name} 超过 20 MB，不像是一期刊物的 Word 文件。")
            elif upload.size > MAX_BYTES:
                raise forms.ValidationError(f"{upload.name} 超过 5 MB，不像是一期刊物的文本。")
        limit = settings.IMPORT_UPLOAD_MAX_BYTES
        if sum(upload.size for upload in files) > limit:
            raise forms.ValidationError(
                f"这次上传的文件合计超过 {_size(limit)}，请分几次上传，或用 import_issue 命令。"
            )
        return files


def _size(size):
    return f"{size // (1024 * 1024)} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def _filename(issue, extension):
    return f"{issue.publication.slug}-{issue.year}-{issue.number:02d}.{extension}"


@csrf_exempt
def import_view(request):
    """Step 1 (GET/POST upload): check every file without writing. Step 2 (POST confirm): import them."""
    # The handler must be in place before the body is parsed, which the CSRF check does first: so
    # CSRF is checked inside, as Django's documentation on upload handlers shows.
    skipped = UndecodableNames(request, max_bytes=settings.IMPORT_UPLOAD_MAX_BYTES + 1024 * 1024)
    request.upload_handlers.insert(0, skipped)
    return _import(request, skipped)


def _skipped_message(name):
    return f"{name}：文件名不是 UTF-8 编码，无法读取这个文件（未导入）。请把文件改名后重新上传，例如只用数字和字母。"


@csrf_protect
def _import(request, skipped):
    if request.method == "POST" and request.POST.get("step") == "confirm":
        return _confirm(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {**admin.site.each_context(request), "title": "导入往期", "form": form, "opts": Issue._meta}
    unreadable = [FileOutcome(name, "failed", _skipped_message(name)) for name in skipped.names]
    if unreadable and not form.is_valid() and not request.FILES:
        form.errors.pop("files", None)
        for outcome in unreadable:
            form.add_error("files", outcome.message)
    if request.method == "POST" and form.is_valid():
        publication = form.cleaned_data["publication"]
        slug = publication.slug if publication else None
        replace, strict = form.cleaned_data["replace"], form.cleaned_data["strict"]
        stored, outcomes = [], []
        # The preview is the import itself, rolled back at the end (all files in one transaction, each
        # after the ones before it): it reports what confirming will do, notices included.
        with rehearsal.rolled_back():
            regions = known_regions()  # once for the upload, as the command reads a folder
            for upload in form.cleaned_data["files"]:
                content = upload.read()
                outcomes.append(
                    import_bytes(
                        content,
                        upload.name,
                        publication_slug=slug,
                        dry_run=True,
                        replace=replace,
                        strict=strict,
                        regions=regions,
                    )
                )
                stored.append((upload.name, content))
        # The files wait in a private folder; the session holds only their token (a new preview
        # replaces the previous one).
        options = {"publication": slug, "replace": replace, "strict": strict}
        try:
            pending_uploads.discard(request.session.get(SESSION_KEY), request.user)
            request.session[SESSION_KEY] = pending_uploads.store(request.user, stored, options)
        except (OSError, pending_uploads.UnsafeFolder) as error:
            request.session.pop(SESSION_KEY, None)
            unsafe = isinstance(error, pending_uploads.UnsafeFolder)
            form.add_error(None, error.message if unsafe else UNWRITABLE)
            return render(request, "admin/newsletter/import_upload.html", context)
        outcomes = unreadable + outcomes
        context.update(
            title="导入往期：确认",
            token=request.session[SESSION_KEY],
            outcomes=outcomes,
            ready=sum(1 for o in outcomes if o.ok),
            failed=sum(1 for o in outcomes if not o.ok),
        )
        return render(request, "admin/newsletter/import_preview.html", context)
    return render(request, "admin/newsletter/import_upload.html", context)


def _confirm(request):
    # The form posts the token of the preview it was shown with: a page left open in another tab,
    # after a newer upload replaced its files, must not import the newer files it never showed.
    token = request.session.get(SESSION_KEY)
    if not token or not isinstance(token, str):  # nothing pending, or a value of an older version
        request.session.pop(SESSION_KEY, None)
        messages.error(request, "没有待导入的文件，请重新上传。")
        return redirect("newsletter_import")
    if not _same_token(request.POST.get("token"), token):
        messages.error(request, STALE_CONFIRM)  # the current pending upload stays, for its own page
        return redirect("newsletter_import")
    del request.session[SESSION_KEY]
    try:
        options, files = pending_uploads.claim(token, request.user)
    except pending_uploads.Unavailable as error:
        messages.error(request, error.message)
        return redirect("newsletter_import")
    imported = failed = 0
    regions = known_regions()
    for name, content in files:
        outcome = import_bytes(
            content,
            name,
            publication_slug=options["publication"],
            replace=options["replace"],
            strict=options["strict"],
            regions=regions,
        )
        if outcome.ok:
            imported += 1
            messages.success(request, outcome.message)
        else:
            failed += 1
            messages.error(request, outcome.message)
    messages.info(request, f"共 {imported + failed} 个文件：导入 {imported}，失败 {failed}。导入的期刊均为草稿。")
    return redirect(reverse("admin:newsletter_issue_changelist"))


def _same_token(posted, current):
    if not isinstance(posted, str):
        return False
    return secrets.compare_digest(posted.encode("utf-8"), current.encode("utf-8"))


def export_view(request, pk, fmt):
    issue = load_for_export(get_object_or_404(Issue, pk=pk))
    return _download([issue], fmt)


def _download(issues, fmt):
    extension, render_one, content_type = {
        "markdown": ("md", export_markdown, "text/markdown; charset=utf-8"),
        "json": ("json", export_json, "application/json; charset=utf-8"),
    }[fmt]
    if len(issues) == 1:
        response = HttpResponse(render_one(issues[0]), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{_filename(issues[0], extension)}"'
        return response
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for issue in issues:
            archive.writestr(_filename(issue, extension), render_one(issue))
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="issues-{extension}.zip"'
    return response


def _export_action(fmt):
    def action(modeladmin, request, queryset):
        if not request.user.has_perm("newsletter.view_issue"):
            raise PermissionDenied
        return _download([load_for_export(issue) for issue in queryset.order_by("year", "number")], fmt)

    return action


export_markdown_action = admin.action(description="导出 Markdown（与印刷版同格式）")(_export_action("markdown"))
export_markdown_action.__name__ = "export_markdown"
export_json_action = admin.action(description="导出 JSON")(_export_action("json"))
export_json_action.__name__ = "export_json"


def _guard(view, permission):
    return admin.site.admin_view(permission_required(permission, raise_exception=True)(view))


urlpatterns = [
    path("import/", _guard(import_view, "newsletter.add_issue"), name="newsletter_import"),
    re_path(
        r"^export/(?P<pk>\d+)/(?P<fmt>markdown|json)/$",
        _guard(export_view, "newsletter.view_issue"),
        name="newsletter_issue_export",
    ),
]
