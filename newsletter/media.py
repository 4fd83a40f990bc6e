"""/media/: figures and generated PDFs, to those who may see their issue, and never as a page.

This replaces ``django.views.static.serve``, which served any file under MEDIA_ROOT with a type
guessed from its extension: an editor's ``report.html`` ran its scripts on our origin with the
session of whoever opened it. Here a path is served only when it is a Figure's image or an Issue's
generated PDF, and only when its issue is public (``published()``), the user may edit or review, or
the session holds a live preview link for that issue. The type comes from the file's first bytes,
from a short whitelist; the response may not be sniffed, framed or run as a document.

With a bucket (``newsletter/storage.py``) the same checks decide, and the answer is a redirect: a
public issue's file goes to its public copy (``newsletter/public_files.py``); staff, preview-link
holders, and a public file whose copy is not made yet get a short-lived signed URL of the private
object. The URL in pages stays ``/media/<name>`` either way.
"""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from . import previews
from .models import Article, Figure, Issue, PublicFile
from .storage import bucket_storage

FIGURE_PREFIX = "figures/"
PDF_PREFIX = "issues/pdf/"
# Even opened directly, a media file is a sandboxed document that may load nothing.
LOCKED_DOWN_POLICY = "default-src 'none'; sandbox"
# Short, as for the PDF's own address: a withdrawal must reach readers (and shared caches) within minutes.
PUBLIC_CACHE = "public, max-age=300"
PRIVATE_CACHE = "private, no-store"


def may_see_unpublished(user):
    """Staff who may edit or review issues see every issue's media and previews, whatever its state."""
    return (
        user.is_active
        and user.is_staff
        and (user.has_perm("newsletter.review_issue") or user.has_perm("newsletter.change_issue"))
    )


def content_type_of(head):
    """The type of a stored file from its first bytes, if it is one we serve; else None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def without_body(response):
    """For HEAD: the GET's status and headers (Content-Length included), no body, the file left unread."""
    head = HttpResponse(status=response.status_code)
    for name, value in response.items():
        head[name] = value
    response.close()
    return head


@require_safe
def serve_media(request, path):
    name = _stored_name(path)
    owner = _owner(name) if name else None
    if owner is None:
        raise Http404("文件不存在。")
    kind, public, issue_ids = owner
    if not public and not (may_see_unpublished(request.user) or _preview_granted(request, issue_ids)):
        raise Http404("文件不存在。")
    bucket = bucket_storage(default_storage)
    if bucket is not None:
        return _redirect(bucket, name, kind, public)
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404("文件不存在。") from None
    content_type = content_type_of(handle.read(16))
    handle.seek(0)
    if content_type is None or (kind == "figure") != content_type.startswith("image/"):
        handle.close()  # not what the record says it is: never guess
        raise Http404("文件不存在。")
    modified = default_storage.get_modified_time(name).timestamp()
    not_modified = get_conditional_response(request, last_modified=int(modified))
    if not_modified is not None:
        handle.close()
        return _locked_down(not_modified, public)
    response = FileResponse(handle, content_type=content_type)
    response["Last-Modified"] = http_date(modified)
    if kind == "pdf":
        response["Content-Disposition"] = f'attachment; filename="{name.rsplit("/", 1)[-1]}"'
    response = _locked_down(response, public)
    return without_body(response) if request.method == "HEAD" else response


def _redirect(bucket, name, kind, public):
    """To the public copy (cacheable for minutes: a withdrawal must reach caches), else to a signed URL."""
    copy = PublicFile.objects.filter(source=name).values_list("key", flat=True).first() if public else None
    if copy is not None:
        return _locked_down(HttpResponseRedirect(bucket.public_url(copy)), public=True)
    # The type from the object's first 16 bytes (one ranged GET, not the file), as for local files;
    # the signed URL makes the bucket answer with that type, whatever the object was stored with.
    head = bucket.head_bytes(name, 16)
    content_type = content_type_of(head) if head else None
    if content_type is None or (kind == "figure") != content_type.startswith("image/"):
        raise Http404("文件不存在。")
    disposition = f'attachment; filename="{name.rsplit("/", 1)[-1]}"' if kind == "pdf" else None
    url = bucket.signed_url(name, content_type=content_type, disposition=disposition)
    # Never cached: the signed URL expires, and the file may be private.
    return _locked_down(HttpResponseRedirect(url), public=False)


def _stored_name(path):
    """The storage name for a URL path, or None for anything that is not a plain relative name."""
    if not path or path.startswith("/") or "\\" in path or "\x00" in path:
        return None
    if any(part in ("", ".", "..") for part in path.split("/")):
        return None
    return path


def _owner(name):
    """(kind, public?, issue ids) of the Figure or Issue a stored name belongs to; None if it belongs to none."""
    if name.startswith(FIGURE_PREFIX):
        if Article.objects.published().filter(figures__image=name).exists():
            return "figure", True, set()
        issue_ids = set(Figure.objects.filter(image=name).values_list("article__issue_id", flat=True))
        return ("figure", False, issue_ids - {None}) if issue_ids else None
    if name.startswith(PDF_PREFIX):
        if Issue.objects.published().filter(pdf=name).exists():
            return "pdf", True, set()
        issue_ids = set(Issue.objects.filter(pdf=name).values_list("pk", flat=True))
        return ("pdf", False, issue_ids) if issue_ids else None
    return None


def _preview_granted(request, issue_ids):
    """Whether this session opened a preview link of one of these issues that is still live."""
    grants = request.session.get(previews.MEDIA_GRANTS_SESSION_KEY) or {}
    for issue_id in issue_ids:
        token = grants.get(str(issue_id))
        if not token:
            continue
        try:
            link = previews.link_for_token(token)
        except Http404:
            continue
        if link.issue_id == issue_id:
            return True
    return False


def _locked_down(response, public):
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = LOCKED_DOWN_POLICY
    response["Cache-Control"] = PUBLIC_CACHE if public else PRIVATE_CACHE
    if not public:
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response
