"""The print edition: an A4 PDF of an issue, laid out like the printed newsletter.

HTML from ``templates/newsletter/print/issue.html`` and print CSS, rendered by WeasyPrint with a
CJK font found through fontconfig (subset and embedded, so the PDF reads the same everywhere).
"""

import logging
import mimetypes
import secrets
import threading
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.functions import Now
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.utils import timezone

from ..models import Issue
from . import qr

logger = logging.getLogger(__name__)

# One PDF at a time per process: two corrections in quick succession must not interleave writes.
_generation_lock = threading.Lock()

# Sent with ``issue_id`` once a PDF is rendered and before it is stored: the seconds in which a
# withdrawal may land. Tests withdraw the issue here; monitoring may time renders.
rendered = Signal()


def print_queryset():
    """Issues with everything the print layout reads, in a fixed number of queries."""
    return Issue.objects.with_contents()


def download_filename(issue, preview=False):
    """双周决策观察-2024-24.pdf, as readers save it."""
    suffix = "-预览" if preview else ""
    return f"{issue.publication.name}-{issue.year}-{issue.number}{suffix}.pdf"


def content_disposition(filename, disposition="inline"):
    """RFC 6266 with an RFC 5987 ``filename*`` for the Chinese name and an ASCII fallback for old clients."""
    fallback = filename.encode("ascii", "ignore").decode().strip("-") or "issue.pdf"
    if not fallback.endswith(".pdf"):
        fallback += ".pdf"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def storage_name(issue):
    # ASCII on disk (any file system, any proxy); the reader-facing name comes from Content-Disposition.
    # A fresh random part per render: a new render never overwrites the file a reader is downloading,
    # and a withdrawn issue's old address does not start working again when it is republished.
    return f"issues/pdf/{issue.publication.slug}-{issue.year}-{issue.number}-{secrets.token_hex(8)}.pdf"


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
        # When this render read the issue, by the database's clock (the same for every worker host).
        started = Issue.objects.annotate(now=Now()).filter(pk=issue_id).values_list("now", flat=True).first()
        issue = print_queryset().published().filter(pk=issue_id).first()
        if issue is None:
            # Withdrawn (or never public) by the time we ran: a stale PDF must not stay reachable.
            delete_stored_pdf(issue_id)
            return ""
        data = render_issue_pdf(issue)
        rendered.send(sender=Issue, issue_id=issue_id)
        return _store_if_still_public(issue, data, started)


def _store_if_still_public(issue, data, started):
    """Record the rendered file as the issue's PDF only if the issue is still public and no render that
    read it later has stored one meanwhile, under its row lock.

    The render took seconds without a lock, so the issue may have been withdrawn meanwhile. The
    check uses the page's rule (``published()``) with the row locked, as the workflow locks it: a
    withdrawal either committed before (we see it and keep nothing) or waits for us (and its own
    clean-up then removes what we stored). With several workers, a render that began before a
    correction may finish after the one that followed it: ``pdf_source_at`` keeps the later one.
    """
    saved = default_storage.save(storage_name(issue), ContentFile(data))
    try:
        with transaction.atomic():
            row = (
                Issue.objects.select_for_update()
                .filter(pk=issue.pk)
                .published()
                .values_list("pdf", "pdf_source_at")
                .first()
            )
            old, newer = (row[0], row[1] is not None and row[1] > started) if row else (None, False)
            if old is not None and not newer:
                # update(), not save(): no signals, no updated_at bump, no race with an editor's save.
                Issue.objects.filter(pk=issue.pk).update(pdf=saved, pdf_source_at=started)
    except BaseException:
        _delete_file(saved)
        raise
    if old is None or newer:
        _delete_file(saved)
        if newer:
            logger.info("期刊 %s 已有依据更新内容的印刷版，未保存这次较早开始的生成。", issue.pk)
            return old
        logger.info("期刊 %s 在生成印刷版期间已不再公开，未保存 PDF。", issue.pk)
        return ""
    if old and old != saved:
        transaction.on_commit(lambda: _delete_file(old))
    logger.info("印刷版 PDF 已生成：%s（%d 字节）", saved, len(data))
    return saved


def delete_stored_pdf(issue_id):
    with transaction.atomic():
        name = Issue.objects.select_for_update().filter(pk=issue_id).values_list("pdf", flat=True).first()
        if not name:
            return
        Issue.objects.filter(pk=issue_id).update(pdf="", pdf_source_at=None)
    transaction.on_commit(lambda: _delete_file(name))


def _delete_file(name):
    if default_storage.exists(name):
        default_storage.delete(name)


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
