"""The issue board: an issue as readers will see it, section by section, with what each article still
lacks, its length, and the print edition's projected page count against the publication's budget.

Pure reading: no writes, no URLs, no requests (the admin lays it out, ``newsletter.admin.board``
moves articles). Read the issue through ``Issue.objects.with_contents()`` and the board costs one
query of its own (the sections an article can be moved to), whatever the issue's size.
"""

import re
from dataclasses import dataclass, field

from regions.models import Region

from . import page_budget, rendering

NO_SOURCE = "无来源"
FIGURE_WITHOUT_IMAGE = "图缺图片"
EMPTY_BODY = "正文为空"
NO_SECTION = "未选栏目"
UNASSIGNED_SECTION_NAME = "未选栏目"


@dataclass
class Card:
    """One article on the board."""

    id: int
    title: str
    section_id: int | None
    position: int
    version: int
    characters: int
    source_line: str
    figures: int
    figures_without_image: int
    badges: list = field(default_factory=list)


@dataclass
class Section:
    id: int | None  # None: the articles that have no section yet
    name: str
    cards: list = field(default_factory=list)


@dataclass
class Board:
    sections: list
    characters: int
    projected_pages: int
    page_budget: int
    choices: list  # [(region id, name)] an article can be moved to, in print order

    @property
    def over_budget(self):
        return self.projected_pages > self.page_budget

    @property
    def articles(self):
        return sum(len(section.cards) for section in self.sections)


def body_characters(body_html):
    """Characters of the body as readers read it: no markup, no white space, figure captions excluded."""
    without_figures = re.sub(r"<figure\b.*?</figure>", "", body_html or "", flags=re.S)
    return len("".join(rendering.plain_text(without_figures).split()))


def card_for(article):
    figures = list(article.figures.all())
    source_line = article.source_line()
    badges = []
    if not source_line:
        badges.append(NO_SOURCE)
    missing_images = sum(1 for figure in figures if not figure.image)
    if missing_images:
        badges.append(FIGURE_WITHOUT_IMAGE)
    if not article.body.strip():
        badges.append(EMPTY_BODY)
    if article.section_id is None:
        badges.append(NO_SECTION)
    return Card(
        id=article.pk,
        title=article.title,
        section_id=article.section_id,
        position=article.position,
        version=article.version,
        characters=body_characters(article.body_html),
        source_line=source_line,
        figures=len(figures),
        figures_without_image=missing_images,
        badges=badges,
    )


def section_choices(issue_sections=()):
    """The sections an article can be moved to: this issue's, in its own order, then every other
    region used as a section so far, in the site-wide order (one query)."""
    used = Region.objects.filter(section_articles__isnull=False).distinct().ordered()
    regions = {region.pk: region for region in issue_sections if region is not None}
    others = sorted((r for r in used if r.pk not in regions), key=lambda r: (r.order, r.name))
    return [(region.pk, region.name) for region in [*regions.values(), *others]]


def board_for(issue, choices=None):
    """The board of ``issue`` (read with ``Issue.objects.with_contents()``), in print order."""
    sections, measures = [], []
    for region, articles in issue.sections():
        name = region.name if region is not None else UNASSIGNED_SECTION_NAME
        section = Section(id=region.pk if region is not None else None, name=name)
        for article in articles:
            card = card_for(article)
            section.cards.append(card)
            measures.append(page_budget.measure_article(article.title, article.body_html, bool(card.source_line)))
        sections.append(section)
    if choices is None:
        choices = section_choices([region for region, _ in issue.sections()])
    return Board(
        sections=sections,
        characters=sum(card.characters for section in sections for card in section.cards),
        projected_pages=page_budget.projected_pages(measures, len(sections)),
        page_budget=issue.publication.page_budget,
        choices=choices,
    )


def preflight(issue, board=None):
    """What is missing before review, as Chinese sentences (empty when nothing is): the board's badges,
    an empty theme, no articles, over budget. ``blocking`` ones are refused by the workflow anyway."""
    board = board or board_for(issue, choices=[])
    items = []
    if not issue.theme.strip():
        items.append(("本期主题为空", False))
    if not board.articles:
        items.append(("本期还没有文章", True))
    for section in board.sections:
        for card in section.cards:
            for badge in card.badges:
                blocking = badge in (EMPTY_BODY, NO_SECTION)
                items.append((f"《{card.title}》：{badge}", blocking))
    if board.over_budget:
        items.append((f"预计印刷版 {board.projected_pages} 页，超出预算 {board.page_budget} 页", False))
    return [PreflightItem(text, blocking) for text, blocking in items]


@dataclass(frozen=True)
class PreflightItem:
    text: str
    blocking: bool  # the workflow refuses to submit while it stands (no article, no section, empty body)

    def __str__(self):
        return self.text
