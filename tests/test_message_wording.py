"""Every Chinese message the newsletter and regions apps show people is worded the house way: 「您」,
never 「你」; a sentence ends with 。！？; punctuation inside Chinese text is full-width.

Which strings are messages (read from the source with ``ast``, so a new message is checked the day it
is written): the text of ``messages.<level>(request, …)``, of every exception raised (``raise X(…)``),
of ``ValidationError(…)`` and ``add_error(field, …)`` wherever they are built, of ``FileOutcome``'s
message, and every ``help_text=``. Labels and ``verbose_name`` are names, not sentences, and are not
checked; nor are log lines (``logger.error``), which are for operators.

A message ends as a sentence: with 。！？ (a closing quote or bracket may follow). Or it ends with a
value it introduces: a full-width colon followed by a formatted value or a quoted excerpt
(「…：{path}」, 「…：“{excerpt}…”」), where a full stop would read as part of the value. A help text
that only gives an example (「例如：双周决策观察」) is a value too.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ["newsletter", "regions"]
TEMPLATES = ROOT / "templates"

CJK = re.compile(r"[\u4e00-\u9fff]")
SENTENCE_END = re.compile(r"[。！？][”」』）》]*$")
VALUE_END = re.compile(r"：\s*(\{\}|%s|“[^”]*”|「[^」]*」)$")
EXAMPLE = re.compile(r"^例如：")
# ASCII punctuation touching a Chinese character; quoted excerpts (“…”) are left as they are quoted.
HALF_WIDTH = re.compile(r"[\u4e00-\u9fff][,;:!?]|[,;!?][\u4e00-\u9fff]|[\u4e00-\u9fff]\((?!\{)")

MESSAGE_CALLS = {"ValidationError", "add_error", "FileOutcome"}
MESSAGE_LEVELS = {"debug", "info", "success", "warning", "error", "add_message"}


def text_of(node):
    """The text of a str literal, f-string ("{}" for each value) or concatenation of them; else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = text_of(node.left), text_of(node.right)
        if left is not None and right is not None:
            return left + right
        if left is not None:
            return left + "{}"
        if right is not None:
            return "{}" + right
    return None


def call_name(call):
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def is_messages_call(call):
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr in MESSAGE_LEVELS
        and isinstance(func.value, ast.Name)
        and func.value.id == "messages"
    )


def messages_in(path):
    """(line, kind, text) of each Chinese message string in one source file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        candidates = []
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            candidates += [("raise", arg) for arg in node.exc.args]
        if isinstance(node, ast.Call):
            if is_messages_call(node) or call_name(node) in MESSAGE_CALLS:
                candidates += [(call_name(node), arg) for arg in node.args]
            candidates += [("help_text", kw.value) for kw in node.keywords if kw.arg == "help_text"]
        for kind, value in candidates:
            text = text_of(value)
            if text is not None and CJK.search(text):
                found.append((value.lineno, kind, text.strip()))
    return found


def source_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def all_messages():
    return [(path.relative_to(ROOT), *message) for path in source_files() for message in messages_in(path)]


def wording_problems(kind, text):
    problems = []
    if "你" in text:
        problems.append("用「您」而不是「你」")
    ends_well = SENTENCE_END.search(text) or VALUE_END.search(text)
    if kind == "help_text" and EXAMPLE.search(text):
        ends_well = True
    if not ends_well:
        problems.append("句末缺少。！？")
    if HALF_WIDTH.search(re.sub(r"“[^”]*”", "", text)):
        problems.append("中文句中用了半角标点")
    return problems


def test_the_scan_finds_the_messages_it_is_meant_to_check():
    # A scan that finds nothing would pass for ever: it sees the apps' known messages.
    texts = {text for _path, _line, _kind, text in all_messages()}
    assert len(texts) > 80
    assert "本期还没有文章，不能提交审核。" in texts  # raise TransitionError(...)
    assert "预览链接已撤销，打开它将显示“页面不存在”。" in texts  # messages.success(...)
    assert any(text.startswith("一次最多上传") for text in texts)  # forms.ValidationError(...) in a form
    assert "例如：双周决策观察" in texts  # help_text=


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("raise", "你的更改未保存。", ["用「您」而不是「你」"]),
        ("raise", "您的更改未保存", ["句末缺少。！？"]),
        ("raise", "您的更改未保存,请重试。", ["中文句中用了半角标点"]),
        ("raise", "以下文章不完整：{}。", []),
        ("raise", "拒绝的路径：{}", []),
        ("raise", "图注超过 300 字：“{}…”", []),
        ("success", "已复制（可以粘贴）。", []),
        ("help_text", "例如：双周决策观察", []),
        ("help_text", "留空则用正文标题", ["句末缺少。！？"]),
    ],
)
def test_the_wording_rule_accepts_sentences_and_values_and_refuses_the_rest(kind, text, expected):
    assert wording_problems(kind, text) == expected


def test_every_chinese_message_uses_nin_full_stops_and_full_width_punctuation():
    problems = [
        f"{path}:{line} [{kind}] {text!r}: {'、'.join(found)}"
        for path, line, kind, text in all_messages()
        if (found := wording_problems(kind, text))
    ]
    assert not problems, "\n".join(problems)


def test_no_admin_or_public_template_addresses_people_as_ni():
    offending = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "你" in line
    ]
    assert not offending
