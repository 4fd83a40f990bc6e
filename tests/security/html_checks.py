"""Find what an injected payload would leave behind in a parsed HTML document.

Pages are parsed with html5lib, the HTML5 parsing algorithm browsers use, so what we inspect is the
tree a browser would build, not the source text: an escaped ``&lt;script&gt;`` is text, a real
``<script>`` is an element wherever it hides (inside SVG, after a broken attribute, after an early
``</script>``).
"""

import json
import re

import html5lib

# Attributes that load or navigate to a URL.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "xlink:href", "srcset"}
# What the URL parser drops before it reads the scheme (WHATWG URL standard): leading and trailing
# C0 controls and spaces, and every tab or newline anywhere ("jav\tascript:" is javascript:).
_STRIPPED_AROUND = "".join(chr(c) for c in range(0x21))
_REMOVED_ANYWHERE = re.compile(r"[\t\n\r]")
_DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:image/svg", "data:application")
_DANGEROUS_CSS = ("expression(", "javascript:", "behavior:", "-moz-binding", "vbscript:")
# Scripts we serve ourselves: static files, and the admin's translation catalogue.
OUR_SCRIPT_SOURCES = ("/static/", "/admin/jsi18n/")
# Attributes whose values a reader sees or edits: part of a page's text for "is it shown" checks.
SHOWN_ATTRIBUTES = ("value", "alt", "title", "placeholder")
_DANGEROUS_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "isindex"}


def _local(name):
    """Tag or attribute name without html5lib's {namespace} prefix (SVG and MathML elements keep theirs)."""
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        if namespace == "http://www.w3.org/1999/xlink":
            return "xlink:" + local
        return local
    return name


def _is_dangerous_url(value):
    compact = _REMOVED_ANYWHERE.sub("", (value or "").strip(_STRIPPED_AROUND)).lower()
    return compact.startswith(_DANGEROUS_SCHEMES)


def _is_our_script(element):
    src = element.get("src")
    if src is not None:
        return src.startswith(OUR_SCRIPT_SOURCES) and not (element.text or "").strip()
    kind = (element.get("type") or "").strip().lower()
    if kind in {"application/ld+json", "application/json"}:
        # Data, not code; but a payload that ends the element early leaves invalid JSON behind.
        try:
            json.loads(element.text or "")
        except ValueError:
            return False
        return True
    if kind == "importmap":
        # The article editor's import map (django-prose-editor's ES modules): runs nothing itself,
        # but it decides where modules come from, so every address must be one of our static files.
        try:
            addresses = json.loads(element.text or "").get("imports", {}).values()
        except (ValueError, AttributeError):
            return False
        return all(isinstance(a, str) and a.startswith("/static/") for a in addresses)
    return False


def problems(html):
    """Everything in ``html`` that runs script or loads a dangerous URL, as readable strings."""
    return inspect(html)[0]


def inspect(html):
    """(problems, text): what ``problems`` finds, and the document's text, from one parse."""
    document = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    found = []
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue  # comments
        tag = _local(element.tag).lower()
        if tag == "script" and not _is_our_script(element):
            found.append(f"<script {dict(element.attrib)}>{(element.text or '')[:80]}")
        if tag in _DANGEROUS_ELEMENTS:
            found.append(f"<{tag} {dict(element.attrib)}>")
        if tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            found.append(f"<meta refresh {element.get('content')}>")
        if tag == "style" and any(bad in (element.text or "").lower() for bad in _DANGEROUS_CSS):
            found.append(f"<style>{(element.text or '')[:80]}")
        if tag in {"animate", "set", "animatemotion", "animatetransform"}:
            target = (element.get("attributeName") or element.get("attributename") or "").lower()
            values = " ".join(element.get(k) or "" for k in ("values", "to", "from", "by"))
            if target in {"href", "xlink:href"} or _is_dangerous_url(values):
                found.append(f"<{tag} {dict(element.attrib)}>")
        for raw_name, value in element.attrib.items():
            name = _local(raw_name).lower()
            if name.startswith("on"):
                found.append(f"<{tag} {name}={value!r}>")
            elif tag == "img" and name == "src" and value.startswith("data:image/"):
                continue  # an image, even an SVG one, never runs script (our QR code is one)
            elif name in URL_ATTRIBUTES and _is_dangerous_url(value):
                found.append(f"<{tag} {name}={value!r}>")
            elif name == "srcdoc":
                found.append(f"<{tag} srcdoc={value!r}>")
            elif name == "style" and any(bad in value.lower().replace(" ", "") for bad in _DANGEROUS_CSS):
                found.append(f"<{tag} style={value!r}>")
    shown = [element.get(name) or "" for element in document.iter() for name in SHOWN_ATTRIBUTES]
    return found, "".join(document.itertext()) + "\n".join(shown)


def text_of(html):
    """All text a reader sees (and the values of form fields and alt texts), for "the payload is on
    the page" checks."""
    return inspect(html)[1]
