"""The block model of an article body, shared by the two directions of ``newsletter.body_format``:
blocks (paragraph, heading, list, quote, table, figure, outside image) holding runs of text with
marks (bold, italic, link), and the whitespace rule text follows on its way in.

Whitespace follows what a browser shows: runs become one space, NBSP a space, and a line break
between two Chinese characters disappears (a browser's segment-break rule for Han text), so no
space is ever put between Chinese characters.
"""

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Marks:
    bold: bool = False
    italic: bool = False
    href: str | None = None


PLAIN = Marks()


@dataclass
class Paragraph:
    runs: list  # [(text, Marks)]


@dataclass
class Heading:
    level: int  # 2 or 3
    runs: list


@dataclass
class BulletList:
    ordered: bool
    items: list  # [runs]
    start: int = 1


@dataclass
class Quote:
    blocks: list = field(default_factory=list)


@dataclass
class Table:
    rows: list  # [[runs]]; the first row is the header


@dataclass
class FigureRef:
    number: int


@dataclass
class Image:
    src: str
    alt: str


# ---------------------------------------------------------------------------------------------
# Text and marks.

# Han ideographs, kana, Hangul, and the CJK and full-width punctuation that sits between them.
_CJK = re.compile(
    "[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff\u2018\u2019\u201c\u201d\u2026\u2014]"
)
_SPACE_CHARS = " \t\n\r\f\v\xa0\u2028\u2029"
ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\x00-\x08\x0e-\x1f\x7f\ufffe\uffff]")
# Line breaks, Word's manual line break (U+000B) and form feeds among them.
_BREAK_CHARS = "\n\r\x0b\x0c\x85\u2028\u2029"


def _is_space(char):
    # U+3000 (ideographic space) is a character of Chinese text, not whitespace to collapse.
    return char in _SPACE_CHARS or (char.isspace() and char != "\u3000")


def normalise_runs(runs):
    """Whitespace as a browser shows it, and no mark starting or ending with a space.

    A run of whitespace becomes one space, or nothing at the ends and where it holds a line break
    next to a Chinese character; a kept space carries only the marks both its neighbours have."""
    chars = [(ch, marks) for text, marks in runs for ch in ZERO_WIDTH.sub("", text)]
    out = []
    i, n = 0, len(chars)
    while i < n:
        ch, marks = chars[i]
        if not _is_space(ch):
            out.append((ch, marks))
            i += 1
            continue
        j = i
        has_break = False
        while j < n and _is_space(chars[j][0]):
            has_break = has_break or chars[j][0] in _BREAK_CHARS
            j += 1
        if out and j < n:
            left, right = out[-1], chars[j]
            if not (has_break and (_CJK.match(left[0]) or _CJK.match(right[0]))):
                out.append((" ", _common(left[1], right[1])))
        i = j
    return _group(out)


def _common(a, b):
    return Marks(a.bold and b.bold, a.italic and b.italic, a.href if a.href == b.href else None)


def _group(chars):
    runs = []
    for ch, marks in chars:
        if runs and runs[-1][1] == marks:
            runs[-1][0].append(ch)
        else:
            runs.append(([ch], marks))
    return [("".join(text), marks) for text, marks in runs]


def text_of(runs):
    return "".join(text for text, _ in runs)


def join_runs(parts):
    """Several runs lists read as one (list item paragraphs, table cell paragraphs): joined by a
    line break, which the whitespace rule turns into a space or, next to Chinese, nothing."""
    joined = []
    for runs in parts:
        if joined and runs:
            joined.append(("\n", PLAIN))
        joined.extend(runs)
    return normalise_runs(joined)


def group_runs(runs, key):
    groups = []
    for text, marks in runs:
        value = key(marks)
        if groups and groups[-1][0] == value:
            groups[-1][1].append((text, marks))
        else:
            groups.append((value, [(text, marks)]))
    return groups
