"""``IssueData`` → database rows, one file per transaction: a file that fails writes nothing."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from regions.slugs import pinyin_slug

from ..models import (
    Article,
    ArticleRegion,
    Editor,
    Figure,
    Issue,
    IssueCredit,
    IssueHost,
    IssueSection,
    Outlet,
    Source,
)
from ..models.article import derived_fields
from ..models.sources import normalize_outlet_name
from .publications import check_replaceable, complete_publication, publication_from_file
from .publications import resolve_publication as resolve_publication  # the import command reads it from here
from .region_rows import Regions
from .schema import ImportFailure


@dataclass
class LoadResult:
    issue: Issue
    new_regions: list[str] = field(default_factory=list)
    replaced: bool = False
    notes: list[str] = field(default_factory=list)
    new_outlets: list[str] = field(default_factory=list)  # names of the outlets this load created
    figures: list = field(default_factory=list)  # the Figure rows written, in the file's order

    @property
    def article_count(self):
        return self.issue.articles.count()


def load_issue(data, *, publication=None, replace=False, filename="", prepared=None):
    """Write one parsed issue as a draft, in one transaction. Raises ``ImportFailure`` on bad input.

    ``prepared`` is what ``prepare(data)`` returned, when it was computed beforehand (see ahead.py).
    """
    try:
        with transaction.atomic():
            return _load(data, publication, replace, filename, prepared)
    except ValidationError as error:
        messages = "；".join(error.messages)
        raise ImportFailure(f"数据不符合要求：{messages}", filename=filename) from error


def _load(data, publication, replace, filename, prepared):
    result_notes = []
    _check_issue_lengths(data, filename)
    if publication is None:
        publication = publication_from_file(data)
    else:
        result_notes += complete_publication(publication, data)
    old = check_replaceable(publication, data, replace=replace, filename=filename)
    if old is not None:
        old.articles.all().delete()  # Article.issue is SET_NULL: an issue's articles go with it explicitly
        old.delete()

    issue = Issue(
        publication=publication,
        year=data.year,
        number=data.number,
        total_number=data.total_number,
        issue_date=data.issue_date,
        status=Issue.Status.DRAFT,
        # The masthead as this issue printed it: the issue owns it (the publication's is a default).
        phone=data.phone,
        fax=data.fax,
        editor_note=data.editor_note,
    )
    _save_checked(issue)
    IssueHost.objects.bulk_create(
        IssueHost(issue=issue, name=name, position=position) for position, name in enumerate(dict.fromkeys(data.hosts))
    )
    # Rows are written in bulk where the model has no save() logic: 300 back issues must load in minutes.
    credits = []
    # Editor.name is unique: the known editors come in one query, get_or_create adds the others.
    editors = {editor.name: editor for editor in Editor.objects.filter(name__in=[*data.editors, *data.coordinators])}
    for role, names in ((IssueCredit.Role.EDITOR, data.editors), (IssueCredit.Role.COORDINATOR, data.coordinators)):
        for position, name in enumerate(dict.fromkeys(names)):
            editor = editors.get(name) or Editor.objects.get_or_create(name=name)[0]
            editors[name] = editor
            credits.append(IssueCredit(issue=issue, editor=editor, role=role, position=position))
    IssueCredit.objects.bulk_create(credits)
    outlets = {}

    regions = Regions()
    result_notes += regions.order_notices(data.sections) + regions.repeat_notices(data.sections)
    sections = [regions.section(section.region) for section in data.sections]
    # The issue's section order is the file's (its table of contents); no other issue is touched.
    order = list({region.pk: region for region in sections}.values())
    IssueSection.objects.bulk_create(
        IssueSection(issue=issue, region=region, position=position) for position, region in enumerate(order, start=1)
    )
    # Articles are written in bulk, their stored texts computed once each from the rows in hand with
    # the formula every writer uses (models.article.derived_fields), instead of through
    # Article.save() and the signals of each source, figure and tag: 300 back issues must load in
    # well under a minute.
    articles, slugs = [], set()
    prepared = prepared or [None] * len(data.articles())
    # A section the table of contents lists twice is one section of the issue, at its first place:
    # its articles are counted on across the repeats (Regions.repeat_notices says so).
    counted = {}
    for section, region in zip(data.sections, sections, strict=True):
        for item in section.articles:
            position = counted[region.pk] = counted.get(region.pk, 0) + 1
            _check_lengths(item, filename)
            article = _article(item, issue=issue, section=region, position=position)
            ready = prepared[len(articles)]
            # The issue is new: only this file's own articles can share a slug (Article.save()'s base rule).
            article.slug = _unique(ready.slug if ready else _base_slug(item.title), slugs)
            articles.append((item, article))

    # Outlets that already exist come in one query; get_for_name creates the others.
    wanted = {source.outlet: normalize_outlet_name(source.outlet) for item, _ in articles for source in item.sources}
    known = {outlet.name: outlet for outlet in Outlet.objects.filter(name__in=set(wanted.values()))}
    new_outlets = _outlets(wanted, known, outlets)

    sources, figures, tags = [], [], []
    by_article = {}  # id(article) → its sources and figures in their model ordering (position)
    item_tags = {}  # id(article) → the names of its region tags
    for item, article in articles:
        article_sources, article_figures = [], []
        for index, source in enumerate(item.sources):
            article_sources.append(
                Source(article=article, outlet=outlets[source.outlet], date=source.date, position=index)
            )
        for index, figure in enumerate(item.figures, start=1):
            article_figures.append(_figure(figure, article=article, position=index))
        sources += article_sources
        figures += article_figures
        by_article[id(article)] = (article_sources, article_figures)
        item_tags[id(article)] = region_tags(item, article.section.name)
        for name in item_tags[id(article)]:
            tags.append(ArticleRegion(content_object=article, tag=regions.tag(name)))
    _number_figures(articles, by_article, order)
    # The stored texts are computed before the articles are written: one INSERT with the final
    # texts, instead of an INSERT, two queries and an UPDATE per article (on PostgreSQL each write of
    # search_text also recomputes its bigram index entry). Texts prepared beforehand are used when
    # they were made from the same figure numbers and outlet names.
    for (_, article), ready in zip(articles, prepared, strict=True):
        article_sources, article_figures = by_article[id(article)]
        outlet_names = [source.outlet.name for source in article_sources]
        if ready and ready.numbers == [f.number for f in article_figures] and ready.outlets == outlet_names:
            fields = ready.fields
        else:
            fields = stored_texts(article, article.section.name, article_figures, outlet_names, item_tags[id(article)])
        for name, value in fields.items():
            setattr(article, name, value)
    Article.objects.bulk_create([article for _, article in articles])
    Source.objects.bulk_create(sources)  # their article now has a primary key
    Figure.objects.bulk_create(figures)  # no image yet, so Figure.save() has nothing to validate
    ArticleRegion.objects.bulk_create(tags)
    return LoadResult(
        issue=issue,
        new_regions=regions.created,
        replaced=old is not None,
        notes=result_notes,
        new_outlets=new_outlets,
        figures=figures,
    )


def _outlets(wanted, known, outlets):
    """Fill ``outlets`` (name in the file → Outlet); the ones missing are created: their names are returned."""
    created = []
    for raw, name in wanted.items():
        outlet = known.get(name)
        if outlet is None:
            outlet = known[name] = Outlet.get_for_name(raw)
            created.append(outlet.name)
        outlets[raw] = outlet
    return created


def stored_texts(article, section_name, figures, outlet_names, tag_names):
    """What ``Article.save()`` and newsletter.derived store, from the rows in hand instead of the
    database (tests/test_perf_import.py checks that both agree). An import adds no topics."""
    return derived_fields(article, section=section_name, figures=figures, outlets=outlet_names, regions=tag_names)


def region_tags(item, section_name):
    """The region tags an article gets: the file's tags except its own section."""
    return [name for name in dict.fromkeys(item.region_tags) if name != section_name]


@dataclass
class PreparedArticle:
    slug: str  # before the issue's own articles make it unique
    numbers: list  # the figure numbers and outlet names the fields were computed with
    outlets: list
    fields: dict


def prepare(data):
    """Each article's slug and stored texts, computed without the database, so that it can be done
    while the previous file is written. It assumes figures numbered in file order (the issue's print
    order, unless the file repeats a section further on) and outlets named as
    ``normalize_outlet_name()`` names them; ``_load`` checks both and computes again what was made
    from other values."""
    prepared, number = [], 0
    for section in data.sections:
        for item in section.articles:
            article = _article(item)
            figures = [_figure(f, position=i, number=number + i) for i, f in enumerate(item.figures, 1)]
            number += len(figures)
            outlets = [normalize_outlet_name(source.outlet) for source in item.sources]
            numbers = [figure.number for figure in figures]
            tags = region_tags(item, section.region)
            fields = stored_texts(article, section.region, figures, outlets, tags)
            prepared.append(PreparedArticle(_base_slug(item.title), numbers, outlets, fields))
    return prepared


def _article(item, **fields):
    short_title = item.toc_title if item.toc_title and item.toc_title != item.title else ""
    return Article(title=item.title, short_title=short_title, body=item.body_markdown, **fields)


def _figure(item, **fields):
    """A figure row from the file's figure: caption, credit and alt text (its image, if the file has
    one, is attached after the load by ``runner.check_images``)."""
    return Figure(caption=item.caption, credit=item.credit, alt_text=item.alt, **fields)


def _base_slug(title):
    return pinyin_slug(title, separator="-", max_length=70) or "article"


def _save_checked(issue):
    """``full_clean()`` and ``save()`` for the new issue in three round trips instead of eighteen.

    The field rules and ``Issue.clean()`` run in Python as always; the publication was just read or
    created in this transaction, so its existence is not re-checked. The rules the database keeps
    (unique numbers, check constraints: a query and two savepoint commands each in ``full_clean``)
    are left to the INSERT, in a savepoint. When anything fails, the whole ``full_clean()`` runs and
    raises the ``ValidationError`` it always raised, so bad input gets the same messages as before.
    """
    try:
        issue.full_clean(exclude=["publication"], validate_constraints=False)
        with transaction.atomic():
            issue.save()
    except (ValidationError, IntegrityError):
        issue.full_clean()
        raise


def _number_figures(articles, by_article, order):
    """Figure numbers run through the issue in print order (what ``newsletter.derived.renumber_figures()`` gives).

    Print order is the issue's section order, ``order`` (the file's, as its ``IssueSection`` rows
    store it): computed here so that each body is rendered once, with its final captions.
    """
    rank = {region.pk: position for position, region in enumerate(order, start=1)}
    in_print_order = sorted(
        enumerate(article for _, article in articles),
        key=lambda pair: (rank[pair[1].section.pk], pair[1].section.pk, pair[1].position, pair[0]),
    )
    number = 0
    for _, article in in_print_order:
        for figure in by_article[id(article)][1]:
            number += 1
            figure.number = number


def _unique(base, taken):
    """Article.save()'s slug rule (base, base-2, base-3 …) applied among the articles of one new issue."""
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _too_long(label, value, limit, filename):
    if len(value) > limit:
        raise ImportFailure(f"{label}超过 {limit} 字：“{value[:30]}…”。", filename=filename)


def _check_issue_lengths(data, filename):
    """The names the issue writes besides its articles' (their columns' limits), before anything is written."""
    for name in data.hosts:
        _too_long("主办单位名称", name, 100, filename)
    for label, names in (("编辑姓名", data.editors), ("统筹姓名", data.coordinators)):
        for name in names:
            _too_long(label, name, 50, filename)
    for section in data.sections:
        _too_long("栏目名称", section.region, 100, filename)
        for item in section.articles:
            for name in item.region_tags:
                _too_long("地区标签名称", name, 100, filename)


def _check_lengths(item, filename):
    for label, value, limit in (("文章标题", item.title, 200), ("文章目录标题", item.toc_title, 200)):
        _too_long(label, value, limit, filename)
    for figure in item.figures:
        _too_long("图注", figure.caption, 300, filename)
        _too_long("图片来源", figure.credit, 200, filename)
        _too_long("替代文字", figure.alt, 300, filename)
    for source in item.sources:
        _too_long("来源媒体名称", source.outlet, 100, filename)
