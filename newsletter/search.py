"""Full-text search over published articles, for Chinese text without word boundaries.

What a reader may expect: any run of two or more characters that occurs in an article finds it.
No word segmentation is involved, so nothing can be missed by a segmenter that cut "碳市场交易"
differently from the reader. Matching is a plain substring test on ``Article.search_text`` (title;
section, region and topic names; table of contents title, summary, body text with figure captions,
outlets; normalised: lower case, half-width, no whitespace), which is the ground truth on every
database. Ranking: a term in the title counts most, then a term in a section or tag name, then the
body (see ``derived_fields`` in newsletter/models/article.py for the layout).

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
import functools
import html
import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F, Func, IntegerField

from .models import Article
from .models.article import HEAD_END
from .rendering import normalize_for_search, plain_text

MAX_QUERY_LENGTH = 60  # characters kept from the reader's query
MAX_TERMS = 5
MIN_TERM_LENGTH = 2
SNIPPET_LENGTH = 110
HEAD_LIMIT = 1000  # characters of search_text in which the end of title and names is looked for

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
        parsed.message = "请输入要检索的词语。"
    elif len(terms) == 1 and len(terms[0]) < MIN_TERM_LENGTH:
        parsed.message = "请至少输入两个字。单个汉字会匹配几乎所有文章，可以换成词语。"
    else:
        parsed.terms = terms[:MAX_TERMS]
        if len(terms) > MAX_TERMS:
            parsed.truncated = True
    return parsed


def bigrams(term):
    return sorted({term[i : i + 2] for i in range(len(term) - 1)})


def uses_bigram_index():
    return connection.vendor == "postgresql"


@functools.cache
def _search_bigrams_function():
    # Defined on first use (PostgreSQL only) and kept: building the class and its fields on every
    # search cost ~0.1 ms here.
    from django.contrib.postgres.fields import ArrayField
    from django.db.models import Func, TextField

    class SearchBigrams(Func):
        # The very expression the index in migration 0003 is built on, so the planner matches it.
        function = "newsletter_search_bigrams"
        output_field = ArrayField(TextField())

    return SearchBigrams


def _bigram_filter(queryset, terms):
    wanted = sorted({gram for term in terms for gram in bigrams(term)})
    search_bigrams = _search_bigrams_function()("search_text")
    return queryset.alias(search_bigrams=search_bigrams).filter(search_bigrams__contains=wanted)


class TitleHits(Func):
    """How many of ``terms`` occur in the title, as one SQL expression on both databases.

    The title is the start of ``search_text``, so a term occurs in the title exactly when it occurs
    in the first (title's normalised length) characters of ``search_text``. Searching that prefix
    rather than the whole text lets PostgreSQL decompress only the title's bytes of each matching row.

    Written out rather than composed from ORM functions (six REPLACE, LENGTH, LEFT, STRPOS, CASE per
    term): with those, building and compiling the search query (the select list, then ORDER BY once
    more) took about twice as long, ~3 ms more per search on the 2-core bench machine, as much as
    PostgreSQL needs to run the query for a two-character term there.
    """

    output_field = IntegerField()

    def __init__(self, terms):
        super().__init__(F("search_text"), F("title"))
        self.terms = tuple(terms)

    def as_sql(self, compiler, connection, **extra_context):
        if not self.terms:
            return "0", []
        text, text_params = compiler.compile(self.source_expressions[0])
        title, title_params = compiler.compile(self.source_expressions[1])
        length = title
        for _space in _TITLE_SPACES:
            length = f"REPLACE({length}, %s, '')"
        if connection.vendor == "postgresql":
            hit = f"CASE WHEN STRPOS(LEFT({text}, LENGTH({length})), %s) > 0 THEN 1 ELSE 0 END"
        else:
            hit = f"CASE WHEN INSTR(SUBSTR({text}, 1, LENGTH({length})), %s) > 0 THEN 1 ELSE 0 END"
        params = []
        for term in self.terms:
            params += [*text_params, *title_params, *_TITLE_SPACES, term]
        return "(" + " + ".join([hit] * len(self.terms)) + ")", params


class HeadHits(Func):
    """How many of ``terms`` occur in the title or a section/tag name: the start of ``search_text``,
    up to ``HEAD_END``. Only its first ``HEAD_LIMIT`` characters are read for the separator (as
    ``TitleHits``, so that PostgreSQL decompresses only that much of each matching row); a head
    longer than that (hundreds of tags) counts as body."""

    output_field = IntegerField()

    def __init__(self, terms):
        super().__init__(F("search_text"))
        self.terms = tuple(terms)

    def as_sql(self, compiler, connection, **extra_context):
        if not self.terms:
            return "0", []
        text, text_params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            head = f"LEFT({text}, STRPOS(LEFT({text}, {HEAD_LIMIT}), %s))"
            hit = f"CASE WHEN STRPOS({head}, %s) > 0 THEN 1 ELSE 0 END"
        else:
            head = f"SUBSTR({text}, 1, INSTR(SUBSTR({text}, 1, {HEAD_LIMIT}), %s))"
            hit = f"CASE WHEN INSTR({head}, %s) > 0 THEN 1 ELSE 0 END"
        params = []
        for term in self.terms:
            params += [*text_params, *text_params, HEAD_END, term]
        return "(" + " + ".join([hit] * len(self.terms)) + ")", params


def ranked(queryset, terms):
    """Order by rank: how many terms occur in the title, then in the title or a section/tag name,
    then newer issues first, then print order."""
    return queryset.annotate(title_hits=TitleHits(terms), head_hits=HeadHits(terms)).order_by(
        "-title_hits",
        "-head_hits",
        "-issue__issue_date",
        "-issue__number",
        "section__order",
        "section_id",
        "position",
        "pk",
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
# What folding full-width characters can turn into or away from: half-width ASCII and full-width forms.
_WIDTH_SENSITIVE = re.compile("[!-~\uff01-\uff5e]")


def _fold(text, pieces, fold_width=True):
    """``text.translate(_FOLD)``, computed with whole-string operations (C speed) when that gives
    the same result: always, except where lower-casing a character yields two characters or
    depends on its neighbours (a final capital sigma). ``pieces`` is ``text.split()``.

    ``fold_width=False`` leaves full-width characters as they are: for terms without any character
    ``_WIDTH_SENSITIVE`` matches, a full-width character matches no term character folded or not,
    so the terms occur at the same places. Chinese text has a full-width comma every few words, and
    folding them one regex match at a time was the snippet's largest cost."""
    compact = "".join(pieces)
    if fold_width and _FULL_WIDTH.search(compact):
        compact = _FULL_WIDTH.sub(lambda match: match.group().translate(_FULL_WIDTH_TABLE), compact)
    lowered = compact.lower()
    if len(lowered) == len(compact) and "\u03a3" not in compact:
        return lowered
    return text.translate(_FOLD)


class _Positions:
    """positions[i] = index in the original text of the i-th character of the normalised text, found
    by bisecting the runs of non-whitespace instead of storing one index per character. The runs are
    located as far as the largest index asked for: a snippet needs only the start of a long text."""

    def __init__(self, text, pieces):
        self.text, self.pieces = text, pieces
        self.run_starts, self.offsets = [], []  # original start and normalised start of each run
        self.original = self.normalised = 0  # where the runs located so far end

    def __getitem__(self, index):
        while self.normalised <= index and len(self.offsets) < len(self.pieces):
            piece = self.pieces[len(self.offsets)]
            original = self.text.find(piece, self.original)
            self.run_starts.append(original)
            self.offsets.append(self.normalised)
            self.original = original + len(piece)
            self.normalised += len(piece)
        run = bisect.bisect_right(self.offsets, index) - 1
        return self.run_starts[run] + index - self.offsets[run]


def _normalised_with_map(text, terms=None):
    """The text as ``normalize_for_search`` sees it, with each character's index in ``text``.

    The runs of non-whitespace come from ``str.split()``, whose notion of whitespace is exactly
    ``str.isspace()``; one run starts where the previous one ended plus some whitespace, so
    ``text.find`` from there finds it. With ``terms``, full-width characters are folded only if
    that can change where the terms occur (see ``_fold``).
    """
    pieces = text.split()
    fold_width = terms is None or any(_WIDTH_SENSITIVE.search(term) for term in terms)
    return _fold(text, pieces, fold_width), _Positions(text, pieces)


def _occurrences(normalised, terms, stop=None):
    """(start, end) of each occurrence of each term in ``normalised`` that starts before ``stop``, in
    order. Each term is scanned from the start, so stopping early leaves out only later ones."""
    stop = len(normalised) if stop is None else stop
    found = []
    for term in terms:
        start = normalised.find(term, 0, stop + len(term) - 1)
        while start != -1:
            end = start + len(term)
            found.append((start, end))
            start = normalised.find(term, end, stop + len(term) - 1)
    found.sort()
    return found


def _spans(positions, occurrences):
    """Occurrences mapped to the original text, overlapping ones merged. The map is increasing, so
    the spans come out in order."""
    merged = []
    for start, end in occurrences:
        start, end = positions[start], positions[end - 1] + 1
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def find_spans(text, terms):
    """(start, end) spans of ``text`` where a term occurs, ignoring whitespace and width/case."""
    normalised, positions = _normalised_with_map(text, terms)
    return _spans(positions, _occurrences(normalised, terms))


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
    normalised, positions = _normalised_with_map(text, terms)
    firsts = [index for index in (normalised.find(term) for term in terms) if index != -1]
    if not firsts:
        window, prefix, suffix = text[:length], "", "…" if len(text) > length else ""
        return highlight(window, terms), prefix, suffix
    first = positions[min(firsts)]
    start = max(0, first - length // 3)
    end = min(len(text), start + length)
    window = text[start:end]
    # A character's normalised index is never above its index in the text, so occurrences from
    # normalised index ``end`` on lie past the window: they are neither looked for nor mapped (an
    # article that names the term dozens of times would be scanned and mapped to its end). Leaving
    # them out of the merge can only shorten a merged span that already reaches past the window, which
    # the clamping below cuts there anyway.
    spans = _spans(positions, _occurrences(normalised, terms, stop=end))
    shifted = [(max(s - start, 0), min(e - start, len(window))) for s, e in spans if s < end and e > start]
    return highlight(window, terms, shifted), "…" if start > 0 else "", "…" if end < len(text) else ""
