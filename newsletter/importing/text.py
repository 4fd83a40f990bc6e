"""Text-level helpers shared by the parser and the exporter: decoding, normalising, punctuation rules."""

import re
import unicodedata

from .schema import ImportFailure

ENCODINGS = ("utf-8-sig", "gb18030")

# Sentence-final punctuation: a paragraph ending in one of these is complete.
TERMINAL = set("。！？!?；;…:：")
# Closing quotes and brackets that may follow the sentence-final mark (“……。” or （……。）).
CLOSERS = set("”’\"'）)」』】》]")
# A paragraph can't begin with these; one that does is the rest of the previous paragraph.
NON_INITIAL = set("，。、；：！？,.;:!?）)》」』”’…%")

_MATCH_TABLE = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "「": '"',
        "」": '"',
        "『": '"',
        "』": '"',
        "‘": '"',
        "’": '"',
        "'": '"',
        "—": "-",
        "–": "-",
        "－": "-",
        "·": "·",
        "•": "·",
        "・": "·",
    }
)


def decode(data, filename=""):
    """Bytes of an uploaded or read file → text; UTF-8 (with or without BOM) or GB18030 only."""
    if not data or not data.strip():
        raise ImportFailure("文件是空的。", filename=filename)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFailure(
            "文件是 UTF-16 编码，只接受 UTF-8（可带 BOM）或 GB18030，请另存后再导入。", filename=filename
        )
    head = data[:8192]
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32 and byte != 27)
    # NUL is looked for in the whole file, not just the head the other controls are counted in: one
    # further down used to reach PostgreSQL, which refuses it in any text (a traceback, not a message).
    if b"\x00" in data or controls > len(head) // 100:
        raise ImportFailure(
            "这不是文本文件（看起来是二进制文件），请导入由印刷版转换得到的 .txt 或 .md 文本。", filename=filename
        )
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not text.strip():
            raise ImportFailure("文件是空的。", filename=filename)
        return text
    raise ImportFailure("无法识别文件编码：只接受 UTF-8（可带 BOM）或 GB18030。", filename=filename)


def for_matching(text):
    """Fold what the conversion varies: width, spacing, quote style, dashes, Markdown emphasis."""
    text = unicodedata.normalize("NFKC", text or "").translate(_MATCH_TABLE)
    return re.sub(r"[\s*_#]+", "", text).lower()


def collapse_spaces(text):
    return re.sub(r"\s+", " ", text or "").strip()


def is_terminated(text):
    """Whether a paragraph ends a sentence (。！？；： …, possibly followed by a closing quote)."""
    text = (text or "").rstrip()
    while text and text[-1] in CLOSERS:
        if len(text) >= 2 and text[-2] in TERMINAL:
            return True
        text = text[:-1].rstrip()
    return bool(text) and text[-1] in TERMINAL


# A sentence closed by a bracketed aside or source line: "…。（大众日报 20210330）".
CLOSED_AFTER_SENTENCE = re.compile(r"[。！？!?][”’」』]?\s*[（(][^（）()]*[）)]\s*$")


def is_complete(text):
    """Whether a paragraph is complete: it ends a sentence, or a sentence and a bracketed aside after it."""
    return is_terminated(text) or bool(CLOSED_AFTER_SENTENCE.search(text or ""))


def looks_like_heading(text):
    """A short line without sentence punctuation: a title or subheading, which ends its paragraph."""
    return len(text) <= 25 and not re.search(r"[，。；：,;:]", text)


def continues(previous, following):
    """Whether ``following`` is the rest of the paragraph ``previous``, cut by a page or line break: it
    starts with what no paragraph starts with (，。、 …), or ``previous`` is neither a finished sentence
    nor a heading. Used by the importer for page breaks and by paste for a PDF viewer's lines."""
    if following[:1] in NON_INITIAL:
        return True
    return not is_terminated(previous) and not looks_like_heading(previous)


# "<" that would open an HTML tag in Markdown (a<b, </p>, <!--), except the emphasis tags the editor's
# own Markdown writes (body_format: <strong>…</strong>, <em>…</em>).
TAG_START = re.compile(r"<(?!/?(?:strong|em)>)(?=[A-Za-z/!?])")


def markdown_text(text):
    """Printed text as body Markdown: a "<" that would open a tag is written "&lt;", as the editor
    writes it, so it shows as printed and the editor's first save changes nothing."""
    return TAG_START.sub("&lt;", text or "")


def _is_ascii_word_char(char):
    return char.isascii() and (char.isalnum())


def join_broken(first, second):
    """Join two halves of a paragraph: no space between Han text, one between two Latin words."""
    first, second = first.rstrip(), second.lstrip()
    if first and second and _is_ascii_word_char(first[-1]) and _is_ascii_word_char(second[0]):
        if not (first[-1].isdigit() and second[0].isdigit()):
            return f"{first} {second}"
    return first + second
