"""The benchmark's archive generator and page measurement, on a tiny archive (fast, not timed)."""

import datetime
import re

import pytest

from bench import textgen
from bench.archive import build_archive
from bench.measure import measure_page, percentile
from newsletter.models import Article, ArticleRegion, ArticleTopic, Figure, Issue, IssueCredit, Source


@pytest.fixture
def tiny_archive(db):
    # More figures than the bench's one in ten, so a tiny archive surely has several.
    return build_archive(30, per_issue=12, figure_share=0.3)


def test_generator_builds_whole_published_issues_up_to_the_requested_article_count(tiny_archive):
    assert tiny_archive == (3, 30)
    assert Issue.objects.count() == 3
    assert Article.objects.count() == 30
    assert Issue.objects.published().count() == 3
    assert Article.objects.published().count() == 30
    assert sorted(Issue.objects.values_list("total_number", flat=True)) == [1, 2, 3]
    assert [issue.articles.count() for issue in Issue.objects.order_by("total_number")] == [12, 12, 6]
    assert IssueCredit.objects.filter(role=IssueCredit.Role.EDITOR).count() == 9


def test_growing_the_archive_continues_the_numbering_without_repeating_issues(tiny_archive):
    assert build_archive(54, per_issue=12) == (2, 24)
    issues = list(Issue.objects.order_by("total_number"))
    assert [i.total_number for i in issues] == [1, 2, 3, 4, 5]
    assert len({(i.year, i.number) for i in issues}) == 5
    assert Article.objects.count() == 54


def test_generated_articles_carry_rendered_html_search_text_sources_and_tags(tiny_archive):
    articles = list(Article.objects.select_related("section"))
    for article in articles:
        assert article.body_html.startswith("<")
        assert article.search_text
        # The same derived texts as saving the article through the model would store.
        assert {"body_html": article.body_html, "search_text": article.search_text} == article.derive()
        assert article.section is not None
        assert article.slug
    assert Source.objects.count() >= 30
    assert ArticleTopic.objects.count() >= 30
    assert ArticleRegion.objects.exists()
    assert len({(a.issue_id, a.slug) for a in articles}) == 30


def test_generated_text_is_chinese_policy_prose_with_print_edition_features():
    gen = textgen.TextGenerator(seed=7)
    bodies = [gen.article(section, datetime.date(2024, 12, 19))["body"] for section in ["区域"] * 40]
    text = "\n".join(bodies)
    assert re.search(r"\d+ 月", text)  # numbers as the print edition spaces them
    assert re.search(r"^#{2,3} ", text, re.MULTILINE)  # subheadings at two levels
    assert re.search(r"^【[^】]+】", text, re.MULTILINE)  # sub-region paragraph markers
    assert any(term in text for term in textgen.LATIN_TERMS)
    lengths = [len(s) for s in re.split(r"(?<=。)", text) if s.strip()]
    assert min(lengths) < 25 and max(lengths) > 60  # sentences of varied length


def test_figures_are_numbered_through_each_issue_and_shown_in_the_body(tiny_archive):
    figures = list(Figure.objects.select_related("article").order_by("article__issue", "number"))
    assert len(figures) >= 3
    for figure in figures:
        assert f"图 {figure.number} {figure.caption}" in figure.article.body_html
    for issue in Issue.objects.all():
        numbers = [f.number for f in figures if f.article.issue_id == issue.pk]
        assert numbers == list(range(1, len(numbers) + 1))


def test_measuring_a_page_reports_latency_and_queries_or_why_it_is_unavailable(tiny_archive, client):
    issue = Issue.objects.order_by("-total_number").first()
    figures = measure_page(issue.get_absolute_url(), repeat=2, cache=False)
    assert figures["samples"] == 2
    assert 0 < figures["p50_ms"] <= figures["p95_ms"]
    assert figures["queries"] > 0
    assert figures["bytes"] > 1000
    assert measure_page("/no-such-page/", repeat=2) == {"unavailable": "HTTP 404 for /no-such-page/"}


def test_percentile_interpolates_between_closest_ranks():
    assert percentile([1, 2, 3, 4, 5], 0.5) == 3
    assert percentile(list(range(1, 21)), 0.95) == pytest.approx(19.05)
    assert percentile([], 0.95) is None
