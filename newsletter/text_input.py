"""Text is normalised once, where it enters; every output (HTML, feeds, PDF, JSON) is then safe by construction.

Editors paste from Word (whose manual line break is U+000B), web pages (NBSP, zero-width spaces) and
PDF conversions (form feeds); none of these belong in a title, and the C0 controls and U+FFFE/FFFF
cannot be written to XML at all, so one of them in a name used to make every feed answer 500.

Two rules:

* ``single_line`` (titles, names, captions, alt texts — every CharField): each line-break-like
  character, tab and NBSP becomes a space, other controls and zero-width characters go, runs of
  spaces collapse to one, and the ends are trimmed. Bidirectional overrides, embeddings and
  isolates (U+202A–U+202E, U+2066–U+2069) go too.
* ``multi_line`` (body, summary, descriptions, comments — every TextField): CRLF/CR become LF, a
  manual line break (U+000B, U+2028, U+0085) becomes LF, a paragraph separator (U+2029) a blank
  line, NBSP a space; other controls except tab and LF, U+FFFE/U+FFFF, lone surrogates,
  zero-width characters and bidirectional overrides/embeddings/isolates go.

Widths are left alone: Chinese punctuation (，。：) stays full-width and no NFKC folding is done, so
Chinese text is unchanged apart from the characters above.

``connect()`` applies the rules in ``pre_save`` to every editable CharField and TextField of the
project's models (apps ``newsletter`` and ``regions``), so the admin, the importer's single saves,
revisions, scripts and the demo loader all go through it; the importer normalises the whole file
when it reads it (``import_file``), which covers what it writes with ``bulk_create``.
"""

import re

from django.apps import apps
from django.db import models
from taggit.managers import _TaggableManager

PROJECT_APPS = ("newsletter", "regions")
# Derived from already-normalised rows when they are rendered; never typed.
DERIVED_MODELS = {("newsletter", "issuerendition")}

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
# Bidirectional embeddings, overrides and isolates: invisible, and able to show a title or a name
# reversed ("Trojan source"); a Chinese newsletter never needs them. They go like zero-width ones.
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
# What XML 1.0 cannot carry: C0 controls other than tab, LF and CR, the noncharacters U+FFFE and
# U+FFFF, and surrogates (a lone one can reach us from a JSON \ud800 escape or a bad decoder).
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# Anything a rule would change; most text has none of it and is returned as it is.
_SPECIAL = re.compile(f"[\x00-\x1f\x85\xa0\u2028\u2029{ZERO_WIDTH}{BIDI_CONTROLS}\ufffe\uffff\ud800-\udfff]")
_MULTI_SPECIAL = re.compile(
    f"[\x00-\x08\x0b-\x1f\x85\xa0\u2028\u2029{ZERO_WIDTH}{BIDI_CONTROLS}\ufffe\uffff\ud800-\udfff]"
)
_SINGLE_TO_SPACE = re.compile("[\t\n\x0b\x0c\r\x1c-\x1e\x85\xa0\u2028\u2029]")
_SINGLE_DROP = re.compile(f"[\x00-\x08\x0e-\x1b\x1f{ZERO_WIDTH}{BIDI_CONTROLS}\ufffe\uffff\ud800-\udfff]")
_MULTI_DROP = re.compile(f"[\x00-\x08\x0c\x0e-\x1f{ZERO_WIDTH}{BIDI_CONTROLS}\ufffe\uffff\ud800-\udfff]")
_MULTI_MAP = str.maketrans({"\x0b": "\n", "\u2028": "\n", "\x85": "\n", "\u2029": "\n\n", "\xa0": " "})
_SOFT_BREAK_TO_SPACE = str.maketrans({"\x0b": " ", "\u2028": " ", "\x85": " "})
_SPACES = re.compile(" {2,}")


def single_line(text):
    """A title, name or caption: one line of plain text (see the module docstring)."""
    if not text:
        return text
    if _SPECIAL.search(text):
        text = _SINGLE_DROP.sub("", _SINGLE_TO_SPACE.sub(" ", text))
    if "  " in text:
        text = _SPACES.sub(" ", text)
    return text.strip(" ")


def multi_line(text):
    """A body, summary or description: lines and paragraphs kept, everything else as in ``single_line``."""
    if not text or not _MULTI_SPECIAL.search(text):
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_MULTI_MAP)
    return _MULTI_DROP.sub("", text)


def import_file(text):
    """A whole import file, whose lines are records (a title, a name, a marker, a paragraph): the
    multi-line rule, except that a soft line break (U+000B, U+2028, U+0085) is a space there, as in a
    title typed in the admin, so that it cannot cut a title or a name in two. In a paragraph that
    renders the same as the line break the body rule makes of it (Markdown joins the lines)."""
    if not text:
        return text
    return multi_line(text.translate(_SOFT_BREAK_TO_SPACE))


def xml_safe(text):
    """``text`` without the characters XML 1.0 cannot carry: for outputs fed from rows written before
    the rules above existed, or by ``QuerySet.update()``, which sends no signal."""
    return XML_ILLEGAL.sub("", text) if text else text


def parse_tags(string):
    """django-taggit's tag parser (``TAGGIT_TAGS_FROM_STRING``) on normalised names, so a tag typed with a
    control character is found under its clean name instead of being created a second time."""
    from taggit.utils import _parse_tags

    return [name for name in (single_line(tag) for tag in _parse_tags(multi_line(string))) if name]


def _tag_names(tags):
    return [single_line(tag) if isinstance(tag, str) else tag for tag in tags]


class NormalisedTags(_TaggableManager):
    """Tag lookups by name use the names as saved: ``article.topics.add("碳\t市场")`` finds the tag
    "碳 市场" (its pre_save made it so) instead of failing to, and then creating it a second time."""

    def add(self, *tags, **kwargs):
        return super().add(*_tag_names(tags), **kwargs)

    def set(self, tags, **kwargs):
        return super().set(_tag_names(tags), **kwargs)

    def remove(self, *tags):
        return super().remove(*_tag_names(tags))


_fields_by_model = {}


def _text_fields(model):
    """(single-line attnames, multi-line attnames) of one model, worked out once."""
    try:
        return _fields_by_model[model]
    except KeyError:
        pass
    single, multi = [], []
    if (model._meta.app_label, model._meta.model_name) not in DERIVED_MODELS:
        for field in model._meta.concrete_fields:
            if not field.editable or field.choices:
                continue
            if isinstance(field, models.TextField):
                multi.append(field.attname)
            elif isinstance(field, models.CharField):
                single.append(field.attname)
    _fields_by_model[model] = (tuple(single), tuple(multi))
    return _fields_by_model[model]


def normalise(instance, update_fields=None):
    """Apply the rules to the text fields of ``instance`` (only ``update_fields`` when given)."""
    single, multi = _text_fields(type(instance))
    for names, rule in ((single, single_line), (multi, multi_line)):
        for name in names:
            if update_fields is not None and name not in update_fields:
                continue
            value = getattr(instance, name)
            if isinstance(value, str):
                setattr(instance, name, rule(value))


class CleanTextModel:
    """Model mixin: validation sees the text as it will be saved. A ModelForm checks uniqueness on the
    instance after ``full_clean()``; normalising only in ``pre_save`` would let "上\u200b海" pass that
    check beside an existing "上海" and then fail at the database (a 500 instead of the form's error)."""

    def clean_fields(self, exclude=None):
        normalise(self)
        super().clean_fields(exclude)


def _on_pre_save(sender, instance, update_fields=None, **kwargs):
    normalise(instance, update_fields)


def connect():
    from django.db.models.signals import pre_save

    for app_label in PROJECT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            pre_save.connect(_on_pre_save, sender=model, dispatch_uid=f"text-input-{app_label}-{model.__name__}")
