"""TOC entries → the body blocks that start their articles.

Rules (tests in tests/test_parse_titles.py):

* Titles are compared as ``text.for_matching`` folds them (spacing, width, quote style, dashes and
  Markdown emphasis aside), in order: each entry is looked for after the previous one's article.
* A body title is a heading, a bold line, or a short plain line (at most 60 characters).
* A TOC entry wrapped over two lines reads as two entries: when the first is not a body title but
  the two together are, they are one title. A body heading wrapped over two lines (a heading followed
  by a second heading of its level, a bold line or a short line without sentence punctuation) is one
  title when together they are the TOC's title.
* Joining the halves of a title adds no space inside a Latin word, a number or a URL; a matched title
  is the body's wording, so the space a body heading has between Chinese and digits is kept
  (``深圳发布 11 条举措…``), and the TOC title is the same text when they match exactly.
* A TOC title that is a shortened or slightly different form of a body title (a heading, a bold line
  or a plain short line without sentence end) still matches; the article's title is then the body's,
  its TOC title the TOC's, and ``Notice(APPROXIMATE_TITLE, text="<TOC title> → <body title>")`` says so.
  A TOC entry both wrapped and shortened (``苏州工业园区发布生物医药`` / ``新政`` for the body's
  ``苏州工业园区发布生物医药新政 推动产业集群发展``) is matched as one title when its second half
  has no body title of its own.
"""

import difflib
import re

from .blocks import Block
from .schema import Notice
from .text import collapse_spaces, for_matching, is_terminated

MAX_TITLE_LINE = 60
URL_END = re.compile(r"https?://\S*$")


def join_title(first, second):
    """The halves of a wrapped title: no space inside a Latin word, a number or a URL; one space
    between Han text and a Latin word or a number, as the print edition spaces them."""
    first, second = first.rstrip(), second.lstrip()
    if not first or not second:
        return first + second
    a, b = first[-1], second[0]
    if URL_END.search(first) or (a.isascii() and b.isascii()):
        return first + second
    if (a.isascii() and a.isalnum()) != (b.isascii() and b.isalnum()) and (a.isalnum() and b.isalnum()):
        return f"{first} {second}"
    return first + second


def _candidate(block, exact):
    if block.kind in ("heading", "bold"):
        return True
    if block.kind != "text" or len(block.text) > MAX_TITLE_LINE:
        return False
    return exact or not is_terminated(block.text)


def _continuation(block, following):
    """Whether ``following`` can be the second line of the wrapped title ``block``."""
    if following.kind == "heading":
        return block.kind == "heading" and following.level == block.level
    if following.kind in ("bold", "text"):
        return len(following.text) <= MAX_TITLE_LINE and not re.search(r"[，。；！？]", following.text)
    return False


def _is_subsequence(short, long):
    letters = iter(long)
    return all(char in letters for char in short)


def similarity(found, wanted):
    """How well a body title and a TOC title match when they are not equal (0 when they do not): the
    TOC shortens the title (a prefix, a part, or the title with words left out) or words it slightly
    differently."""
    if not found or not wanted:
        return 0.0
    shorter, longer = sorted((found, wanted), key=len)
    if len(shorter) >= 6 and longer.startswith(shorter):
        return 0.96
    half = len(shorter) * 2 >= len(longer)
    if len(shorter) >= 4 and shorter in longer and half:
        return 0.93
    if len(shorter) >= 6 and half and shorter[0] == longer[0] and _is_subsequence(shorter, longer):
        return 0.9
    ratio = difflib.SequenceMatcher(None, found, wanted).ratio()
    return ratio if ratio >= 0.85 else 0.0


def find(blocks, position, title):
    """Index of the block at or after ``position`` that is ``title`` (as folded); a heading wrapped over
    two blocks is merged into one first."""
    wanted = for_matching(title)
    for index in range(position, len(blocks)):
        block = blocks[index]
        if not _candidate(block, exact=True):
            continue
        found = for_matching(block.text)
        if found == wanted:
            return index
        if wanted.startswith(found) and index + 1 < len(blocks):
            following = blocks[index + 1]
            if _continuation(block, following) and found + for_matching(following.text) == wanted:
                _merge(blocks, index)
                return index
    return None


def find_similar(blocks, position, end, title):
    """The block in ``blocks[position:end]`` most like ``title`` (the earliest of equals), or None."""
    wanted, best, best_score = for_matching(title), None, 0.0
    for index in range(position, min(end, len(blocks))):
        block = blocks[index]
        if _candidate(block, exact=False):
            score = similarity(for_matching(block.text), wanted)
            if score > best_score:
                best, best_score = index, score
    return best


def _merge(blocks, index):
    block, following = blocks[index], blocks[index + 1]
    blocks[index : index + 2] = [Block(block.kind, join_title(block.text, following.text), block.line, block.level)]


def match(blocks, entries, fail, warnings):
    """[(block index, region, TOC title, exact, joined)] for the TOC ``entries`` [(region, title, line)];
    ``joined`` when two TOC entries were one wrapped title."""
    starts, position, k = [], 0, 0
    while k < len(entries):
        region, title, line = entries[k]
        following = entries[k + 1] if k + 1 < len(entries) and entries[k + 1][0] == region else None
        index = find(blocks, position, title)
        exact, joined = index is not None, False
        if index is not None and following and index + 1 < len(blocks):
            # Both halves of a wrapped title found as two lines: one title (an article has a body).
            second = blocks[index + 1]
            if _continuation(blocks[index], second) and for_matching(second.text) == for_matching(following[1]):
                _merge(blocks, index)
                title, joined = join_title(title, following[1]), True
                k += 1
        if index is None and following:
            joined_title = join_title(title, following[1])
            index = find(blocks, position, joined_title)
            if index is not None:
                title, exact, joined = joined_title, True, True
                k += 1
        if index is None and following and find_similar(blocks, position, len(blocks), following[1]) is None:
            # Wrapped and shortened: the second half has no body title of its own, the two together
            # are the title looked for.
            after = find(blocks, position, entries[k + 2][1]) if k + 2 < len(entries) else None
            joined_title = join_title(title, following[1])
            index = find_similar(blocks, position, len(blocks) if after is None else after, joined_title)
            if index is not None:
                title, joined = joined_title, True
                k += 1
        if index is None:
            # Not beyond the next entry's own title, so a shortened title cannot take a later article's.
            bound = find(blocks, position, entries[k + 1][1]) if k + 1 < len(entries) else None
            index = find_similar(blocks, position, len(blocks) if bound is None else bound, title)
        if index is not None and not exact:
            body_title = collapse_spaces(blocks[index].text)
            warnings.append(
                Notice(
                    Notice.APPROXIMATE_TITLE,
                    f"目录中的“{title}”与正文标题“{body_title}”不完全相同，已按近似匹配。",
                    text=f"{title} → {body_title}",
                    line=line,
                )
            )
        if index is None:
            fail(f"目录中的“{title}”在正文中找不到对应的标题。", line)
        starts.append((index, region, title, exact, joined))
        position = index + 1
        k += 1
    return starts
