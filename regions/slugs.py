"""Pinyin slugs: readable ASCII URLs for Chinese names (区域 → quyu, 上海 → shanghai)."""

from django.utils.text import slugify


def pinyin_slug(text, *, separator="", max_length=50):
    """Return an ASCII slug for ``text``.

    ``separator`` goes between syllables: names read well joined ("shanghai"); long titles need
    hyphens to stay legible. Latin letters and digits pass through (lazy_pinyin returns non-Han
    runs unchanged). A slug that must be cut is cut at a hyphen, never mid-syllable.
    """
    # Imported here: pypinyin's dictionaries take ~55 MB, which a web worker that only serves pages
    # (and never saves a title) should not carry.
    from pypinyin import Style, lazy_pinyin

    slug = slugify(separator.join(lazy_pinyin(str(text), style=Style.NORMAL)))
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:max_length]
    return slug.strip("-")
