"""The masthead: 主办 (hosts), 编辑 (editors), 统筹 (coordinators), 电话 (phone), 传真 (fax).

Rules (tests in tests/test_parse_masthead.py):

* A label is followed by a full-width or ASCII colon, by spaces, or by nothing (its values then stand
  on the lines below it): ``主办：A``, ``主办: A``, ``主办 A``, ``主办`` / ``A`` / ``B``; its two
  characters may be spaced apart to justify a column (``主　办：A``, ``编 辑：甲``).
* Several labelled fields may share one line: ``主办：A  B 编辑：甲 乙 统筹：丙 电话：022-1 传真：022-2``
  (a label is recognised at the start of a line or after a space).
* Names are separated by spaces, U+3000, 、 or commas (，,；;); Latin words run on as one name
  ("BRI Institute"). Phone and fax keep their text (several numbers joined by one space).
* A field's values may continue on the lines below it until a blank line, another label, a heading
  or a TOC entry, or a line that cannot be one of its values (anything but numbers for 电话/传真; a
  sentence or a note's label such as 编者按 for names), which ends the masthead.

``read`` also says which line the masthead ended on, so that what follows it (an 编者按) can be kept
as the issue's editor's note.
"""

import re

LABELS = {"主办": "主办", "主办单位": "主办", "编辑": "编辑", "统筹": "统筹", "电话": "电话", "传真": "传真"}
# A label's two characters may be spaced apart to justify a column (主　办：).
LABEL = re.compile(r"(?:^|(?<=\s))(主\s?办(?:\s?单\s?位)?|编\s?辑|统\s?筹|电\s?话|传\s?真)(?:\s*[:：]\s*|\s+|$)")
NAME_SEPARATORS = re.compile(r"[\s\u3000、，,；;]+")


def fields():
    return {"主办": [], "编辑": [], "统筹": [], "电话": [], "传真": []}


def label_segments(text):
    """A line → [(label, value text)] when it starts with a label, else None."""
    matches = list(LABEL.finditer(text))
    if not matches or matches[0].start() != 0:
        return None
    segments = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        segments.append((LABELS[re.sub(r"\s", "", match.group(1))], text[match.end() : end].strip()))
    return segments


def split_names(text):
    names = []
    for token in (t for t in NAME_SEPARATORS.split(text.strip()) if t):
        if names and names[-1].isascii() and token.isascii() and not token[:1].isdigit():
            names[-1] = f"{names[-1]} {token}"
        else:
            names.append(token)
    return names


def add(values, label, text):
    text = text.strip()
    if not text:
        return
    if label in ("电话", "传真"):
        values[label].append(re.sub(r"\s+", " ", text))
    else:
        values[label] += split_names(text)


PHONE = re.compile(r"[\d\s\-－—()（）+转/、,，;；]+")
NOTE_LABEL = re.compile(r"^(?:编者按|编者的话|卷首语|本期导读)")


def _continues_field(label, text):
    """Whether a line without a label holds more of ``label``'s values: numbers for 电话/传真, names
    (short, no sentence punctuation, not a note's label) for the others."""
    if label in ("电话", "传真"):
        return bool(PHONE.fullmatch(text))
    return len(text) <= 60 and not re.search(r"[。！？：:]", text) and not NOTE_LABEL.match(text)


def read(lines, is_boundary):
    """``lines`` are (line number, text, hard break) of the header. Returns (values, index of the first
    masthead line or None, index of the last
    masthead line or None). ``is_boundary(text)`` says a line ends a field (a heading, a TOC entry)."""
    values, current, first, last = fields(), None, None, None
    for index, (_, text, _) in enumerate(lines):
        if not text:
            if current is not None and values[current]:
                current = None
            continue
        if is_boundary(text):
            current = None
            continue
        segments = label_segments(text)
        if segments:
            for label, value in segments:
                add(values, label, value)
            current, last = segments[-1][0], index
            first = index if first is None else first
        elif current is not None and _continues_field(current, text):
            add(values, current, text)
            last = index
        else:
            current = None
    return values, first, last
