"""Review of issue 17: the proxy takes a replica out of rotation for an answer the app gives on purpose.

deploy/nginx.conf.template lists ``http_503`` in ``proxy_next_upstream`` and gives the replicas
``max_fails=1 fail_timeout=5s``. nginx's documentation (ngx_http_upstream_module, ``max_fails``;
ngx_http_proxy_module, ``proxy_next_upstream``): http_503 "is considered an unsuccessful attempt only
if it is specified in the directive" — it is — and one unsuccessful attempt within fail_timeout makes
the server unavailable for fail_timeout. But 503 is what the app answers by design to a reader who
asks for a PDF that the worker is still preparing (print_views._being_prepared_response, with
Retry-After), and what /readyz answers. So one reader asking /<year>/<number>/pdf/ on release day is
tried on replica A (503: A marked failed), retried on replica B (503: B marked failed): for 5 s nginx
has no live upstream and answers 502 to every reader of every page. Read from the file; nginx is not
installed here to run it.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"


def directive_values(text, name):
    return [match.split() for match in re.findall(rf"^\s*{name}\s+([^;]+);", text, flags=re.MULTILINE)]


def test_an_intended_503_such_as_a_pdf_being_prepared_does_not_take_a_web_replica_out_of_the_proxys_rotation():
    text = TEMPLATE.read_text()
    web_upstream = re.search(r"upstream web \{(.*?)\}", text, flags=re.DOTALL).group(1)
    fails_counted = "max_fails=0" not in web_upstream  # nginx's default is max_fails=1
    next_upstream = [value for values in directive_values(text, "proxy_next_upstream") for value in values]

    assert not (fails_counted and "http_503" in next_upstream), (
        f"proxy_next_upstream {' '.join(next_upstream)} with '{web_upstream.strip()}': "
        "every 'PDF being prepared' 503 marks a replica failed"
    )
