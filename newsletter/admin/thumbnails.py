"""Small figure thumbnails for the admin (the article changelist and the article page's figures).

The image itself is shown, scaled down by the browser with its width and height given, from its
``/media/`` address, which ``newsletter.media`` serves to staff; no second, smaller file is kept.
"""

from django.utils.html import format_html

from ..models import Figure

LIST_BOX = (64, 48)
INLINE_BOX = (200, 150)


def fitted(width, height, box):
    """(width, height) scaled down to fit ``box`` with the same aspect ratio (never scaled up)."""
    if not width or not height:
        return box
    scale = min(box[0] / width, box[1] / height, 1)
    return max(1, round(width * scale)), max(1, round(height * scale))


def thumbnail_html(name, width, height, box, alt=""):
    if not name:
        return ""
    url = Figure._meta.get_field("image").storage.url(name)
    shown_width, shown_height = fitted(width, height, box)
    return format_html(
        '<img class="figure-thumbnail" src="{}" width="{}" height="{}" alt="{}" loading="lazy">',
        url,
        shown_width,
        shown_height,
        alt,
    )
