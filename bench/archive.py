"""Build a synthetic archive fast: whole issues of published articles, written with bulk_create.

Derived columns are filled exactly as saving an article fills them, by the formula every writer
uses (``newsletter.models.article.derived_fields``), computed here from the rows in hand instead of
a few queries per article. bulk_create sends no signals, so the page cache is bumped once
at the end.

    python -m bench.archive --issues 500            # 500 issues × 12 articles
    python -m bench.archive --articles 10000        # grow the archive to 10,000 articles
"""

import datetime
import math
import time

if __name__ == "__main__":  # run as a script: configure Django before the models are imported
    from bench import setup_django

    setup_django()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from newsletter.models import (  # noqa: E402
    Article,
    ArticleRegion,
    ArticleTopic,
    Editor,
    Figure,
    Issue,
    IssueCredit,
    IssueHost,
    Outlet,
    Publication,
    PublicationHost,
    Source,
    Topic,
)
from newsletter.models.article import derived_fields  # noqa: E402
from regions.models import Region  # noqa: E402
from regions.slugs import pinyin_slug  # noqa: E402

from . import textgen  # noqa: E402

PUBLICATION_SLUG = "sszjc"
FIRST_ISSUE_DATE = datetime.date(1994, 1, 6)  # far enough back that 10,000 articles end before today
ISSUE_INTERVAL = datetime.timedelta(days=14)
FIGURE_SHARE = 0.1  # about one article in ten has a figure


def ensure_publication(slug=PUBLICATION_SLUG, name="双周决策观察"):
    publication, created = Publication.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "subtitle": "地方工作亮点追踪",
            "slogan": "洞悉基层创新 启迪新政新思",
            "phone": "022-00000000",
            "fax": "022-00000001",
        },
    )
    if created:
        for position, host in enumerate(["滨海综合发展研究院（演示）", "图书馆档案馆（演示）"]):
            PublicationHost.objects.create(publication=publication, name=host, position=position)
    return publication


def _ensure_regions():
    regions = {}
    names = [(name, 10 * (index + 1)) for index, name in enumerate(textgen.SECTIONS)]
    names += [(name, 200 + index) for index, name in enumerate(textgen.PLACES)]
    existing = {region.name: region for region in Region.objects.all()}
    for name, order in names:
        region = existing.get(name)
        if region is None:
            region = Region(name=name, order=order)
            region.save()  # taggit computes the pinyin slug
        regions[name] = region
    return regions


def _ensure_topics():
    existing = {topic.name: topic for topic in Topic.objects.all()}
    for name in textgen.TOPICS:
        if name not in existing:
            topic = Topic(name=name)
            topic.save()
            existing[name] = topic
    return existing


def _ensure_outlets():
    return {name: Outlet.get_for_name(name) for name in textgen.OUTLETS}


def _ensure_editors():
    return {name: Editor.objects.get_or_create(name=name)[0] for name in textgen.EDITORS + textgen.COORDINATORS}


def _sections_for_issue(gen, count):
    """Section of each article, in print order: a large 区域 block, then a few regional sections."""
    regional = gen.rng.sample(textgen.SECTIONS[1:], gen.rng.randint(2, 4))
    regional.sort(key=textgen.SECTIONS.index)
    sections = ["区域"] * min(count, gen.rng.randint(2, 4))
    while len(sections) < count:
        sections.append(regional[(len(sections) - 1) % len(regional)])
    return sorted(sections, key=textgen.SECTIONS.index)


def _next_numbering(publication):
    latest = Issue.objects.filter(publication=publication).order_by("-total_number").first()
    if latest is None:
        return FIRST_ISSUE_DATE, FIRST_ISSUE_DATE.year, 1, 1
    issue_date = latest.issue_date + ISSUE_INTERVAL
    number = 1 if issue_date.year != latest.year else latest.number + 1
    return issue_date, issue_date.year, number, latest.total_number + 1


def build_archive(
    total_articles,
    per_issue=12,
    *,
    seed=20241219,
    publication_slug=PUBLICATION_SLUG,
    batch=25,
    figure_share=FIGURE_SHARE,
    log=None,
):
    """Grow the publication's archive to ``total_articles`` published articles (whole issues of
    ``per_issue``; the last issue may be shorter). Returns (issues created, articles created)."""
    started = time.monotonic()
    publication = ensure_publication(publication_slug)
    regions, topics, outlets, editors = _ensure_regions(), _ensure_topics(), _ensure_outlets(), _ensure_editors()
    have = Article.objects.filter(issue__publication=publication).count()
    missing = max(0, total_articles - have)
    issue_count = math.ceil(missing / per_issue)
    # A different stream per starting point, so growing an archive does not repeat its first issues.
    gen = textgen.TextGenerator(seed + have)
    issue_date, year, number, total_number = _next_numbering(publication)
    created_issues = created_articles = 0
    while created_issues < issue_count:
        plan = []
        for _ in range(min(batch, issue_count - created_issues)):
            count = min(per_issue, missing - created_articles)
            plan.append((issue_date, year, number, total_number, count))
            created_issues += 1
            created_articles += count
            issue_date += ISSUE_INTERVAL
            if issue_date.year != year:
                year, number = issue_date.year, 1
            else:
                number += 1
            total_number += 1
        with transaction.atomic():
            _create_batch(gen, publication, plan, regions, topics, outlets, editors, figure_share)
        if log:
            log(
                f"  已生成 {created_issues}/{issue_count} 期，{created_articles} 篇（{time.monotonic() - started:.0f} 秒）"
            )
    _bump_page_cache()
    return created_issues, created_articles


def _create_batch(gen, publication, plan, regions, topics, outlets, editors, figure_share):
    issues = []
    for issue_date, year, number, total_number, _count in plan:
        published_at = timezone.make_aware(datetime.datetime.combine(issue_date, datetime.time(9, 0)))
        issues.append(
            Issue(
                publication=publication,
                year=year,
                number=number,
                total_number=total_number,
                issue_date=issue_date,
                theme=gen.theme(),
                status=Issue.Status.PUBLISHED,
                published_at=published_at,
                version=1,
                phone=publication.phone,
                fax=publication.fax,
            )
        )
    Issue.objects.bulk_create(issues)
    if issues[0].pk is None:  # a backend that returns no primary keys from bulk_create
        keys = [(i.year, i.number) for i in issues]
        by_key = {
            (i.year, i.number): i.pk
            for i in Issue.objects.filter(publication=publication, year__in={k[0] for k in keys})
        }
        for issue in issues:
            issue.pk = issue.id = by_key[(issue.year, issue.number)]

    credits, articles, extras = [], [], []
    host_names = publication.host_names()
    IssueHost.objects.bulk_create(
        IssueHost(issue=issue, name=name, position=position)
        for issue in issues
        for position, name in enumerate(host_names)
    )
    for issue, (_d, _y, _n, _t, count) in zip(issues, plan, strict=True):
        for position, name in enumerate(gen.rng.sample(textgen.EDITORS, 3)):
            credits.append(
                IssueCredit(issue=issue, editor=editors[name], role=IssueCredit.Role.EDITOR, position=position)
            )
        for position, name in enumerate(gen.rng.sample(textgen.COORDINATORS, 3)):
            credits.append(
                IssueCredit(issue=issue, editor=editors[name], role=IssueCredit.Role.COORDINATOR, position=position)
            )
        slugs, positions, figure_number = set(), {}, 0
        for section_name in _sections_for_issue(gen, count):
            with_figure = gen.rng.random() < figure_share
            data = gen.article(section_name, issue.issue_date, with_figure=with_figure)
            section = regions[section_name]
            positions[section.pk] = positions.get(section.pk, 0) + 1
            figures = []
            if with_figure:
                figure_number += 1
                figures.append(Figure(caption=data["caption"], position=1, number=figure_number))
            base = pinyin_slug(data["title"], separator="-", max_length=70) or "article"
            slug, n = base, 2
            while slug in slugs:
                slug, n = f"{base}-{n}", n + 1
            slugs.add(slug)
            article = Article(
                issue=issue,
                section=section,
                position=positions[section.pk],
                title=data["title"],
                slug=slug,
                body=data["body"],
            )
            fields = derived_fields(
                article,
                section=section_name,
                figures=figures,
                outlets=[o for o, _ in data["sources"]],
                regions=data["region_tags"],
                topics=data["topics"],
            )
            article.body_html, article.search_text = fields["body_html"], fields["search_text"]
            articles.append(article)
            extras.append((data, figures))
    IssueCredit.objects.bulk_create(credits)
    Article.objects.bulk_create(articles)

    sources, region_tags, topic_tags, figure_rows = [], [], [], []
    for article, (data, figures) in zip(articles, extras, strict=True):
        for position, (outlet, date) in enumerate(data["sources"]):
            sources.append(Source(article=article, outlet=outlets[outlet], date=date, position=position))
        for name in data["region_tags"]:
            region_tags.append(ArticleRegion(content_object=article, tag=regions[name]))
        for name in data["topics"]:
            topic_tags.append(ArticleTopic(content_object=article, tag=topics[name]))
        for figure in figures:
            figure.article = article
            figure_rows.append(figure)
    Source.objects.bulk_create(sources)
    ArticleRegion.objects.bulk_create(region_tags)
    ArticleTopic.objects.bulk_create(topic_tags)
    Figure.objects.bulk_create(figure_rows)


def _bump_page_cache():
    try:
        from newsletter import cache
    except ImportError:  # the page cache is not part of this checkout
        return
    try:
        cache.bump("bench archive built")
    except Exception:  # noqa: BLE001 - settings for the cache may not be wired yet
        pass


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(description="生成基准测试用的合成档案")
    parser.add_argument("--issues", type=int, default=500)
    parser.add_argument("--per-issue", type=int, default=12)
    parser.add_argument("--articles", type=int, default=None, help="文章总数（默认为期数 × 每期篇数）")
    args = parser.parse_args(argv)
    total = args.articles or args.issues * args.per_issue
    issues, articles = build_archive(total, args.per_issue, log=print)
    print(f"新增 {issues} 期、{articles} 篇文章。")


if __name__ == "__main__":
    main()
