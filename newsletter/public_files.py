"""Public copies in the bucket: what readers fetch of a public issue's figures and print edition.

Private objects (``figures/…``, ``issues/pdf/…``) are never publicly readable. While an issue is
public (``Issue.objects.published()``), each of its figures and its stored PDF has a copy under
``public/<sha256[:32]>/<name>``: content-hashed, so it can be cached for a year (a new file is a new
address), with the type read from its bytes and never anything else. ``sync_issue`` makes the bucket
match the issue's state; for any other issue the copies go (a withdrawn issue's direct bucket
addresses answer 403/404). A copy shown by several public issues stays until none shows it.

Runs only as the ``sync_public_files`` task, enqueued on commit after ``public_content_changed`` and
after a PDF is stored. With local files it does nothing.
"""

import hashlib
import logging

from django.core.files.storage import default_storage
from django.db import transaction

from .media import FIGURE_PREFIX, PDF_PREFIX, content_type_of
from .models import Article, Figure, Issue, PublicFile
from .printing.pdf import content_disposition, download_filename
from .storage import PUBLIC_PREFIX, bucket_storage

logger = logging.getLogger(__name__)

# A copy's address changes with its bytes, so a reader's browser may keep it for a year. Shared caches
# (a CDN in front of the bucket) keep it five minutes, as every other withdrawable answer: a withdrawal
# deletes the copy, and must reach them within minutes, not when a year is up.
CACHE_FOREVER = "public, max-age=31536000, s-maxage=300, immutable"


def sync_issue(issue_id):
    """Make ``issue_id``'s public copies match its state; idempotent, safe to run twice at once."""
    storage = bucket_storage(default_storage)
    if storage is None:
        return
    with transaction.atomic():
        # The workflow locks this row to publish or withdraw: either its move committed before (and
        # we see it), or it waits until our copies are written, and the sync it enqueues removes them.
        issue = Issue.objects.select_for_update(of=("self",)).select_related("publication").filter(pk=issue_id).first()
        public = issue is not None and Issue.objects.published().filter(pk=issue_id).exists()
        wanted = _sources(issue) if public else {}
        rows = {row.source: row for row in PublicFile.objects.filter(issue_id=issue_id)}
        dropped = [rows.pop(source) for source in list(rows) if source not in wanted]
        PublicFile.objects.filter(pk__in=[row.pk for row in dropped]).delete()
        for source, kind in wanted.items():
            if source not in rows:
                row = _new_row(storage, issue, source, kind)
                if row is not None:
                    rows[source] = row
        for row in rows.values():
            _ensure_copy(storage, row, issue)
    # Deleted after the commit, so that no reader is sent to a copy a rolled-back sync removed.
    for key in {row.key for row in dropped}:
        _delete_if_unused(storage, key)


def sync_all():
    """Every issue's copies, then any copy no row names (left by a crash, or by a restore). Returns
    (issues synced, stray copies deleted)."""
    storage = bucket_storage(default_storage)
    if storage is None:
        return 0, 0
    issue_ids = list(Issue.objects.order_by("pk").values_list("pk", flat=True))
    for issue_id in issue_ids:
        sync_issue(issue_id)
    paginator = storage.client.get_paginator("list_objects_v2")
    stray = 0
    for page in paginator.paginate(Bucket=storage.bucket_name, Prefix=PUBLIC_PREFIX):
        for entry in page.get("Contents", []):
            if not PublicFile.objects.filter(key=entry["Key"]).exists():
                _delete_if_unused(storage, entry["Key"])
                stray += 1
    return len(issue_ids), stray


def public_key(source):
    """The key of ``source``'s public copy if one is recorded, else None (not public, or not made yet)."""
    return PublicFile.objects.filter(source=source).values_list("key", flat=True).first()


def _sources(issue):
    """{private name: "figure" | "pdf"} of what a public issue shows."""
    articles = Article.objects.published().filter(issue_id=issue.pk)
    names = Figure.objects.filter(article__in=articles).exclude(image="").values_list("image", flat=True)
    wanted = {name: "figure" for name in names if name.startswith(FIGURE_PREFIX)}
    if issue.pdf and issue.pdf.name.startswith(PDF_PREFIX):
        wanted[issue.pdf.name] = "pdf"
    return wanted


def _new_row(storage, issue, source, kind):
    shared = PublicFile.objects.filter(source=source).values_list("key", "content_type").first()
    if shared is not None:
        key, content_type = shared
    else:
        try:
            with storage.open(source, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            logger.warning("期刊 %s 的文件 %s 不在存储中，未做公开副本。", issue.pk, source)
            return None
        content_type = content_type_of(data[:16])
        if content_type is None or (kind == "figure") != content_type.startswith("image/"):
            logger.warning("期刊 %s 的文件 %s 不是记录所说的类型，未做公开副本。", issue.pk, source)
            return None
        basename = source.rsplit("/", 1)[-1]
        key = f"{PUBLIC_PREFIX}{hashlib.sha256(data).hexdigest()[:32]}/{basename}"
    return PublicFile.objects.create(issue=issue, source=source, key=key, content_type=content_type)


def _ensure_copy(storage, row, issue):
    """A server-side copy of the private object, unless the copy is there already (a second sync writes nothing)."""
    if storage.exists(row.key):
        return
    parameters = {"ContentType": row.content_type, "CacheControl": CACHE_FOREVER, "MetadataDirective": "REPLACE"}
    if row.content_type == "application/pdf":
        parameters["ContentDisposition"] = content_disposition(download_filename(issue))
    if storage.public_acl:
        parameters["ACL"] = storage.public_acl
    storage.client.copy_object(
        Bucket=storage.bucket_name,
        Key=row.key,
        CopySource={"Bucket": storage.bucket_name, "Key": row.source},
        **parameters,
    )


def _delete_if_unused(storage, key):
    if PublicFile.objects.filter(key=key).exists():
        return
    storage.delete(key)
    # Another public issue may have taken up this copy while we deleted it: its sync makes it again.
    for issue_id in set(PublicFile.objects.filter(key=key).values_list("issue_id", flat=True)):
        sync_issue(issue_id)


def on_issue_deleted(sender, instance, **kwargs):
    """A deleted issue's rows go with it (CASCADE): its copies are deleted after the commit, unless shared."""
    storage = bucket_storage(default_storage)
    if storage is None:
        return
    keys = set(PublicFile.objects.filter(issue_id=instance.pk).values_list("key", flat=True))
    if keys:
        transaction.on_commit(lambda: [_delete_if_unused(storage, key) for key in keys])
