"""「下载此图」: the server downloads a pasted image's address into a Figure, and only from public hosts.

Real HTTP servers run in this process on loopback addresses. Loopback is refused by design, so the
tests that need a download allow 127.0.0.1 alone (``FIGURE_FETCH_ALLOWED_NETWORKS``); a second
server on 127.0.0.2 stands for the inside of the network and counts the requests that reach it.
"""

import http.server
import threading

import pytest
from django.urls import reverse

from newsletter import image_fetch
from newsletter.models import Article, Figure, Issue
from tests import factories

pytestmark = pytest.mark.django_db

PNG = factories.png_bytes((50, 20))


class Handler(http.server.BaseHTTPRequestHandler):
    routes = {}

    def do_GET(self):  # noqa: N802  (the name http.server calls)
        self.server.hits.append(self.path)
        status, headers, body = self.server.routes.get(self.path, (404, {}, b"not found"))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(address):
    server = http.server.ThreadingHTTPServer((address, 0), Handler)
    server.hits, server.routes = [], {}
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def servers(settings):
    outside, inside = serve("127.0.0.1"), serve("127.0.0.2")
    settings.FIGURE_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    base = f"http://127.0.0.1:{outside.server_port}"
    outside.routes.update(
        {
            "/chart.png": (200, {"Content-Type": "image/png"}, PNG),
            "/moved": (302, {"Location": "/chart.png"}, b""),
            "/inside": (302, {"Location": f"http://127.0.0.2:{inside.server_port}/secret"}, b""),
            "/page.html": (200, {"Content-Type": "text/html"}, b"<html><script>alert(1)</script></html>"),
        }
    )
    inside.routes["/secret"] = (200, {"Content-Type": "image/png"}, PNG)
    yield base, outside, inside
    for server in (outside, inside):
        server.shutdown()
        server.server_close()


@pytest.fixture
def editor(client, editor_user):
    client.force_login(editor_user)
    return client


def article():
    return factories.article(factories.issue(status=Issue.Status.DRAFT, credits=False))


def fetch(client, target, url, caption="下载的图", **fields):
    return client.post(
        reverse("admin:newsletter_article_figure_fetch", args=[target.pk]), {"url": url, "caption": caption, **fields}
    )


def test_a_reachable_image_becomes_a_numbered_figure_of_the_article(editor, servers):
    base, outside, _ = servers
    target = article()

    response = fetch(editor, target, f"{base}/chart.png", credit="国家统计局")

    assert response.status_code == 200, response.content.decode()
    data = response.json()
    figure = Figure.objects.get(pk=data["id"])
    assert (data["position"], data["number"], data["credit"]) == (1, 1, "国家统计局")
    assert (figure.width, figure.height) == (50, 20) and figure.image.name.startswith("figures/")
    assert outside.hits == ["/chart.png"]
    assert "图片来源：国家统计局" in Article.objects.get(pk=target.pk).body_html


def test_a_redirect_to_a_public_address_is_followed(editor, servers):
    base, outside, _ = servers
    response = fetch(editor, article(), f"{base}/moved")
    assert response.status_code == 200
    assert outside.hits == ["/moved", "/chart.png"]


def test_a_redirect_into_the_internal_network_is_refused_before_it_is_followed(editor, servers):
    base, _, inside = servers
    target = article()
    response = fetch(editor, target, f"{base}/inside")
    assert response.status_code == 400
    assert response.json()["error"] == image_fetch.NOT_PUBLIC
    assert inside.hits == []
    assert not Figure.objects.filter(article=target).exists()


def test_loopback_is_refused_unless_a_setting_allows_it(editor, servers, settings):
    base, outside, _ = servers
    settings.FIGURE_FETCH_ALLOWED_NETWORKS = []
    response = fetch(editor, article(), f"{base}/chart.png")
    assert response.status_code == 400 and response.json()["error"] == image_fetch.NOT_PUBLIC
    assert outside.hits == []


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.7/a.png",
        "http://192.168.1.1/a.png",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/a.png",
        "http://[::ffff:127.0.0.2]/a.png",
        "http://0.0.0.0/a.png",
        "http://100.64.0.1/a.png",
        "http://localhost/a.png",
    ],
)
def test_private_loopback_link_local_and_reserved_addresses_are_refused(editor, url):
    target = article()
    response = fetch(editor, target, url)
    assert response.status_code == 400 and response.json()["error"] == image_fetch.NOT_PUBLIC
    assert not Figure.objects.filter(article=target).exists()


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/a.png", "javascript:alert(1)", "", "图片"])
def test_only_http_and_https_addresses_are_fetched(editor, url):
    response = fetch(editor, article(), url)
    assert response.status_code == 400 and response.json()["error"] == image_fetch.NOT_HTTP


def test_an_address_that_does_not_answer_with_an_image_gets_the_upload_message(editor, servers):
    base, _, _ = servers
    assert fetch(editor, article(), f"{base}/missing.png").json()["error"] == "无法下载该图片，请上传图片文件。"
    refused = fetch(editor, article(), f"{base}/page.html")
    assert refused.status_code == 400 and "无法识别的图片文件" in refused.json()["error"]


def test_a_closed_port_gets_the_upload_message(editor, servers):
    closed = serve("127.0.0.1")
    port = closed.server_port
    closed.server_close()
    response = fetch(editor, article(), f"http://127.0.0.1:{port}/chart.png")
    assert response.status_code == 400 and response.json()["error"] == "无法下载该图片，请上传图片文件。"


def test_an_image_over_the_upload_limit_is_not_downloaded_in_full(editor, servers, settings):
    base, _, _ = servers
    settings.FIGURE_MAX_BYTES = 100
    response = fetch(editor, article(), f"{base}/chart.png")
    assert response.status_code == 400 and "上限" in response.json()["error"]


def test_nothing_is_downloaded_for_a_request_without_a_caption(editor, servers):
    base, outside, _ = servers
    response = fetch(editor, article(), f"{base}/chart.png", caption="")
    assert response.status_code == 400 and "请填写图注" in response.json()["error"]
    assert outside.hits == []
