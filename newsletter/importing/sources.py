"""An article's source line: where it is, what it says, and when it is not understood.

Rules (tests in tests/test_parse_sources.py):

* The source line ends the article's text: the last paragraph's bracketed tail, or a paragraph of its
  own; figure captions and 注：/备注：/说明： notes may follow it (the notes stay in the body, the
  source is still the source).
* Inside the brackets (full- or half-width, or none for a paragraph that starts with 来源：) are one
  or more outlets and their dates, read by the admin's one-line rule (``newsletter.source_line``):
  ``（来源：人民日报 2019年3月5日）``, ``（据新华社 2019-03-05）``, ``（经济日报 20190305）`` with
  full-width digits too, several outlets, or no date at all. A date without a year takes the issue's.
  The page it was printed on (``第2版``, ``A3版``) is not an outlet.
* Prefixes (来源：, 资料来源：, 据, 摘自, 转自, 综合 …) are not part of an outlet's name, before the line
  or before any of its outlets (``（来源：人民日报 2019年3月5日；据新华社 2019年3月6日）``); nor are
  「报道」 in ``（综合新华社、人民网报道）`` or a periodical's issue (``（摘自《求是》2019年第5期）``):
  one rule, ``newsletter.source_line`` and its ``PREFIX`` (the only place prefixes are dropped: an
  Outlet keeps the name it is given). 综合 without a colon is a prefix before a space or several
  outlets (``（综合新华社、人民网）``), not in ``（综合开发研究院报道）``; 「电」「消息」「报道」 after a date
  are not outlets (``（据新华社 2019年3月5日电）``).
* A tail is taken as a source line when it has a prefix, a date, or only names that end like an
  outlet's (…报, …社, …网, …台, …刊, …志, …财经, …新闻, …客户端, Times …); after 据 or 综合 without a
  colon, also when a name like an outlet's or a 《title》 is followed by 报道/消息. One that looks like a
  source line (a prefix, a date or such a name) but cannot be read stays in the text and is reported
  as ``Notice(UNPARSED_SOURCE, text=…)``.
* A source line cut by a page break (outlet and date on either side) is joined before it is read
  (blocks.repair_page_breaks: an open bracket continues on the next page).
"""

import re

from newsletter.source_line import OUTLET_ENDING, SourceLineError, parse_source_line, strip_prefix

from .schema import SourceData

FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
TAIL = re.compile(r"[（(]([^（）()]*(?:[（(][^（）()]*[）)][^（）()]*)*)[）)][。.]?\s*$")
# 据 and 综合 also begin ordinary asides (据了解, 综合来看): with them the names must look like outlets.
WEAK_PREFIX = re.compile(r"^\s*(?:据|综合)(?![:：])")
BARE_SOURCE = re.compile(r"^(?:资料来源|信息来源|来源)\s*[:：]\s*\S")
EDITION = re.compile(r"(?<!\S)[A-Z]?第?\s*[A-Z]?\d{1,3}\s*版(?!\S)")  # 第2版, A3版: the page, not an outlet
REPORT_WORD = re.compile(r"(?:报道|消息)$")
TITLE_REPORT = re.compile(r"》\s*(?:报道|消息)")  # 据《经济日报》报道
NOTE = re.compile(r"^(?:注|备注|说明|附注)\s*[:：]")
DATE_HINT = re.compile(
    r"(?<!\d)\d{8}(?!\d)|\d{4}\s*[-./／]\s*\d{1,2}\s*[-./／]\s*\d{1,2}|\d{1,2}\s*月\s*\d{1,2}\s*[日号]"
)


def is_note(text):
    return bool(NOTE.match(text))


def _names_look_like_outlets(inner):
    tokens = [t for t in re.split(r"[\s、；;，,]+", inner) if t]
    return (
        bool(tokens)
        and all(OUTLET_ENDING.search(token) or token.isascii() for token in tokens)
        and any(OUTLET_ENDING.search(token) for token in tokens)
    )


def read_tail(text, reference_date):
    """A paragraph → (the paragraph without its source line, [SourceData], unparsed source text or "").

    The paragraph is unchanged when it has no source line; the third value is set when its tail looks
    like a source line but could not be read."""
    folded = text.translate(FULL_WIDTH_DIGITS)
    match = TAIL.search(folded)
    if match:
        inner, start = match.group(1), match.start()
    elif BARE_SOURCE.match(folded):
        inner, start = folded, 0
    else:
        return text, [], ""
    has_date = bool(DATE_HINT.search(inner))
    bare = strip_prefix(inner.strip(), whole=False)
    names = EDITION.sub(" ", bare)
    if WEAK_PREFIX.match(inner):
        tokens = [REPORT_WORD.sub("", t) for t in re.split(r"[\s、；;，,]+", names) if t]
        has_prefix = has_date or any(OUTLET_ENDING.search(t) for t in tokens) or bool(TITLE_REPORT.search(names))
    else:
        has_prefix = bare != inner.strip()
    if not (has_prefix or has_date or _names_look_like_outlets(names)):
        return text, [], ""
    line = text[start:].strip()
    if len(inner) > 200:
        return text, [], line
    try:
        parsed = parse_source_line(names, reference_date=reference_date)
    except SourceLineError:
        return text, [], line
    if not parsed or any(_not_a_name(source.outlet) for source in parsed):
        return text, [], line
    return text[:start].rstrip(), [SourceData(outlet=s.outlet, date=s.date) for s in parsed], ""


def _not_a_name(outlet):
    return bool(re.search(r"[。！？；：:]", outlet))


def split_source(text, reference_date=None):
    """The shared rule's shape: (remaining, [SourceData]) for a paragraph (tests/test_source_line.py)."""
    remaining, sources, _ = read_tail(text, reference_date)
    return remaining, sources
