"""The issue's header: year and number, total number, date of issue, the publication's title and subtitle.

Rules (each has tests in tests/test_parse_header.py):

* The header's facts may share one line or stand on several (a number without its year, ``第5期``,
  takes the year of a date printed with one): ``2019年第5期（总第140期） 3月7日印发``
  or ``2019 年第 5 期`` / ``(总第 140 期)`` / ``3 月 7 日印发``. A header line holds nothing else: a
  line of body text that mentions "2019年第5期" is not the header.
* Digits and brackets may be full-width (２０１９年第５期、（总第１４０期）): header lines are read
  after NFKC folding.
* A header line may also carry the publication's name in 《》 (``《双周决策观察》2019年第5期``).
* The date is the one marked 印发 (``3月7日印发``, ``印发日期：2019年3月7日``); a date without 印发 (``3月7日`` or ``2019年3月7日``) is taken when
  it is unambiguous: the only such line in the header. Without a year, the date's year is the issue's,
  except that the first issues of a year may be printed in late December and the last in January.
* The title is the header's first ``#`` heading, the subtitle the heading after it; a file without
  Markdown marks has them as the two plain lines after the header's facts.
"""

import datetime
import re
import unicodedata

from .text import collapse_spaces

ISSUE = re.compile(r"(\d{4})\s*年\s*第\s*(\d{1,3})\s*期")
TOTAL = re.compile(r"[(\[]?\s*总\s*第\s*(\d{1,5})\s*期\s*[)\]]?")
NUMBER = re.compile(r"第\s*(\d{1,3})\s*期")  # the number without its year (the date gives the year)
DATE = re.compile(
    r"(?P<label>(?:印发|出版|编印)日期\s*[:：]?\s*)?"
    r"(?:(?P<year>\d{4})\s*年\s*)?(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*[日号]\s*(?P<yinfa>印\s*发)?"
)
# The publication's name printed on the issue line: 《双周决策观察》2019年第5期.
NAME_ON_LINE = re.compile(r"《[^《》]{1,30}》")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")


def fold(text):
    """Full-width digits, letters and brackets → ASCII (２０１９ → 2019, （ → ()."""
    return unicodedata.normalize("NFKC", text)


def _remove(pattern, text):
    match = pattern.search(text)
    if not match:
        return None, text
    return match, (text[: match.start()] + " " + text[match.end() :]).strip()


def header_facts(text):
    """A header line → {"issue": match, "total": match, "date": match} for what it holds, or None when the
    line holds anything else as well (then it is not a header line)."""
    rest = fold(text).strip().strip("|").strip()
    found = {}
    for key, pattern in (("issue", ISSUE), ("total", TOTAL), ("number", NUMBER), ("date", DATE)):
        match, rest = _remove(pattern, rest)
        if match:
            found[key] = match
    if not found or re.sub(r"[\s,，、·|/]+", "", NAME_ON_LINE.sub("", rest)):
        return None
    return found


def issue_line(lines):
    """The first line holding the year and number: (index, year, number) or None. A number printed
    without its year (``第5期``) takes the year of the header's date when that is printed with one."""
    facts = [(index, header_facts(text)) for index, (_, text, _) in enumerate(lines) if "期" in text or "月" in text]
    facts = [(index, found) for index, found in facts if found]
    for index, found in facts:
        if "issue" in found:
            return index, int(found["issue"].group(1)), int(found["issue"].group(2))
    years = [int(f["date"].group("year")) for _, f in facts if "date" in f and f["date"].group("year")]
    for index, found in facts:
        if "number" in found and years:
            return index, years[0], int(found["number"].group(1))
    return None


def total_number(header):
    """(total, line number) from the header lines, or (None, None)."""
    for number, text, _ in header:
        facts = header_facts(text)
        if facts and "total" in facts:
            return int(facts["total"].group(1)), number
    return None, None


def issue_date(header, year, number):
    """(date, text as printed, line number) or (None, "", None); ValueError names what is wrong.

    The 印发 date wins; otherwise a lone date line, when there is exactly one."""
    marked, plain = [], []
    for line_number, text, _ in header:
        facts = header_facts(text)
        if facts and "date" in facts:
            match = facts["date"]
            (marked if match.group("yinfa") or match.group("label") else plain).append((match, line_number))
    candidates = marked or (plain if len({m.group(0) for m, _ in plain}) == 1 else [])
    if not candidates:
        return None, "", None
    match, line_number = candidates[0]
    month, day = int(match.group("month")), int(match.group("day"))
    date_year = int(match.group("year")) if match.group("year") else year
    if not match.group("year"):
        # The first 期 of a year can be printed in late December, the last in early January.
        if number <= 2 and month == 12:
            date_year -= 1
        elif number >= 20 and month == 1:
            date_year += 1
    printed = collapse_spaces(match.group(0))
    try:
        return datetime.date(date_year, month, day), printed, line_number
    except ValueError:
        return None, printed, line_number


def titles(header):
    """(title, subtitle): the header's first level-1 heading and the heading after it; in a file
    without Markdown marks, the first plain line after the header's facts and the line after it."""
    title = subtitle = ""
    for _, text, _ in header:
        match = HEADING.match(text)
        if not match:
            continue
        if not title and len(match.group(1)) == 1:
            title = collapse_spaces(match.group(2))
        elif title and not subtitle:
            subtitle = collapse_spaces(match.group(2).strip("—- "))
            break
    if title:
        return title, subtitle
    last_fact = max((i for i, (_, text, _) in enumerate(header) if text and header_facts(text)), default=None)
    if last_fact is None:
        return "", ""
    plain = [text for _, text, _ in header[last_fact + 1 :] if text]
    plain = [text for text in plain[:2] if len(text) <= 30 and not re.search(r"[，。；！？：:]", text)]
    return (collapse_spaces(plain[0]) if plain else ""), (
        collapse_spaces(plain[1].strip("—- ")) if len(plain) > 1 else ""
    )
