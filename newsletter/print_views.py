"""The print edition over HTTP: the stored PDF of a public issue, and on-demand previews for staff."""

import logging

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_safe

from . import task_queue, tasks
from .media import may_see_unpublished, without_body
from .models import Issue, PublicFile
from .printing import pdf, support
from .printing.pdf import content_disposition
from .storage import bucket_storage

logger = logging.getLogger(__name__)


def _unavailable_response():
    response = HttpResponse(
        "印刷版 PDF 暂不可用：" + support.unavailable_reason(), status=503, content_type="text/plain; charset=utf-8"
    )
    response["Retry-After"] = "3600"
    return response


PDF_BEING_PREPARED = "印刷版 PDF 正在生成，请稍后刷新。"


def _being_prepared_response():
    response = HttpResponse(PDF_BEING_PREPARED, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def issue_pdf(request, year, number):
    """The stored PDF of a public issue. A request never renders one: a missing PDF is queued."""
    issue = get_object_or_404(Issue.objects.published().select_related("publication"), year=year, number=number)
    name = issue.pdf.name
    if not name or not default_storage.exists(name):
        in_process = not task_queue.uses_database_queue(tasks.generate_issue_pdf)
        # Whether a PDF can be made is the worker's business when there is one (another host, maybe).
        if in_process and not support.pdf_available():
            return _unavailable_response()
        tasks.queue_pdf_once(issue.pk)
        # With the immediate backend (`make run`) the task has already run, in-process: serve its file.
        name = Issue.objects.filter(pk=issue.pk).values_list("pdf", flat=True).first()
        if not name or not default_storage.exists(name):
            response = _being_prepared_response()
            return without_body(response) if request.method == "HEAD" else response
    bucket = bucket_storage(default_storage)
    if bucket is not None:
        return _redirect_to_bucket(bucket, issue, name)
    response = FileResponse(default_storage.open(name, "rb"), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(pdf.download_filename(issue))
    # Short public caching: a correction or a withdrawal must reach readers within minutes.
    response["Cache-Control"] = "public, max-age=300"
    response["X-Robots-Tag"] = "noarchive"
    return without_body(response) if request.method == "HEAD" else response


def _redirect_to_bucket(bucket, issue, name):
    """The public copy (made by the sync after the PDF was stored), or a signed URL until it is made."""
    copy = PublicFile.objects.filter(source=name).values_list("key", flat=True).first()
    if copy is not None:
        response = HttpResponseRedirect(bucket.public_url(copy))
        response["Cache-Control"] = "public, max-age=300"
    else:
        disposition = content_disposition(pdf.download_filename(issue))
        response = HttpResponseRedirect(
            bucket.signed_url(name, content_type="application/pdf", disposition=disposition)
        )
        response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noarchive"
    return response


@require_GET
def issue_pdf_preview(request, pk):
    """A preview PDF of any issue, in any state, rendered on demand and never stored."""
    if not may_see_unpublished(request.user):
        raise PermissionDenied("没有预览印刷版的权限。")
    if not support.pdf_available():
        return _unavailable_response()
    issue = get_object_or_404(pdf.print_queryset(), pk=pk)
    data = pdf.render_issue_pdf(issue, preview=True)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(pdf.download_filename(issue, preview=True))
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
