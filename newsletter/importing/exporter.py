"""An issue → the print edition's text format (clean Markdown) or the shared JSON schema.

The Markdown is what the importer reads: importing an export gives the same issue back.
"""

import json
import re

from django.db.models import Prefetch

from ..models import Article, Figure, Issue, Source
from ..models.sections import section_rank
from .schema import ArticleData, FigureData, IssueData, SectionData, SourceData

FIGURE_MARKER = re.compile(r"^\[\[figure:(\d+)\]\]$")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
REGION_LEAD = re.compile(r"^【\s*([^【】\s]{1,20})\s*】")
LIST_LINE = re.compile(r"^(?:[-*+]\s|\d{1,3}[.、)）]\s|[（(]\d{1,2}[）)])")


def load_for_export(issue_or_pk):
    """The issue with everything the export reads, in a fixed small number of queries."""
    pk = issue_or_pk.pk if isinstance(issue_or_pk, Issue) else issue_or_pk
    return (
        Issue.objects.select_related("publication")
        .prefetch_related(
            "hosts",
            "credits__editor",
            Prefetch(
                "articles", queryset=Article.objects.select_related("section").annotate(section_rank=section_rank())
            ),
            "articles__regions",
            Prefetch("articles__sources", queryset=Source.objects.select_related("outlet")),
            Prefetch("articles__figures", queryset=Figure.objects.order_by("position", "pk")),
        )
        .get(pk=pk)
    )


def issue_data(issue):
    """The issue as ``IssueData`` (what ``--format json`` prints)."""
    publication = issue.publication
    credits = list(issue.credits.all())
    sections = []
    for region, articles in issue.sections():
        section = SectionData(region=region.name if region else "")
        for article in articles:
            section.articles.append(_article_data(article))
        sections.append(section)
    return IssueData(
        publication=publication.name,
        year=issue.year,
        number=issue.number,
        total_number=issue.total_number,
        issue_date=issue.issue_date,
        hosts=issue.host_names(),
        editors=[c.editor.name for c in sorted(credits, key=_credit_order) if c.role == "editor"],
        coordinators=[c.editor.name for c in sorted(credits, key=_credit_order) if c.role == "coordinator"],
        phone=issue.phone,
        fax=issue.fax,
        editor_note=_note(issue.editor_note),
        sections=sections,
        subtitle=publication.subtitle,
        slogan=publication.slogan,
    )


def _note(text):
    """The 编者按 as Markdown paragraphs, one blank line between them (the text format's rule)."""
    return "\n\n".join(_blocks((text or "").replace("\r\n", "\n")))


def _credit_order(credit):
    return (credit.position, credit.pk)


def _article_data(article):
    body = (article.body or "").replace("\r\n", "\n").strip()
    subheadings = [m.group(2) for m in (HEADING.match(line) for line in _blocks(body)) if m]
    in_body = []
    for block in _blocks(body):
        lead = REGION_LEAD.match(block)
        if lead and lead.group(1) not in in_body:
            in_body.append(lead.group(1))
    names = [r.name for r in article.regions.all()]
    tags = [name for name in in_body if name in names] + sorted(name for name in names if name not in in_body)
    return ArticleData(
        title=article.title,
        toc_title=article.toc_title,
        sources=[SourceData(outlet=s.outlet.name, date=s.date) for s in article.sources.all()],
        subheadings=subheadings,
        figures=[FigureData(caption=f.caption, credit=f.credit, alt=f.alt_text) for f in article.figures.all()],
        region_tags=tags,
        body_markdown=body,
    )


def _blocks(body):
    return [block.strip() for block in re.split(r"\n\s*\n", body) if block.strip()]


def export_json(issue):
    return json.dumps(issue_data(issue).to_json(), ensure_ascii=False, indent=2) + "\n"


def export_markdown(issue):
    """The issue in the print edition's layout, without the conversion's damage."""
    publication = issue.publication
    data = issue_data(issue)
    out = [
        f"{issue.year} 年第 {issue.number} 期",
        f"(总第 {issue.total_number} 期)",
        f"{issue.issue_date.month} 月 {issue.issue_date.day} 日印发",
        f"# {publication.name}",
    ]
    if publication.subtitle:
        out.append(f"## {publication.subtitle}")
    toc = []
    for section in data.sections:
        titles = [a.toc_title for a in section.articles]
        toc.append(f"- 【{section.region}】 " + "  \n".join(titles))
    out.append("\n".join(toc))
    masthead = []
    if data.hosts:
        masthead.append("主办  \n" + "  \n".join(data.hosts))
    people = []
    if data.editors:
        people.append("编辑  \n" + " ".join(data.editors))
    if data.coordinators:
        people.append("统筹  \n" + " ".join(data.coordinators))
    if people:
        masthead.append("  \n".join(people))
    contact = []
    if data.phone:
        contact.append(f"电话  \n{data.phone}")
    if data.fax:
        contact.append(f"传真  \n{data.fax}")
    if contact:
        masthead.append("  \n".join(contact))
    out += masthead
    if data.editor_note:
        out.append(data.editor_note)  # between the masthead block and the first section

    for section, (_, articles) in zip(data.sections, issue.sections(), strict=True):
        out.append(f"## 【{section.region}】")
        for item, article in zip(section.articles, articles, strict=True):
            out.append(f"### {item.title}")
            numbers = [f.number for f in article.figures.all()]
            body = _body_for_print(item, numbers, article.source_line())
            if body:
                out.append(body)
    out.append(f"# {publication.name}")
    if publication.subtitle:
        out.append(f"## —— {publication.subtitle} ——")
    if publication.slogan:
        out.append(publication.slogan)
    return "\n\n".join(out) + "\n"


def _body_for_print(item, numbers, source_line):
    blocks = []
    placed = set()
    for block in _blocks(item.body_markdown):
        marker = FIGURE_MARKER.match(block)
        heading = HEADING.match(block)
        if marker:
            index = int(marker.group(1))
            if 1 <= index <= len(item.figures):
                placed.add(index)
                blocks.append(_caption(index, item, numbers))
        elif heading:
            blocks.append("#" * min(len(heading.group(1)) + 2, 6) + " " + heading.group(2))
        else:
            blocks.append(block)
    # Figures the body does not place follow it, as on the web page.
    blocks += [_caption(i, item, numbers) for i in range(1, len(item.figures) + 1) if i not in placed]
    if source_line:
        last = blocks[-1] if blocks else ""
        if last and not last.startswith(("#", "图 ", "|", ">")) and not LIST_LINE.match(last.splitlines()[-1]):
            blocks[-1] = last + source_line
        else:
            blocks.append(source_line)
    return "\n\n".join(blocks)


def _caption(index, item, numbers):
    number = numbers[index - 1] if index - 1 < len(numbers) and numbers[index - 1] else index
    figure = item.figures[index - 1]
    # The credit on the line under the caption, as the print edition sets it and the parser reads it.
    credit = f"\n图片来源：{figure.credit}" if figure.credit else ""
    return f"图 {number} {figure.caption}{credit}"
