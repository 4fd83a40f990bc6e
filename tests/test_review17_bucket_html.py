"""Review of issue 17: a public copy served on the site's own origin (docker compose's proxy route to the
bucket) is never a web page — the reader's query string (``?response-content-type=text/html``, which some
S3-compatible servers honour for anonymous requests) does not reach the bucket, and what comes back is a
sandboxed document. (On the bucket's or the CDN's own origin such a page could reach nothing of ours.)
"""

import re
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent.parent / "deploy" / "nginx.conf.template"


def test_the_proxys_public_bucket_route_drops_the_query_string_and_sandboxes_what_it_serves():
    text = TEMPLATE.read_text()
    route = re.search(r"location /\$\{MEDIA_BUCKET\}/public/ \{(.*?)\n    \}", text, flags=re.DOTALL).group(1)
    passes_query = re.search(r"proxy_pass http://bucket;", route) is not None  # no URI: the request's own, args included
    sandboxed = re.search(r'add_header Content-Security-Policy "[^"]*sandbox', route) is not None

    assert not passes_query and sandboxed, (
        "location /${MEDIA_BUCKET}/public/ forwards ?response-content-type=… to the bucket and adds no CSP sandbox"
    )
    assert "proxy_pass http://bucket$uri;" in route
