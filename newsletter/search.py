"""Full-text search over published articles, for Chinese text without word boundaries.

What a reader may expect: any run of two or more characters that occurs in an article finds it.
No word segmentation is involved, so nothing can be missed by a segmenter that cut "碳市场交易"
differently from the reader. Matching is a plain substring test on ``Article.search_text`` (title,
summary, body text and outlets, normalised: lower case, half-width, no whitespace), which is the
ground truth on every database.

On PostgreSQL a substring test alone would read every row. There, each term is first narrowed down
with an index on the CJK bigrams of ``search_text`` (see migration 0003): a text containing "碳市场"
contains the bigrams "碳市" and "市场", so ``bigrams(search_text) @> {碳市,市场}`` is a necessary
condition the GIN index answers; the substring test then re-checks the few candidate rows. The
bigram test never excludes a true match, so PostgreSQL and SQLite return exactly the same rows.

Why bigrams and not pg_trgm: trigrams cannot serve the most common Chinese query, a two-character
word ("醇氢", "碳汇"): a two-character LIKE pattern yields no trigram and pg_trgm falls back to
scanning the whole index. pg_trgm also relies on the database locale classifying Han characters as
letters, which a "C" locale does not. Bigrams are what Lucene's CJK analyzer indexes, for the same
reasons. A ``text[]`` with the array ``@>`` operator is used rather than a ``tsvector``: the
lexemes are exactly the bigrams, no tsquery syntax has to be escaped, and ranking is done by our
own expression (title matches first), not ``ts_rank``.
"""

import bisect
import html
import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Length, Replace, StrIndex

from .models import Article
from .rendering import normalize_for_search, plain_text

MAX_QUERY_LENGTH = 60  # characters kept from the reader's query
MAX_TERMS = 5
MIN_TERM_LENGTH = 2
SNIPPET_LENGTH = 110

# Characters that pg/sqlite treat as whitespace-like in titles; Python's \s in normalize_for_search
# removes them, so the title's normalised length is the title's length without them.
_TITLE_SPACES = (" ", "\u3000", "\t", "\n", "\r", "\xa0")


@dataclass
class ParsedQuery:
    raw: str = ""
    terms: list = field(default_factory=list)
    message: str = ""
    truncated: bool = False

    @property
    def is_searchable(self):
        return bool(self.terms)


def parse_query(raw):
    """Split a reader's query into normalised terms that must all occur.

    Spaces separate terms, except around a single character: the print edition and the PDF
    conversion write "11 月" and "第 3 季度", so a one-character piece is joined to its
    neighbour ("11 月" → "11月") instead of being dropped or searched for alone.
    """
    raw = (raw or "").strip()
    truncated = len(raw) > MAX_QUERY_LENGTH
    raw = raw[:MAX_QUERY_LENGTH]
    pieces = [normalize_for_search(p) for p in raw.split()]
    pieces = [p for p in pieces if p]
    merged = []
    for piece in pieces:
        if merged and (len(piece) < MIN_TERM_LENGTH or len(merged[-1]) < MIN_TERM_LENGTH):
            merged[-1] += piece
        else:
            merged.append(piece)
    terms = []
    for term in merged:  # drop duplicates and terms contained in another term: they add nothing
        if term not in terms:
            terms.append(term)
    terms = [t for t in terms if not any(t != other and t in other for other in terms)]
    parsed = ParsedQuery(raw=raw, truncated=truncated)
    if not terms:
        parsed.message = "请输入要检索的词语，例如“碳市场”“并购重组”。"
    elif len(terms) == 1 and len(terms[0]) < MIN_TERM_LENGTH:
        parsed.message = "请至少输入两个字。单个汉字会匹配几乎所有文章，可以换成词语，例如“碳市场”。"
    else:
        parsed.terms = terms[:MAX_TERMS]
        if len(terms) > MAX_TERMS:
            parsed.truncated = True
    return parsed


def bigrams(term):
    return sorted({term[i : i + 2] for i in range(len(term) - 1)})


def uses_bigram_index():
    return connection.vendor == "postgresql"


def _bigram_filter(queryset, terms):
    from django.contrib.postgres.fields import ArrayField
    from django.db.models import Func, TextField

    class SearchBigrams(Func):
        # The very expression the index in migration 0003 is built on, so the planner matches it.
        function = "newsletter_search_bigrams"
        output_field = ArrayField(TextField())

    wanted = sorted({gram for term in terms for gram in bigrams(term)})
    return queryset.alias(search_bigrams=SearchBigrams("search_text")).filter(search_bigrams__contains=wanted)


def ranked(queryset, terms):
    """Order by rank: how many terms occur in the title, then newer issues first, then print order.

    The title is the start of ``search_text``, so "the first occurrence ends within the title's
    normalised length" means "occurs in the title": computed in SQL, identically on both databases.
    """
    title_length = F("title")
    for space in _TITLE_SPACES:
        title_length = Replace(title_length, Value(space), Value(""))
    annotations = {"search_title_length": Length(title_length)}
    hit_names = []
    for index, term in enumerate(terms):
        annotations[f"search_pos_{index}"] = StrIndex("search_text", Value(term))
        hit_names.append((index, term))
    queryset = queryset.alias(**annotations)
    title_hits = Value(0, output_field=IntegerField())
    for index, term in hit_names:
        title_hits = title_hits + Case(
            When(
                **{f"search_pos_{index}__gte": 1},
                **{f"search_pos_{index}__lte": F("search_title_length") - (len(term) - 1)},
                then=Value(1),
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
    return queryset.annotate(title_hits=title_hits).order_by(
        "-title_hits", "-issue__issue_date", "-issue__number", "section__order", "position", "pk"
    )


def matching_articles(terms, queryset=None):
    """Published articles (or ``queryset``) containing every term, best first."""
    queryset = queryset if queryset is not None else Article.objects.published()
    indexed = uses_bigram_index()
    for term in terms:
        # A two-character term is one bigram: the index answers it exactly, and leaving out the
        # LIKE test keeps the planner's row estimate (and so its join strategy) realistic.
        if not (indexed and len(term) == 2):
            queryset = queryset.filter(search_text__contains=term)
    if indexed:
        queryset = _bigram_filter(queryset, terms)
    return ranked(queryset, terms)


# --- snippets -----------------------------------------------------------------------------------


class _FoldTable(dict):
    """``str.translate`` table: whitespace removed, full-width ASCII folded, each character
    lower-cased on its own (kept when that gives two characters, so positions stay aligned).
    Filled lazily, one entry per distinct character. Used where the fast path below cannot be."""

    def __missing__(self, code):
        char = chr(code)
        if char.isspace():
            value = None
        else:
            if 0xFF01 <= code <= 0xFF5E:
                char = chr(code - 0xFEE0)
            lowered = char.lower()
            value = lowered if len(lowered) == 1 else char
        self[code] = value
        return value


_FOLD = _FoldTable()
_FULL_WIDTH = re.compile("[\uff01-\uff5e]+")
_FULL_WIDTH_TABLE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


def _fold(text, pieces):
    """``text.translate(_FOLD)``, computed with whole-string operations (C speed) when that gives
    the same result: always, except where lower-casing a character yields two characters or
    depends on its neighbours (a final capital sigma). ``pieces`` is ``text.split()``."""
    compact = "".join(pieces)
    if _FULL_WIDTH.search(compact):
        compact = _FULL_WIDTH.sub(lambda match: match.group().translate(_FULL_WIDTH_TABLE), compact)
    lowered = compact.lower()
    if len(lowered) == len(compact) and "\u03a3" not in compact:
        return lowered
    return text.translate(_FOLD)


class _Positions:
    """positions[i] = index in the original text of the i-th character of the normalised text, found
    by bisecting the runs of non-whitespace instead of storing one index per character."""

    def __init__(self, text, pieces):
        self.run_starts, self.offsets = [], []  # original start and normalised start of each run
        original = normalised = 0
        for piece in pieces:
            original = text.find(piece, original)
            self.run_starts.append(original)
            self.offsets.append(normalised)
            original += len(piece)
            normalised += len(piece)

    def __getitem__(self, index):
        run = bisect.bisect_right(self.offsets, index) - 1
        return self.run_starts[run] + index - self.offsets[run]


def _normalised_with_map(text):
    """The text as ``normalize_for_search`` sees it, with each character's index in ``text``.

    The runs of non-whitespace come from ``str.split()``, whose notion of whitespace is exactly
    ``str.isspace()``; one run starts where the previous one ended plus some whitespace, so
    ``text.find`` from there finds it.
    """
    pieces = text.split()
    return _fold(text, pieces), _Positions(text, pieces)


def find_spans(text, terms):
    """(start, end) spans of ``text`` where a term occurs, ignoring whitespace and width/case."""
    normalised, positions = _normalised_with_map(text)
    spans = []
    for term in terms:
        start = normalised.find(term)
        while start != -1:
            end = start + len(term)
            spans.append((positions[start], positions[end - 1] + 1))
            start = normalised.find(term, end)
    spans.sort()
    merged = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text, terms, spans=None):
    """Escaped ``text`` with every match wrapped in <mark>. The text is escaped piece by piece
    before any markup is added, so nothing from an article can become HTML."""
    spans = find_spans(text, terms) if spans is None else spans
    out, last = [], 0
    for start, end in spans:
        out.append(html.escape(text[last:start]))
        out.append("<mark>" + html.escape(text[start:end]) + "</mark>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def snippet(article, terms, length=SNIPPET_LENGTH):
    """A window of the article's text around its first match, highlighted (safe HTML)."""
    text = plain_text(article.body_html) or article.summary
    spans = find_spans(text, terms)
    if not spans:
        window, prefix, suffix = text[:length], "", "…" if len(text) > length else ""
        return highlight(window, terms), prefix, suffix
    first = spans[0][0]
    start = max(0, first - length // 3)
    end = min(len(text), start + length)
    window = text[start:end]
    shifted = [(max(s - start, 0), min(e - start, len(window))) for s, e in spans if s < end and e > start]
    return highlight(window, terms, shifted), "…" if start > 0 else "", "…" if end < len(text) else ""
