"""Search stays fast at archive scale (issue 7): the search condition is answerable from the bigram
index on PostgreSQL, the bigram SQL function gives the same set as Python, and the snippet matcher's fast
path maps positions exactly as the straightforward per-character version does."""

import datetime
import html as std_html
import random
import re

import pytest
from django.db import connection

from newsletter import rendering, search
from newsletter.models import Article

from . import factories as f
from .pg_plans import plan_without_full_or_plain_index_scans

pytestmark = pytest.mark.django_db

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: the bigram index exists only there"
)


@pytest.fixture
def archive(db):
    issue = f.issue(year=2024, number=24, total_number=298, issue_date=datetime.date(2024, 12, 19))
    for n in range(30):
        f.article(issue, title=f"第{n}篇关于产业转型的报道", body="各地推进产业转型。" * 20, position=n)
    target = f.article(issue, title="支持上市公司并购重组", body="数据要素跨境流动与碳汇交易试点。", position=40)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE newsletter_article")
    return target


@pytest.mark.postgres
@needs_postgresql
@pytest.mark.parametrize("query", ["碳汇", "并购重组", "数据要素 跨境"])
def test_postgresql_search_filter_is_answerable_from_the_bigram_index_for_each_kind_of_query(archive, query):
    terms = search.parse_query(query).terms
    # The search condition alone (no joins to issues, no ordering), as search adds it to the query.
    condition = search._bigram_filter(Article.objects.order_by(), terms).values("pk")
    plan = plan_without_full_or_plain_index_scans(condition)
    assert "Bitmap Index Scan on newsletter_article_search_bigrams_idx" in plan, plan
    assert list(search.matching_articles(terms).values_list("pk", flat=True)) == [archive.pk]


@pytest.mark.postgres
@needs_postgresql
def test_postgresql_bigram_function_returns_the_python_bigram_set_for_a_long_repetitive_text(db):
    text = "碳市场交易，碳市场ab碳" * 300 + "ＣＣＥＲ"
    with connection.cursor() as cursor:
        cursor.execute("SELECT newsletter_search_bigrams(%s)", [text])
        assert sorted(set(cursor.fetchone()[0])) == search.bigrams(text)
        cursor.execute("SELECT newsletter_search_bigrams(%s), newsletter_search_bigrams(%s)", ["", "碳"])
        assert cursor.fetchone() == ([], [])


@pytest.mark.postgres
@needs_postgresql
def test_postgresql_two_character_query_is_answered_by_the_index_alone(archive):
    sql = str(search.matching_articles(["碳汇"]).query)
    assert "LIKE" not in sql.upper()
    assert Article.objects.filter(search_text__contains="碳汇").count() == 1


def _reference_map(text):
    """The per-character definition the fast path must match."""
    chars, positions = [], []
    for index, char in enumerate(text):
        if char.isspace():
            continue
        code = ord(char)
        if 0xFF01 <= code <= 0xFF5E:
            char = chr(code - 0xFEE0)
        lowered = char.lower()
        chars.append(lowered if len(lowered) == 1 else char)
        positions.append(index)
    return "".join(chars), positions


def test_snippet_position_map_matches_the_per_character_definition_on_random_text():
    alphabet = list("碳汇市场，。（）：ＡＢｃ１２Abc \u3000\t\n\xa0\x1c\u2003İΣσẞǅ")
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        normalised, positions = search._normalised_with_map(text)
        expected, expected_positions = _reference_map(text)
        assert normalised == expected, text
        assert [positions[i] for i in range(len(expected))] == expected_positions, text


def test_snippet_around_a_match_far_into_a_long_text_is_highlighted():
    text = "各地推进产业转型。" * 200 + "醇 氢" + "后续内容。" * 50
    spans = search.find_spans(text, ["醇氢"])
    assert [text[start:end] for start, end in spans] == ["醇 氢"]


def _reference_spans(text, terms):
    """find_spans by its definition: every term's occurrences, scanned left to right in the per-character
    normalised text, mapped back and merged."""
    normalised, positions = _reference_map(text)
    spans = []
    for term in terms:
        start = normalised.find(term)
        while start != -1:
            end = start + len(term)
            spans.append((positions[start], positions[end - 1] + 1))
            start = normalised.find(term, end)
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _reference_snippet(text, terms, length):
    """The snippet by its definition: all spans of the whole text, the window around the first."""
    spans = _reference_spans(text, terms)
    if not spans:
        return search.highlight(text[:length], terms), "", "…" if len(text) > length else ""
    start = max(0, spans[0][0] - length // 3)
    end = min(len(text), start + length)
    window = text[start:end]
    shifted = [(max(s - start, 0), min(e - start, len(window))) for s, e in spans if s < end and e > start]
    return search.highlight(window, terms, shifted), "…" if start > 0 else "", "…" if end < len(text) else ""


def test_snippets_and_spans_match_their_definition_on_random_text_and_terms():
    # Snippets map only the occurrences before the window's end and fold full-width characters only
    # for terms they can affect; neither shortcut may change a single character of the output.
    alphabet = list("碳汇汇市场，。（）：ＡＢｃ１２Ab1,c \u3000\t\n\xa0İΣσ")
    term_alphabet = list("碳汇市场ab1,c（")
    rng = random.Random(11)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        normalised, _ = _reference_map(text)
        terms = []
        for _ in range(rng.randint(1, 3)):
            if normalised and rng.random() < 0.7:  # a run of the text itself, so it occurs
                start = rng.randrange(len(normalised))
                terms.append(normalised[start : start + rng.randint(1, 4)])
            else:
                terms.append("".join(rng.choice(term_alphabet) for _ in range(rng.randint(1, 3))))
        length = rng.randint(1, 40)
        article = Article(body_html="", summary=text)
        assert search.find_spans(text, terms) == _reference_spans(text, terms), (text, terms)
        assert search.snippet(article, terms, length) == _reference_snippet(text, terms, length), (text, terms)


def test_plain_text_collapses_whitespace_exactly_as_the_regex_definition_on_random_html():
    # Snippets take each result's plain text: it splits on whitespace instead of a regex substitution.
    pieces = list("ab碳 <>\u3000\xa0\t\n\x1c\u2003\u200b") + ["&amp;", "&nbsp;", "&#12288;", "&#x2003;", "<p>", "</p>"]
    rng = random.Random(3)
    for _ in range(5000):
        html = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        text = re.sub(r"<[^>]*>", " ", html)
        assert rendering.plain_text(html) == re.sub(r"\s+", " ", std_html.unescape(text)).strip(), html
