"""The table of contents and section labels.

Rules (tests in tests/test_parse_titles.py and tests/test_parse_regions.py):

* The TOC is the first run of bullets ``- 【栏目】 标题  标题`` (bullet -, *, +, •, ·, ●); in a file
  without any, the first run of plain lines ``【栏目】标题`` whose title is not a sentence. Titles on one
  entry are separated by line breaks or by runs of two or more spaces (or U+3000); lines after an
  entry that are not entries, headings or masthead labels (an indented continuation line, or a bullet
  without a label) hold more titles of the same section.
* A section label is read with the spacing inside its brackets removed: 【区　域】, 【 区域 】 and
  【区域】 are one label, in the TOC and in the body.
* The sections of the issue are its TOC's labels in TOC order.
* A TOC entry wrapped over two lines reads as two entries here; the title matching joins them again
  (titles.py).
"""

import re

from .text import collapse_spaces, is_terminated

BULLET = re.compile(r"^[-*+•·●]\s*【([^【】]{1,30})】\s*(.*)$")
CONTINUATION_BULLET = re.compile(r"^[-*+•·●]\s+")
PLAIN = re.compile(r"^【([^【】]{1,30})】\s*(.*)$")
LABEL = re.compile(r"^【([^【】]{1,30})】")
HEADING = re.compile(r"^#{1,6}\s")


def label_name(inner):
    """The text inside 【】 → the label, without any spacing (【区　域】 → 区域); "" when it is not a
    label (empty, or a sentence)."""
    name = re.sub(r"\s+", "", inner or "")
    if not name or re.search(r"[，。；！？,;!?：:]", name):
        return ""
    return name


# A printed TOC's page number after its title, with or without dot leaders: "标题 …… 3", "标题  3".
PAGE_REFERENCE = re.compile(r"^(?:[.．·…\s]*\d{1,3}|[.．·…]+)$")
LEADER = re.compile(r"\s*[.．·…]{2,}\s*\d{0,3}\s*$")


def split_titles(text):
    """TOC titles on one bullet are separated by line breaks or by runs of two or more spaces; a page
    number (with its dot leaders) is not a title."""
    parts = [LEADER.sub("", part) for part in re.split(r"\s{2,}|\u3000+", text.strip())]
    return [collapse_spaces(part) for part in parts if part.strip() and not PAGE_REFERENCE.match(part.strip())]


def read(lines, is_label_line):
    """The table of contents: (start index, end index, [(region, title, line number)]). The first run
    of bullets; in a file without bullets, the first run of plain ``【栏目】标题`` lines."""
    found = _read(lines, is_label_line, BULLET)
    return found if found[2] else _read(lines, is_label_line, PLAIN)


def _entry(pattern, text):
    match = pattern.match(text)
    if not match or not label_name(match.group(1)):
        return None
    if pattern is PLAIN and (not match.group(2).strip() or is_terminated(match.group(2))):
        return None  # 【北京】 alone, or a paragraph with a region lead: not a TOC line
    return label_name(match.group(1)), match.group(2)


def _read(lines, is_label_line, pattern):
    entries, start, end, current = [], None, None, None
    index = 0
    while index < len(lines):
        number, text, _ = lines[index]
        entry = _entry(pattern, text)
        if entry:
            if start is None:
                start = index
            current = entry[0]
            entries += [(current, title, number) for title in split_titles(entry[1])]
        elif start is not None:
            if not text:
                following = next((t for _, t, _ in lines[index:] if t), "")
                if not _entry(pattern, following):
                    end = index
                    break
            elif current is not None and not HEADING.match(text) and not is_label_line(text):
                # A title on a bullet of its own under the section's first one: - 【区域】 A / - B
                text = CONTINUATION_BULLET.sub("", text)
                entries += [(current, title, number) for title in split_titles(text)]
            else:
                end = index
                break
        index += 1
    if start is None:
        return 0, 0, []
    return start, end if end is not None else len(lines), entries
