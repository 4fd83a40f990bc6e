"""A print source line → its sources. Pure: no database access.

One rule for the importer (the line closing an article of the print edition) and for the admin's
「来源（一行）」 field, so an editor who pastes the line from the printed issue gets what an import of
that issue would have made:

* the line may be wrapped in full- or half-width brackets; 「来源：」「据」「摘自」「转自」 … (one
  pattern, ``PREFIX``, owned here: the Outlet model keeps any name it is given) before the line or
  before any outlet of it are not part of an outlet's name, and neither is 「报道」 closing
  「据新华社报道」 or 「综合新华社、人民网报道」; 综合 without a colon is a prefix before a space or before
  several names that end like outlets' (「综合新华社、人民网」 compiles reports) but 「综合开发研究院」 is
  a name; 「报道」「消息」 standing alone (「据《经济日报》报道」) and 「电」「消息」「报道」 right after a
  date (「据新华社 2019年3月5日电」) are not outlets;
* a periodical's issue (「《求是》2019年第5期」) is not an outlet;
* outlets are separated by spaces, 「、」「；」 or commas; a date closes the outlets before it
  (「金融时报 中央财经大学绿色金融国际研究院 20241210」 is two outlets of one date), outlets after the
  last date have none;
* dates: ``20241210``, ``2024-12-10``, ``2024.12.10``, ``2024/12/10``, ``2024年12月10日`` and
  ``12月10日`` (its year is the one that does not put it after the issue);
* an http(s) address belongs to the outlet before it;
* 「21 世纪经济报道」 is one outlet (a number never stands alone) and so is 「Financial Times」 (Latin
  words run on), as the PDF conversion spaces them.

A date that does not exist (``20241332``) or anything else that cannot be read raises
``SourceLineError`` with a message for the editor; nothing is guessed.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from .models.sources import normalize_outlet_name

MAX_LINE = 1000
MAX_SOURCES = 30

# The importer's gate: an article's last paragraph ends with "（… 20241210）".
SOURCE_TAIL = re.compile(r"[（(]([^（）()]*?\d{8})\s*[）)]\s*$")

# A periodical's issue (《求是》2019年第5期, 第 5 期): where in the outlet it was printed, not an outlet.
_PERIODICAL_ISSUE = re.compile(r"(?:\d{4}\s*年\s*)?总?第\s*\d{1,4}\s*期|\d{4}\s*年\s*\d{1,2}\s*期")
# 据新华社报道, 综合新华社、人民网报道: "报道"/"消息" after a name that ends like an outlet's is not part of it
# (21世纪经济报道 is a paper).
OUTLET_ENDING = re.compile(
    r"(?:报|社|网|台|刊|志|财经|新闻|客户端|视点|在线|观察|周刊|日报|时报|晚报|电视台|通讯|研究院|"
    r"times|news|post|journal|daily|reuters|bloomberg|review)$",
    re.IGNORECASE,
)
_REPORT_WORD = re.compile(r"(?:报道|消息)$")
# The words that introduce a source (来源：人民日报, 据新华社, 摘自求是) — the one prefix pattern, for the
# line and for each of its outlets. 综合 and source also begin names (综合开发研究院, SourceForge): they
# are prefixes with a colon, 综合 also before a space or before several outlets (综合新华社、人民网;
# ``compiled`` is then checked by strip_prefix).
_PREFIX_WORDS = r"资料来源|信息来源|来源|出处|来自|摘编自|摘自|转载自|转自|据"
PREFIX = re.compile(
    rf"^\s*(?:(?:{_PREFIX_WORDS}|综合|source)\s*[:：]|(?:{_PREFIX_WORDS})|综合(?=\s)|(?P<compiled>综合))\s*",
    re.IGNORECASE,
)
# What a dispatch says after its date (据新华社 2019年3月5日电, …消息, …报道): not an outlet.
_AFTER_DATE = re.compile(r"\s*(?:电|讯|消息|报道)(?=[\s、；;，,]|$)")
_LONE_REPORT_WORD = re.compile(r"电|讯|消息|报道")
_DATE = re.compile(
    r"(?<!\d)(?:"
    r"(?P<compact>\d{8})"
    r"|(?P<y1>\d{4})\s*[-./／－]\s*(?P<m1>\d{1,2})\s*[-./／－]\s*(?P<d1>\d{1,2})"
    r"|(?P<y2>\d{4})\s*年\s*(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*[日号]"
    r"|(?P<m3>\d{1,2})\s*月\s*(?P<d3>\d{1,2})\s*[日号]"
    r")(?!\d)"
)
# What is left of a date the patterns above did not take: a number, "2024年12月", "12月".
_PARTIAL_DATE = re.compile(r"[\d年月日号./\-／－ ]+")
_URL = re.compile(r"https?://[^\s、；;，,（）()<>\"']+", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s、；;，,《》〈〉]+")  # 《人民日报》: title marks only delimit a name
_FORBIDDEN = "【】[]<>{}"


class SourceLineError(ValueError):
    """A source line that cannot be read; the message is for the editor."""


@dataclass(frozen=True)
class ParsedSource:
    outlet: str
    date: datetime.date | None = None
    url: str = ""


def parse_source_line(text, *, reference_date=None):
    """``text`` → [ParsedSource] in line order; an empty line is no sources.

    ``reference_date`` (the issue's date; today when None) gives the year of a date printed without one.
    """
    line = re.sub(r"\s+", " ", text or "").strip()
    if not line:
        return []
    if len(line) > MAX_LINE:
        raise SourceLineError(f"来源行太长（{len(line)} 字），最多 {MAX_LINE} 字。")
    line = _PERIODICAL_ISSUE.sub(" ", _unwrap(line))
    sources, pending, last = [], [], None  # pending: [name, url] of outlets still waiting for a date
    position = 0
    for match in _tokens(line):
        _add_names(line[position : match.start()], pending)
        position = match.end()
        if match.re is _URL:
            target = pending[-1] if pending else last
            if target is None:
                raise SourceLineError(f"网址“{match.group(0)}”前没有媒体名称。")
            if target[1]:
                raise SourceLineError(f"“{target[0]}”后面有两个网址，每个来源只能有一个。")
            target[1] = match.group(0).rstrip(".。")
            continue
        if not pending:
            raise SourceLineError(f"日期“{match.group(0)}”前没有媒体名称。")
        date = _date(match, reference_date)
        sources += [(entry, date) for entry in pending]
        last, pending = pending[-1], []
        after = _AFTER_DATE.match(line, position)
        if after:
            position = after.end()
    _add_names(line[position:], pending)
    sources += [(entry, None) for entry in pending]
    if len(sources) > MAX_SOURCES:
        raise SourceLineError(f"一行最多 {MAX_SOURCES} 个来源，这一行有 {len(sources)} 个。")
    # The [name, url] pairs are shared with `last`, so an address after a date reaches its outlet.
    return [ParsedSource(outlet=name, date=date, url=url) for (name, url), date in sources]


def split_source_tail(text):
    """An article's last paragraph → (the paragraph without its source line, [ParsedSource]).

    The importer's rule: only a bracketed tail ending in an eight-digit date is a source line, and
    one that does not read as sources (a date that does not exist, a bracket of other text) is left
    in the paragraph.
    """
    match = SOURCE_TAIL.search(text)
    if not match:
        return text, []
    try:
        sources = parse_source_line(match.group(0))
    except SourceLineError:
        return text, []
    if not sources or any(source.date is None for source in sources):
        return text, []
    return text[: match.start()].rstrip(), sources


def outlet_key(name):
    """What makes two spellings one outlet: spacing (as stored), width and letter case."""
    return unicodedata.normalize("NFKC", normalize_outlet_name(name)).casefold()


def _unwrap(line):
    line = line.rstrip("。.；; ")
    line = strip_prefix(line, whole=False)
    if line[:1] in "（(" and line[-1:] in "）)":
        line = line[1:-1].strip()
    line = strip_prefix(line, whole=False)
    rest = _URL.sub("", line)
    if any(char in _FORBIDDEN for char in rest) or not _balanced(rest):
        raise SourceLineError(
            "来源行里只能有成对的圆括号（如“人民日报（海外版）”），不能有尖括号、方括号或不成对的括号。"
        )
    if not line:
        raise SourceLineError("来源行里没有媒体名称。")
    return line


def _balanced(text):
    depth = 0
    for char in text:
        depth += 1 if char in "（(" else -1 if char in "）)" else 0
        if depth not in (0, 1):
            return False
    return depth == 0


def _tokens(line):
    """URLs and dates, in order; a date inside a URL is part of the URL."""
    urls = list(_URL.finditer(line))
    taken = [(m.start(), m.end()) for m in urls]
    dates = [m for m in _DATE.finditer(line) if not any(a <= m.start() < b for a, b in taken)]
    return sorted(urls + dates, key=lambda m: m.start())


def _add_names(segment, pending):
    tokens = [token for token in _SEPARATORS.split(segment.strip()) if token]
    for name in _outlet_names(tokens):
        if _PARTIAL_DATE.fullmatch(name):
            raise SourceLineError(f"“{name}”不是完整的日期，请按“20241210”或“2024年12月10日”填写。")
        if any(unicodedata.category(char)[0] == "C" for char in name):
            raise SourceLineError("媒体名称里有不可见的控制字符。")
        pending.append([name, ""])


def _outlet_names(tokens):
    """Space-separated outlets; "21 世纪经济报道" is one name (a number never stands alone), and so is
    "Financial Times" (Latin words run on); "Financial Times 21世纪经济报道" is two."""
    names = []
    for token in tokens:
        if _LONE_REPORT_WORD.fullmatch(token):
            continue  # 据《经济日报》报道: the report word after a title is no outlet
        if names and PREFIX.fullmatch(names[-1] + " "):
            names[-1] += token  # "资料来源： 经济日报": the prefix goes with the name after it
        elif names and (names[-1].isdigit() or (names[-1].isascii() and token.isascii() and not token.isdigit())):
            names[-1] = f"{names[-1]} {token}"
        else:
            names.append(token)
    return [_without_report_word(normalize_outlet_name(strip_prefix(name))) for name in names]


def strip_prefix(text, *, whole=True):
    """The text without the words that introduce a source ("据新华社" → "新华社", "来源：据新华社" →
    "新华社"); 综合 without a colon only before a space or several outlets. ``whole``: a prefix that is
    all of the text is kept (it is no name then)."""
    while match := PREFIX.match(text):
        rest = text[match.end() :]
        if (whole and not rest) or match.end() == 0:
            break
        if match.group("compiled") is not None and not _several_outlets(rest):
            break
        text = rest
    return text


def _several_outlets(rest):
    """综合新华社、人民网: two or more names after 综合, each ending like an outlet's (dates aside)."""
    names = [_REPORT_WORD.sub("", t) for t in _SEPARATORS.split(rest) if t and not re.search(r"\d", t)]
    names = [name for name in names if name]
    return len(names) >= 2 and all(OUTLET_ENDING.search(name) or name.isascii() for name in names)


def _without_report_word(name):
    bare = _REPORT_WORD.sub("", name)
    return bare if bare != name and OUTLET_ENDING.search(bare) else name


def _date(match, reference_date):
    text = match.group(0)
    if match.group("compact"):
        value = match.group("compact")
        parts = (int(value[:4]), int(value[4:6]), int(value[6:]))
    elif match.group("y1"):
        parts = (int(match.group("y1")), int(match.group("m1")), int(match.group("d1")))
    elif match.group("y2"):
        parts = (int(match.group("y2")), int(match.group("m2")), int(match.group("d2")))
    else:
        reference = reference_date or datetime.date.today()
        month, day = int(match.group("m3")), int(match.group("d3"))
        date = _valid(text, reference.year, month, day)
        # A source is printed before its issue: 12月28日 in an issue of 10 January is last year's.
        if date > reference + datetime.timedelta(days=31):
            date = _valid(text, reference.year - 1, month, day)
        return date
    return _valid(text, *parts)


def _valid(text, year, month, day):
    if not 1900 <= year <= 2100:
        raise SourceLineError(f"日期“{text}”的年份不对，请按“20241210”或“2024年12月10日”填写。")
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise SourceLineError(f"日期“{text}”不是有效日期，请按“20241210”或“2024年12月10日”填写。") from None
