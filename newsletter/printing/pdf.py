"""The print edition: an A4 PDF of an issue, laid out like the printed newsletter.

HTML from ``templates/newsletter/print/issue.html`` and print CSS, rendered by WeasyPrint with a
CJK font found through fontconfig (subset and embedded, so the PDF reads the same everywhere).
"""

import logging
import mimetypes
import threading
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone

from ..models import Issue
from . import qr

logger = logging.getLogger(__name__)

# One PDF at a time per process: two corrections in quick succession must not interleave writes.
_generation_lock = threading.Lock()


def print_queryset():
    """Issues with everything the print layout reads, in a fixed number of queries."""
    return Issue.objects.with_contents()


def download_filename(issue, preview=False):
    """双周决策观察-2024-24.pdf, as readers save it."""
    suffix = "-预览" if preview else ""
    return f"{issue.publication.name}-{issue.year}-{issue.number}{suffix}.pdf"


def storage_name(issue):
    # ASCII on disk (any file system, any proxy); the reader-facing name comes from Content-Disposition.
    return f"issues/pdf/{issue.publication.slug}-{issue.year}-{issue.number}.pdf"


def render_issue_html(issue, preview=False):
    web_url = qr.issue_web_url(issue)
    return render_to_string(
        "newsletter/print/issue.html",
        {
            "issue": issue,
            "publication": issue.publication,
            "sections": issue.sections(),
            "web_url": web_url,
            "qr_data_uri": qr.qr_svg_data_uri(web_url),
            "preview": preview,
            "generated_at": timezone.localtime(),
        },
    )


def render_issue_pdf(issue, preview=False):
    """PDF bytes of ``issue`` (fetch it with ``print_queryset()`` to keep the query count small)."""
    import weasyprint  # deferred: needs Pango, see support.py

    html = render_issue_html(issue, preview=preview)
    document = weasyprint.HTML(string=html, base_url=settings.SITE_URL + "/", url_fetcher=_media_fetcher())
    return document.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)


def generate_stored_pdf(issue_id):
    """Render a public issue and store it as its ``pdf`` file; returns the stored name or ""."""
    with _generation_lock:
        issue = print_queryset().published().filter(pk=issue_id).first()
        if issue is None:
            # Withdrawn (or never public) by the time we ran: a stale PDF must not stay reachable.
            delete_stored_pdf(issue_id)
            return ""
        data = render_issue_pdf(issue)
        name = storage_name(issue)
        if default_storage.exists(name):
            default_storage.delete(name)
        saved = default_storage.save(name, ContentFile(data))
        old = issue.pdf.name
        # update(), not save(): no signals, no updated_at bump, no race with a concurrent editor's save.
        Issue.objects.filter(pk=issue.pk).update(pdf=saved)
        if old and old != saved and default_storage.exists(old):
            default_storage.delete(old)
        logger.info("印刷版 PDF 已生成：%s（%d 字节）", saved, len(data))
        return saved


def delete_stored_pdf(issue_id):
    name = Issue.objects.filter(pk=issue_id).values_list("pdf", flat=True).first()
    if name:
        if default_storage.exists(name):
            default_storage.delete(name)
        Issue.objects.filter(pk=issue_id).update(pdf="")


def _media_fetcher():
    """Figures come from our own storage; nothing is fetched over the network while rendering."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    media_prefix = settings.SITE_URL + settings.MEDIA_URL

    class MediaOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith(media_prefix):
                name = unquote(urlsplit(url).path)[len(settings.MEDIA_URL) :]
                if ".." in name.split("/"):
                    raise ValueError(f"拒绝的路径：{url}")
                content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
                with default_storage.open(name, "rb") as handle:
                    body = handle.read()
                return URLFetcherResponse(url, body, {"Content-Type": content_type})
            raise ValueError(f"印刷版不抓取外部资源：{url}")

    return MediaOnlyFetcher()
