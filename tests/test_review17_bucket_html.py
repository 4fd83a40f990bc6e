"""Review of issue 17: a public copy can be fetched from the bucket as text/html.

Anonymous S3 GETs may carry ``response-content-type``: AWS refuses it for anonymous requests, but
moto (the S3 server of ``make cluster-test`` and these tests) honours it, and other S3-compatible
servers do too. The type that public_files.py read from the first 16 bytes then means nothing: the
rest of a "PNG" is whatever the uploader put there. In docker compose the bucket's public/ prefix is
served by the proxy on the *site's own origin* (AWS_S3_CUSTOM_DOMAIN=localhost:8000/newsletter), the
query string passed through and no CSP added — an HTML document on the site's origin, with the
editors' cookies. media.py locks its own answers down (``default-src 'none'; sandbox``); the
bucket's answers have nothing.
"""

import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from newsletter import workflow
from newsletter.models import Issue, PublicFile
from tests import factories

pytestmark = pytest.mark.django_db
TEMPLATE = Path(__file__).resolve().parent.parent / "deploy" / "nginx.conf.template"


def test_a_public_copy_is_never_answered_as_html_whatever_the_query_string_asks(
    bucket, client, chief_user, django_capture_on_commit_callbacks
):
    issue = factories.issue(status=Issue.Status.APPROVED)
    figure = factories.figure(factories.article(issue))
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(Issue.objects.get(pk=issue.pk), workflow.PUBLISH, by=chief_user)
    location = client.get(figure.image.url)["Location"]
    assert location == bucket.public_url(PublicFile.objects.get(source=figure.image.name).key)

    try:
        with urllib.request.urlopen(location + "?response-content-type=text/html", timeout=10) as answer:  # noqa: S310
            content_type = answer.headers["Content-Type"]
    except urllib.error.HTTPError as error:
        content_type = f"refused {error.code}"

    assert not content_type.startswith("text/html"), "the bucket serves the figure's public copy as a web page"


def test_the_proxys_public_bucket_route_drops_the_query_string_and_sandboxes_what_it_serves():
    text = TEMPLATE.read_text()
    route = re.search(r"location /\$\{MEDIA_BUCKET\}/public/ \{(.*?)\n    \}", text, flags=re.DOTALL).group(1)
    passes_query = re.search(r"proxy_pass http://bucket;", route) is not None  # no URI: the request's own, args included
    sandboxed = re.search(r"add_header Content-Security-Policy [\"'][^\"']*sandbox", route) is not None

    assert not passes_query and sandboxed, (
        "location /${MEDIA_BUCKET}/public/ forwards ?response-content-type=… to the bucket and adds no CSP sandbox"
    )
