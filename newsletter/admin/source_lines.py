"""The article page's 「来源（一行）」 field: a pasted print source line replaces the Source rows.

The line is read by ``newsletter.source_line`` (the importer's rule). It is checked with the rest of
the form, so a date that does not exist refuses the whole save with the message next to the field;
the rows are replaced in ``ArticleAdmin.save_related``, inside the admin's transaction, so an article
is never saved with half of its new sources. An unchanged line (the same outlets and dates, however
spaced) leaves the rows alone, so the addresses and any row edited one by one are kept.
"""

import datetime
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet

from ..models import Outlet, Source
from ..models.article import format_source_line
from ..source_line import SourceLineError, outlet_key, parse_source_line

FIELD = "source_line"


def reference_date(issue):
    """A date printed without its year (12月10日) takes it from the issue; for an unplaced article, today."""
    return issue.issue_date if issue is not None and issue.issue_date else datetime.date.today()


def issue_of(article):
    return article.issue if article.issue_id else None


def current_rows(article):
    if not article.pk:
        return []
    return list(Source.objects.filter(article=article).select_related("outlet").order_by("position", "pk"))


def planned_sources(article, line, issue):
    """The sources ``line`` gives ``article`` (placed in ``issue``), or None when they are the ones it
    already has. Raises ``SourceLineError`` for a line that cannot be read."""
    parsed = parse_source_line(line, reference_date=reference_date(issue))
    limit = Outlet._meta.get_field("name").max_length
    for source in parsed:
        # The importer reports a long name when it loads; the admin before it writes anything.
        if len(source.outlet) > limit:
            raise SourceLineError(f"媒体名称“{source.outlet[:20]}…”超过 {limit} 字。")
    existing = [(outlet_key(row.outlet.name), row.date) for row in current_rows(article)]
    if [(outlet_key(source.outlet), source.date) for source in parsed] == existing:
        return None
    return parsed


class SourceLineFormMixin(forms.ModelForm):
    source_line = forms.CharField(
        label="来源（一行）",
        required=False,
        max_length=2000,
        widget=forms.TextInput(
            attrs={"class": "vLargeTextField", "placeholder": "（金融时报 中央财经大学绿色金融国际研究院 20241210）"}
        ),
        help_text=(
            "粘贴印刷版文末的来源行，保存时会替换下方的来源，新的媒体会自动创建。"
            "日期可写作 20241210、2024-12-10、2024年12月10日 或 12月10日（年份取自本期）；"
            "多个来源可用空格、顿号或分号隔开。清空此栏并保存会删除全部来源。"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[FIELD].initial = format_source_line(current_rows(self.instance))
        self.source_replacement = None

    def clean(self):
        cleaned = super().clean()
        # A client that does not send the field (a script, an older page) leaves the sources alone.
        if FIELD in self.data and FIELD not in self.errors:
            # The issue chosen on the page, read without touching the instance: the admin decides
            # from the stored issue whether the page it shows again may be edited.
            issue = cleaned["issue"] if "issue" in cleaned else issue_of(self.instance)
            try:
                self.source_replacement = planned_sources(self.instance, cleaned.get(FIELD, ""), issue)
            except SourceLineError as error:
                self.add_error(FIELD, str(error))
        return cleaned


class SourceFormSet(BaseInlineFormSet):
    """Refuses a page on which both the line and the rows were changed: one of the two would be lost."""

    def clean(self):
        super().clean()
        line = self.data.get(FIELD)
        if line is None or not self.has_changed():
            return
        try:
            replacement = planned_sources(self.instance, line, issue_of(self.instance))
        except SourceLineError:
            return  # the field itself reports it
        if replacement is not None:
            raise ValidationError("您同时修改了「来源（一行）」和下方的来源，请只改其中一处后再保存。")


def replace_sources(article, parsed):
    """Make ``parsed`` the article's Source rows; outlets are matched by name whatever the width, case
    and spacing, and created when new. An address the line does not give is kept from the old row of
    the same outlet."""
    old = current_rows(article)
    old_urls = {outlet_key(row.outlet.name): row.url for row in old if row.url}
    outlets = outlets_for([source.outlet for source in parsed])
    for row in old:
        row.delete()
    for position, source in enumerate(parsed):
        key = outlet_key(source.outlet)
        Source.objects.create(
            article=article,
            outlet=outlets[key],
            date=source.date,
            url=source.url or old_urls.get(key, ""),
            position=position,
        )


def outlets_for(names):
    """{outlet_key: Outlet} for ``names``, existing ones found in one query, the others created."""
    keys = {outlet_key(name): name for name in names}
    query = Q()
    for name in keys.values():
        query |= Q(name__iexact=name) | Q(name__iexact=_folded(name)) | Q(name__iexact=_full_width(_folded(name)))
    found = {}
    for outlet in Outlet.objects.filter(query).order_by("pk"):
        found.setdefault(outlet_key(outlet.name), outlet)
    for key, name in keys.items():
        if key not in found:
            found[key] = Outlet.get_for_name(name)
    return found


def _folded(name):
    return unicodedata.normalize("NFKC", name)


def _full_width(name):
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in name)
