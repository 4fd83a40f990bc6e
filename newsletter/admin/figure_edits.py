"""Figures added and changed from the article editor (drop, paste, 「下载此图」, captions edited in
place), one atomic write each, with the rules of the article admin's own save.

Each write is a change of the article: under the issue's row lock the frozen-issue guard is checked
again (``lock_issues_for_edit``), the article's version is claimed (``locking.claim``) and a revision
is kept, as ``ArticleAdmin.save_model``/``save_related`` do. The editor sends the version its page
was opened at and receives the new one, which it puts in the form: the article's own 保存 then
goes through, while another person's page, opened before the upload, is refused instead of
overwriting the figure rows it never saw.

The file is validated and re-encoded (``Figure.full_clean()``, as the admin's Figure inline does)
before the transaction, so no row lock is held while an image is decoded.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .. import locking, revisions
from ..models import Article, Figure
from .figure_editor import figure_info
from .guards import EditRefused, edit_refusal, lock_issues_for_edit

EDITABLE_FIELDS = ("caption", "credit", "alt_text")
CAPTION_REQUIRED = "请填写图注：图注显示在图片下方，并按全期顺序编为“图 N”。"


class FigureEditError(Exception):
    """A refusal with the Chinese sentence shown to the editor and the HTTP status that goes with it."""

    def __init__(self, message, status=400):
        self.message = message
        self.status = status
        super().__init__(message)


def refusal(article, user, permission):
    """Why ``user`` may not add or change figures of ``article``; ``None`` when they may."""
    if not user.has_perm("newsletter.change_article") or not user.has_perm(f"newsletter.{permission}"):
        return "您没有修改这篇文章图片的权限。"
    return edit_refusal(article.issue if article.issue_id else None, user)


def add_figure(article, user, image, *, caption="", credit="", alt_text="", seen_version=None):
    """A new Figure with ``image`` appended to ``article``'s figures; returns it, numbered."""
    figure = Figure(article=article, caption=caption.strip(), credit=credit.strip(), alt_text=alt_text.strip())
    if image is None:
        raise FigureEditError("请选择要上传的图片文件。")
    if not figure.caption:
        raise FigureEditError(CAPTION_REQUIRED)
    # The stored name is made by figure_upload_to; only the extension of the sent one is kept, and a
    # long or odd name must not fail the file field's length check.
    extension = image.name.rsplit(".", 1)[-1][:8] if "." in (image.name or "") else "jpg"
    image.name = f"image.{extension}"
    figure.image = image
    figure.position = 1  # placeholder for full_clean; the real one is taken under the lock below
    _full_clean(figure)

    def write(locked_article):
        last = locked_article.figures.aggregate(last=Max("position"))["last"]
        figure.position = (last or 0) + 1
        figure.save()

    _change_article(article, user, seen_version, "添加图片", write)
    figure.refresh_from_db(fields=["number"])
    return figure


def update_figure(article, figure_id, user, changes, *, seen_version=None):
    """Change a figure's caption, credit or alt text (the fields in ``changes``) in place."""
    figure = Figure.objects.filter(pk=figure_id, article=article).first()
    if figure is None:
        raise FigureEditError("这张图片已不在本文中，请刷新页面。", status=404)
    for name in EDITABLE_FIELDS:
        if name in changes:
            setattr(figure, name, (changes[name] or "").strip())
    if not figure.caption:
        raise FigureEditError(CAPTION_REQUIRED)
    _full_clean(figure)
    _change_article(article, user, seen_version, "修改图片说明", lambda locked_article: figure.save())
    figure.refresh_from_db(fields=["number"])
    return figure


def describe(figure, article):
    """The editor's view of a figure: ``position`` is its N in ``[[figure:N]]`` (1-based, in order)."""
    order = list(article.figures.values_list("pk", flat=True))
    return {**figure_info(figure, order.index(figure.pk) + 1), "version": article.version}


def _full_clean(figure):
    try:
        figure.full_clean(exclude=["article"])
    except ValidationError as error:
        messages = []
        for name, field_messages in error.message_dict.items():
            label = Figure._meta.get_field(name).verbose_name if name != "__all__" else ""
            messages += [f"{label}：{message}" if label else message for message in field_messages]
        raise FigureEditError(" ".join(messages)) from error


def _change_article(article, user, seen_version, note, write):
    try:
        with transaction.atomic():
            lock_issues_for_edit([article.issue_id], user)
            stored = Article.objects.select_for_update().get(pk=article.pk)
            if stored.issue_id != article.issue_id:  # moved to another issue since the page was read
                lock_issues_for_edit([stored.issue_id], user)
            if not stored.revisions.exists():
                # Made outside the admin (import, demo): keep what it was before the first edit.
                revisions.record(stored, by=stored.updated_by, note="首次在后台修改前的内容", is_correction=False)
            locking.claim(stored, stored.version if seen_version is None else seen_version)
            write(stored)
            stored.updated_by, stored.updated_at = user, timezone.now()
            Article.objects.filter(pk=stored.pk).update(updated_by=user, updated_at=stored.updated_at)
            revisions.record(stored, by=user, note=note)
            article.version = stored.version
    except EditRefused as refused:
        raise FigureEditError(refused.refusal, status=403) from refused
    except locking.ConflictError as conflict:
        raise FigureEditError(str(conflict) + "请刷新页面后再插入图片。", status=409) from conflict
