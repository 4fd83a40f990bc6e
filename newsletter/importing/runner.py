"""Import one file end to end (read, check, load, attach its images, report); shared by the command and the admin.

Every import reports, per file, each thing it decided that a person should check (``Notice``): the
reader's own (text dropped, source lines not understood, titles matched approximately, a Word
image without a caption line …), the loader's (sections out of the site-wide order), and those
made here from what was written: each region and each outlet created (NEW_REGION, NEW_OUTLET) and
each figure still without an image (FIGURE_WITHOUT_IMAGE, one per figure, naming the article and
the caption).

A dry run is the real import inside a transaction that is rolled back (``rehearsal``): it finds the
same new regions and outlets and the same refusals, and writes nothing. ``strict`` refuses a file
that produced any notice: nothing of it is written, not even a picture file in the media folder.
"""

import contextlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from regions.models import Region

from .. import derived, rehearsal
from ..uploads import validate_and_reencode
from .formats import read_issue
from .loader import load_issue
from .publications import resolve_publication
from .schema import ImportFailure, Notice


@dataclass
class FileOutcome:
    name: str
    status: str  # imported, checked (dry run), failed
    message: str
    data: object = None
    warnings: list = field(default_factory=list)  # the file's notices (schema.Notice)

    @property
    def ok(self):
        return self.status != "failed"

    def grouped(self):
        """[(label, [notice, …])] in the order of ``Notice.KINDS``, for the admin preview."""
        return [
            (label, [n for n in self.warnings if n.kind == kind])
            for kind, label in Notice.KINDS.items()
            if any(n.kind == kind for n in self.warnings)
        ]


class StrictRefusal(ImportFailure):
    pass


def known_lines(publication):
    if publication is None:
        return ()
    return (publication.name, publication.subtitle, publication.slogan)


def known_regions():
    """The site's region names, which a 【X】 lead may name besides the gazetteer's places.

    Read once for a whole run (a folder, an admin upload) and given to every file: a region that one
    file of the run creates does not change how another is read, so the order of the files does not
    matter."""
    return tuple(sorted(Region.objects.values_list("name", flat=True)))


def reading_context(publication, regions):
    """What a file is read with, as ``ahead.PreparedFile.known`` holds it."""
    return (tuple(known_lines(publication)), tuple(regions))


def strict_message(notices):
    counts = {}
    for notice in notices:
        counts[notice.label] = counts.get(notice.label, 0) + 1
    listed = "、".join(f"{label} {count} 条" for label, count in counts.items())
    return f"严格模式：有 {len(notices)} 条需要核对的注意事项（{listed}），未导入。"


def import_bytes(
    content, name, *, publication_slug=None, dry_run=False, replace=False, prepared=None, strict=False, regions=None
):
    """Read and load one file (in a dry run: then roll it back). Never raises for bad input: returns
    a failed outcome. ``prepared`` is what a worker made of the file beforehand (ahead.py), used if it
    still fits. ``regions`` is ``known_regions()`` read once for the run (read here when not given)."""
    try:
        publication = resolve_publication(publication_slug)
    except ImportFailure as error:
        publication = None
        if publication_slug:
            return FileOutcome(name, "failed", f"{name}：{error.message}")
    known = reading_context(publication, known_regions() if regions is None else regions)
    if prepared is not None and not prepared.fits(content, known):
        prepared = None
    data, notices = None, []
    try:
        if prepared is None:
            data = read_issue(content, name, known_lines=known[0], known_regions=known[1])
        elif prepared.failure is not None:
            raise prepared.failure
        else:
            data = prepared.data
        if publication is None and not publication_slug:
            publication = resolve_publication(None, data.publication)
        articles = prepared.articles if prepared is not None else None
        with rehearsal.rolled_back() if dry_run else contextlib.nullcontext():
            result, notices = _load(data, publication, name, replace=replace, prepared=articles, strict=strict)
    except StrictRefusal as refusal:
        return FileOutcome(name, "failed", str(refusal), data, refusal.notices)
    except ImportFailure as error:
        if not error.filename:
            error.filename = name
        return FileOutcome(name, "failed", str(error), data, list(data.warnings) if data else [])
    label = f"{data.year} 年第 {data.number} 期（总第 {data.total_number} 期）"
    count = len(data.articles())
    if dry_run:
        return FileOutcome(
            name, "checked", f"{name}：可以导入 {label}，{count} 篇文章（试运行，未写入）。", data, notices
        )
    parts = [f"{name}：已{'替换' if result.replaced else '导入'} {label}，{count} 篇文章"]
    waiting = sum(1 for notice in notices if notice.kind == Notice.FIGURE_WITHOUT_IMAGE)
    if waiting:
        parts.append(f"{waiting} 张图待补图片")
    if result.new_regions:
        parts.append("新建地区：" + "、".join(result.new_regions))
    return FileOutcome(name, "imported", "，".join(parts) + "。", data, notices)


def _load(data, publication, name, *, replace, prepared, strict):
    """Load, check the file's images, make the report and store the images, in one transaction.

    Everything that can refuse the file (the images' checks, ``strict``) is decided before any
    image file is stored; a file stored before a later failure is deleted again, since rolling
    back the transaction does not remove files from the media folder."""
    stored = []
    try:
        with transaction.atomic():
            result = load_issue(data, publication=publication, replace=replace, filename=name, prepared=prepared)
            pictures = check_images(result, data, name)
            notices = report(data, result)
            if strict and notices:
                refusal = StrictRefusal(strict_message(notices), filename=name)
                refusal.notices = notices
                raise refusal
            if not rehearsal.active():
                store_images(pictures, stored)
    except BaseException:
        for storage, stored_name in stored:
            storage.delete(stored_name)
        raise
    return result, notices


def check_images(result, data, filename):
    """Give the written figures the images that came with the file (a Word issue's pictures), each
    checked through the upload rules (``Figure.full_clean()``: checked and re-encoded in a child
    process, metadata dropped), and return those figures. Nothing is stored yet: a picture that
    fails its check refuses the file before any file of it is in the media folder."""
    wanted = [figure for item in data.articles() for figure in item.figures]
    rows = []
    for row, item in zip(result.figures, wanted, strict=True):
        if not item.image:
            continue
        try:
            # Checked and re-encoded before it is assigned: assigning a file makes Django read its
            # dimensions in this process, which a decompression bomb must never reach.
            clean, _, _ = validate_and_reencode(ContentFile(item.image, name=item.image_name or "image.png"))
            row.image = clean
            row._reencoded = True
            row.full_clean(exclude=["article"])
        except ValidationError as error:
            messages = "；".join(error.messages)
            raise ImportFailure(f"图“{row.caption[:30]}”的图片无法使用：{messages}", filename=filename) from error
        rows.append(row)
    return rows


def store_images(rows, stored):
    """Save the checked figures through the model (their file is stored then), so that the
    article's body_html, the issue's figure numbers and pages are derived by their owners; each
    stored file is appended to ``stored`` as (storage, name)."""
    with derived.deferred():
        for row in rows:
            try:
                row.save()
            finally:
                if row.image._committed:  # the file is in the media folder, whether or not the row is
                    stored.append((row.image.storage, row.image.name))


def report(data, result):
    """The file's notices: the reader's, the loader's, then what this load created or left to do."""
    notices = list(data.warnings) + [n for n in result.notes if isinstance(n, Notice)]
    sections = {section.region for section in data.sections}
    for region in result.new_regions:
        role = "栏目" if region in sections else "地区标签"
        notices.append(Notice(Notice.NEW_REGION, f"新建地区“{region}”（作为{role}）。", text=region))
    for outlet in result.new_outlets:
        notices.append(Notice(Notice.NEW_OUTLET, f"新建媒体“{outlet}”。", text=outlet))
    # The figures as written, with the images the file brought (assigned, maybe not stored yet).
    waiting = sorted((row for row in result.figures if not row.image), key=lambda row: (row.number, row.pk))
    for figure in waiting:
        notices.append(
            Notice(
                Notice.FIGURE_WITHOUT_IMAGE,
                f"《{figure.article.title}》图 {figure.number}“{figure.caption}”还没有图片，请在后台补传。",
                text=figure.caption,
            )
        )
    return notices
