"""Read an admin form the way a browser would submit it, so tests can POST exactly that, or a crafted variant."""

import html5lib


def _forms(html):
    document = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    return [form for form in document.iter("form")]


def form_data(html, form_id=None):
    """The successful controls of a form (default: the page's form with enctype multipart, i.e. the
    admin change form) as a dict of lists, ready for ``client.post``. File inputs are left out."""
    forms = _forms(html)
    if form_id is not None:
        form = next(f for f in forms if f.get("id") == form_id)
    else:
        form = next(f for f in forms if f.get("enctype") == "multipart/form-data" or f.get("id", "").endswith("_form"))
    data = {}

    def add(name, value):
        data.setdefault(name, []).append(value)

    for element in form.iter():
        if not isinstance(element.tag, str):
            continue
        name = element.get("name")
        if not name or element.get("disabled") is not None:
            continue
        if element.tag == "input":
            kind = (element.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                continue
            if kind in {"checkbox", "radio"}:
                if element.get("checked") is not None:
                    add(name, element.get("value", "on"))
                continue
            add(name, element.get("value", ""))
        elif element.tag == "textarea":
            add(name, element.text or "")
        elif element.tag == "select":
            options = list(element.iter("option"))
            chosen = [o for o in options if o.get("selected") is not None]
            if not chosen and element.get("multiple") is None and options:
                chosen = options[:1]
            for option in chosen:
                add(name, option.get("value", option.text or ""))
    return data


def single(data):
    """A copy with one value per name where there is only one (easier to edit in tests)."""
    return {name: values[0] if len(values) == 1 else list(values) for name, values in data.items()}
