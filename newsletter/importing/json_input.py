"""The project's own JSON export (``export_issue --format json``, ``IssueData.to_json()``) → ``IssueData``.

The object is checked field by field before anything is made of it: a missing or wrong field gets a
Chinese message naming it (``sections[2].articles[0].title``), and nothing is written. Keys the
schema does not have (the ``report`` an ``import_issue --json`` line carries) are ignored. Text goes
through the rules every text entering the system does (``text_input``): names, titles and captions
are single lines, the body and the editor's note keep their line breaks.
"""

import datetime
import json
import re

from newsletter.body_format import canonical_markdown
from newsletter.text_input import multi_line, single_line

from .schema import ImportFailure, IssueData
from .text import decode

MAX_SECTIONS = 100
MAX_ARTICLES = 500  # an issue of the newsletter has a few dozen
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TEXT_LISTS = ("hosts", "editors", "coordinators")
_ISSUE_TEXTS = ("phone", "fax")
_ARTICLE_LISTS = ("subheadings", "region_tags")


class _Bad(Exception):
    pass


def read_json(content, filename=""):
    text = decode(content, filename)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFailure(
            f"不是有效的 JSON（第 {error.lineno} 行第 {error.colno} 列：{error.msg}）。", filename=filename
        ) from error
    except RecursionError as error:
        raise ImportFailure("JSON 嵌套过深，不是本系统导出的文件。", filename=filename) from error
    except ValueError as error:  # an integer of more digits than Python converts (4300)
        raise ImportFailure("JSON 中有数字位数过多，不是本系统导出的文件。", filename=filename) from error
    try:
        cleaned = _issue(data)
    except _Bad as bad:
        raise ImportFailure(f"JSON 内容不符合本系统导出的格式：{bad}", filename=filename) from bad
    return IssueData.from_json(cleaned)


def _issue(data):
    if not isinstance(data, dict):
        raise _Bad("最外层应是一个对象（{…}），即一期刊物。")
    out = {
        "publication": _text(data, "publication", required=True),
        "year": _number(data, "year", 1900, 2200),
        "number": _number(data, "number", 1, 999),
        "total_number": _number(data, "total_number", 1, 99999),
        "issue_date": _date(data, "issue_date", required=True),
        "editor_note": _text(data, "editor_note", multiline=True),
    }
    for key in _TEXT_LISTS:
        out[key] = _text_list(data, key)
    for key in _ISSUE_TEXTS:
        out[key] = _text(data, key)
    sections = _list(data, "sections", "sections", required=True)
    if not sections:
        raise _Bad("“sections”是空的：一期至少要有一个栏目。")
    if len(sections) > MAX_SECTIONS:
        raise _Bad(f"有 {len(sections)} 个栏目，一期最多 {MAX_SECTIONS} 个。")
    count = sum(len(s["articles"]) for s in sections if isinstance(s, dict) and isinstance(s.get("articles"), list))
    if count > MAX_ARTICLES:
        raise _Bad(f"有 {count} 篇文章，一期最多 {MAX_ARTICLES} 篇文章。")
    out["sections"] = [_section(section, f"sections[{i}]") for i, section in enumerate(sections)]
    return out


def _section(data, where):
    _object(data, where)
    articles = _list(data, "articles", f"{where}.articles", required=True)
    return {
        "region": _text(data, "region", where, required=True),
        "articles": [_article(article, f"{where}.articles[{i}]") for i, article in enumerate(articles)],
    }


def _article(data, where):
    _object(data, where)
    out = {
        "title": _text(data, "title", where, required=True),
        "toc_title": _text(data, "toc_title", where),
        # Stored as the editor would store it: raw HTML becomes text, links keep only safe addresses.
        "body_markdown": canonical_markdown(_text(data, "body_markdown", where, multiline=True)),
    }
    for key in _ARTICLE_LISTS:
        out[key] = _text_list(data, key, where)
    out["sources"] = [
        {
            "outlet": _text(s, "outlet", f"{where}.sources[{i}]", required=True),
            "date": _date(s, "date", f"{where}.sources[{i}]"),
        }
        for i, s in enumerate(_list(data, "sources", f"{where}.sources"))
        if _object(s, f"{where}.sources[{i}]")
    ]
    out["figures"] = [
        {
            "caption": _text(f, "caption", f"{where}.figures[{i}]", required=True),
            "credit": _text(f, "credit", f"{where}.figures[{i}]"),
            "alt": _text(f, "alt", f"{where}.figures[{i}]"),
        }
        for i, f in enumerate(_list(data, "figures", f"{where}.figures"))
        if _object(f, f"{where}.figures[{i}]")
    ]
    return out


def _shown(value):
    """A wrong value as the message quotes it (cut short; a deeply nested one only named)."""
    try:
        return json.dumps(value, ensure_ascii=False)[:40]
    except (RecursionError, ValueError):
        return type(value).__name__


def _name(where, key):
    return f"{where}.{key}" if where else key


def _object(value, where):
    if not isinstance(value, dict):
        raise _Bad(f"“{where}”应是一个对象（{{…}}）。")
    return True


def _list(data, key, where, *, required=False):
    if key not in data or data[key] is None:
        if required:
            raise _Bad(f"缺少字段“{where}”。")
        return []
    if not isinstance(data[key], list):
        raise _Bad(f"字段“{where}”应是列表（[…]）。")
    return data[key]


def _text(data, key, where="", *, required=False, multiline=False):
    name = _name(where, key)
    value = data.get(key)
    if value is None:
        if required:
            raise _Bad(f"缺少字段“{name}”。")
        return ""
    if not isinstance(value, str):
        raise _Bad(f"字段“{name}”应是文字（字符串），现在是 {_shown(value)}。")
    value = multi_line(value).strip() if multiline else single_line(value)
    if required and not value:
        raise _Bad(f"字段“{name}”不能为空。")
    return value


def _text_list(data, key, where=""):
    name = _name(where, key)
    values = _list(data, key, name)
    if not all(isinstance(v, str) for v in values):
        raise _Bad(f"字段“{name}”应是文字的列表。")
    return [cleaned for cleaned in (single_line(v) for v in values) if cleaned]


def _number(data, key, low, high):
    value = data.get(key)
    if value is None:
        raise _Bad(f"缺少字段“{key}”。")
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(f"字段“{key}”应是整数，现在是 {_shown(value)}。")
    if not low <= value <= high:
        raise _Bad(f"字段“{key}”应在 {low} 到 {high} 之间，现在是 {_shown(value)}。")
    return value


def _date(data, key, where="", *, required=False):
    name = _name(where, key)
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise _Bad(f"缺少字段“{name}”。")
        return None
    bad = _Bad(f"字段“{name}”应是 YYYY-MM-DD 形式的日期，现在是 {_shown(value)}。")
    if not isinstance(value, str) or not _DATE.match(value):
        raise bad
    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError as error:
        raise bad from error
