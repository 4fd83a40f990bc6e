"""Reading cleaned paste HTML the way ``paste-samples/README.md`` says it is judged (blocks, drops, bold, links)."""

import json
import re
from pathlib import Path

import html5lib

# Not under tests/samples/: several tests read every file there as an issue to import.
LOCAL_SAMPLES = Path(__file__).resolve().parent / "paste_samples"
SHARED_SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "paste-samples"


def sample_dir():
    """The shared samples when this checkout sits beside them, else the copy kept in the repository."""
    return SHARED_SAMPLES if (SHARED_SAMPLES / "expected.json").exists() else LOCAL_SAMPLES


def expectations():
    return json.loads((sample_dir() / "expected.json").read_text(encoding="utf-8"))


def squash(text):
    return " ".join((text or "").replace("\xa0", " ").split())


def _text(element):
    return "".join(element.itertext())


def blocks(html):
    """[{type, text[, src, alt]}] in document order: p, h, li, img, and caption (a p right after an img)."""
    root = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    found = []

    def walk(element, in_item=False):
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "img":
                block = {"type": "img", "text": "", "src": child.get("src", "")}
                if child.get("alt"):
                    block["alt"] = child.get("alt")
                found.append(block)
            elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                found.append({"type": "h", "text": squash(_text(child))})
            elif tag == "li":
                paragraphs = [p for p in child if p.tag == "p"]
                text = squash(_text(paragraphs[0]) if paragraphs else _text(child))
                found.append({"type": "li", "text": text})
                for nested in child:
                    if nested.tag in ("ul", "ol"):
                        walk(nested, True)
            elif tag == "p":
                kind = "caption" if found and found[-1]["type"] == "img" and not in_item else "p"
                found.append({"type": kind, "text": squash(_text(child)), "bold": _all_bold(child)})
            else:
                walk(child, in_item)

    walk(root)
    return found


def _all_bold(paragraph):
    bold = "".join(_text(strong) for strong in paragraph.iter() if strong.tag in ("strong", "b"))
    return bool(squash(bold)) and squash(bold) == squash(_text(paragraph))


def bold_runs(html):
    """The text of each run of bold (adjacent <strong>/<b> count as one) and of each heading."""
    marked = re.sub(r"</(?:strong|b)>\s*<(?:strong|b)>", "", html)
    root = html5lib.parseFragment(marked, treebuilder="etree", namespaceHTMLElements=False)
    return [squash(_text(e)) for e in root.iter() if e.tag in ("strong", "b", "h2", "h3")]


def links(html):
    root = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    return {a.get("href") or "" for a in root.iter() if a.tag == "a"}


def problems(html, expected):
    """What in ``html`` breaks the sample's expectations; [] when it meets them all."""
    found = []
    got = blocks(html)
    want = expected["text"]
    for index in range(max(len(got), len(want))):
        have = got[index] if index < len(got) else None
        need = want[index] if index < len(want) else None
        if have is None or need is None:
            found.append(f"block {index}: expected {need!r}, got {have!r}")
            break
        same_type = have["type"] == need["type"] or (
            {have["type"], need["type"]} == {"p", "h"} and (have.get("bold") or need["type"] == "p")
        )
        if not same_type or squash(have["text"]) != squash(need["text"]):
            found.append(f"block {index}: expected {need!r}, got {have!r}")
            break
        if need["type"] == "img" and (have["src"] != need["src"] or have.get("alt", "") != need.get("alt", "")):
            found.append(f"image {index}: expected {need!r}, got {have!r}")
    for fragment in expected["must_drop"]:
        if fragment in html:
            found.append(f"must be dropped: {fragment!r}")
    runs = bold_runs(html)
    for phrase in expected["bold"]:
        if not any(squash(phrase) in run for run in runs):
            found.append(f"not bold: {phrase!r}")
    if links(html) != set(expected["links"]):
        found.append(f"links {sorted(links(html))} != {sorted(expected['links'])}")
    if html.count("<img") != expected["images"]:
        found.append(f"{html.count('<img')} images, expected {expected['images']}")
    return found
