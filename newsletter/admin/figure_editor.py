"""What the article editor's figure extension (``static/newsletter/editor/figure_upload.js``) needs
from the server, handed to it on the body's textarea (no inline script under the admin's CSP)."""

import json

from django.urls import reverse


def figures_payload(article):
    """The article's figures as the editor shows them, in ``[[figure:N]]`` order."""
    return [figure_info(figure, index) for index, figure in enumerate(article.figures.all(), start=1)]


def widget_attrs(article):
    """``data-figure-upload`` for the body textarea: the endpoints and figures of a saved article,
    or the reason why an image cannot be inserted yet."""
    if article is None or article.pk is None:
        config = {"saved": False, "message": "请先保存文章，再插入图片。"}
    else:
        update = reverse("admin:newsletter_article_figure_update", args=[article.pk, 0])
        config = {
            "saved": True,
            "upload": reverse("admin:newsletter_article_figure_upload", args=[article.pk]),
            "fetch": reverse("admin:newsletter_article_figure_fetch", args=[article.pk]),
            "update": update[: -len("0/")] + "{id}/",
            "figures": figures_payload(article),
        }
    return {"data-figure-upload": json.dumps(config, ensure_ascii=False)}


class FigureUploadFormMixin:
    """Puts ``figure_upload_attrs`` on this form's own body widget (``ArticleAdmin.get_form`` sets
    them per request). The form's fields are its own copies; its class's may be shared by every
    request (a declared field), so the class's are never changed."""

    figure_upload_attrs = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "body" in self.fields:
            self.fields["body"].widget.attrs.update(self.figure_upload_attrs)


def figure_info(figure, position):
    """One figure as the editor shows it; ``position`` is its N in ``[[figure:N]]`` (1-based, in order)."""
    return {
        "id": figure.pk,
        "position": position,
        "number": figure.number,
        "thumbnail": figure.image.url if figure.image else "",
        "width": figure.width,
        "height": figure.height,
        "caption": figure.caption,
        "credit": figure.credit,
        "alt_text": figure.alt_text,
    }
