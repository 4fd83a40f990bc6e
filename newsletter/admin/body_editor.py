"""The article body's rich-text editor in the admin: django-prose-editor's widget holding the body as
HTML (``newsletter.body_format``'s editor schema), stored as Markdown.

django-prose-editor (ProseMirror/Tiptap) is built for the Django admin, maintained, and ships its
editor as ES modules loaded through an import map, without a build step on our side; its
"configurable" preset enables exactly the Tiptap extensions listed here, so the toolbar offers
nothing the Markdown cannot keep. The server does not trust the editor: ``EditorBodyField`` turns
whatever is posted into Markdown through ``body_format.editor_html_to_markdown``, the allow-list.
"""

from django import forms
from django.conf import settings
from django.forms.boundfield import BoundField
from django.utils.html import json_script
from django_prose_editor.config import DEFAULT_MENU_GROUPS
from django_prose_editor.widgets import AdminProseEditorWidget
from js_asset import Media

from ..body_format import editor_html_to_markdown, external_images, markdown_to_editor_html
from ..models import Article

LINK_PROTOCOLS = ["http", "https", "mailto"]
FIGURES_DATA_ID = "newsletter-figures"


def _custom_extensions():
    """Our Tiptap extensions declared in ``DJANGO_PROSE_EDITOR_EXTENSIONS`` (each helper adds its own
    module there; an extension is enabled only once its module is declared)."""
    names = {}
    for group in getattr(settings, "DJANGO_PROSE_EDITOR_EXTENSIONS", []):
        for name in group.get("extensions", {}):
            names[name] = True
    return names


def editor_config():
    return {
        "extensions": {
            "Paragraph": True,
            "Heading": {"levels": [2, 3]},
            "Bold": True,
            "Italic": True,
            "BulletList": True,
            "OrderedList": True,
            "ListItem": True,
            "Blockquote": True,
            "Table": True,
            "TableRow": True,
            "TableHeader": True,
            "TableCell": True,
            "Link": {"protocols": LINK_PROTOCOLS, "enableTarget": False},
            "History": True,
            # The library's toolbar groups, and a menu of the article's figures to place in the text.
            "Menu": {"groups": [*DEFAULT_MENU_GROUPS, {"group": "newsletterFigure"}]},
            **_custom_extensions(),
        }
    }


def figure_processor(extension_config, shared_config):
    """django-prose-editor's allow-list processor for ``NewsletterFigure`` (used only if its nh3
    sanitiser is ever enabled; ours is ``body_format``): ``<figure data-figure="N">``."""
    shared_config["tags"].add("figure")
    shared_config["attributes"].setdefault("figure", set()).add("data-figure")


def no_markup_processor(extension_config, shared_config):
    """For extensions that add behaviour, not markup (upload, paste)."""


def figures_data(article):
    """What the editor's figure blocks show, by position (1-based, the order of ``[[figure:N]]``)."""
    if article is None or article.pk is None:
        return []
    return [
        {
            "position": position,
            "id": figure.pk,
            "number": figure.number,
            "url": figure.image.url if figure.image else "",
            "caption": figure.caption,
            "credit": figure.credit,
            "needs_image": not figure.image,
        }
        for position, figure in enumerate(article.figures.all(), start=1)
    ]


class BodyEditorWidget(AdminProseEditorWidget):
    """The editor, followed by the article's figures as JSON for its figure blocks (a data block,
    which the admin's CSP allows, read by static/newsletter/editor/figures.js)."""

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, config=editor_config(), preset="configurable")
        self.figures = []

    @property
    def media(self):
        return super().media + Media(css={"all": ["newsletter/editor/editor.css"]})

    def render(self, name, value, attrs=None, renderer=None):
        return super().render(name, value, attrs, renderer) + json_script(self.figures, FIGURES_DATA_ID)


class EditorBoundField(BoundField):
    def value(self):
        # The stored Markdown is shown as the editor's HTML; after a refused POST, what was posted.
        if not self.form.is_bound:
            return markdown_to_editor_html(self.initial or "")
        return super().value()


class EditorBodyField(forms.CharField):
    """The body: editor HTML in, canonical Markdown out (``has_changed`` compares the Markdown)."""

    widget = BodyEditorWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        body = Article._meta.get_field("body")
        kwargs.setdefault("label", body.verbose_name)
        kwargs.setdefault("help_text", body.help_text)
        super().__init__(strip=False, **kwargs)

    def get_bound_field(self, form, field_name):
        return EditorBoundField(form, self, field_name)

    def to_python(self, value):
        if value in self.empty_values:
            return ""
        return editor_html_to_markdown(str(value))

    def clean(self, value):
        images = external_images(value or "")
        if images:
            raise forms.ValidationError(
                "正文中有 %(count)d 张外部图片还没有上传：%(first)s。请上传或删除后再保存。",
                code="external_images",
                params={"count": len(images), "first": images[0]},
            )
        return super().clean(value)
