"""Model addresses, the Content-Security-Policy header and absolute addresses in JSON-LD.

An issue's or a topic's address follows whatever ``reverse()`` depends on: the script prefix and the
URLconf. The tests change one of those, and check that the very next answer follows.

This module is also the URLconf some tests switch to (``override_settings(ROOT_URLCONF=__name__)``):
the ``newsletter`` namespace at other paths.
"""

import pytest
from csp.utils import build_policy
from django.http import HttpResponse
from django.test.utils import override_settings
from django.urls import get_script_prefix, include, path, reverse, set_script_prefix

from newsletter.models import Issue, Topic

from . import factories
from .test_html_pages import head_of

HEADER = "Content-Security-Policy"


def plain_view(request, **kwargs):
    return HttpResponse("plain")


# The namespace the site's models link to, at paths the real URLconf does not have.
newsletter_elsewhere = (
    [
        path("archive/<int:year>/no-<int:number>/", plain_view, name="issue_detail"),
        path("archive/<int:year>/no-<int:number>/<slug:slug>/", plain_view, name="article_detail"),
        path("topic/<slug:slug>/", plain_view, name="tag_detail"),
    ],
    "newsletter",
)

urlpatterns = [path("elsewhere/", include(newsletter_elsewhere))]


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    # The page cache stores headers with the page: every response here must come from the middleware.
    settings.PAGE_CACHE_ENABLED = False


# --- model addresses -----------------------------------------------------------------------------


def test_model_addresses_follow_a_changed_script_prefix():
    issue, topic = Issue(year=2024, number=5), Topic(slug="tan-shi-chang")
    assert issue.get_absolute_url() == "/issues/2024/5/"
    assert topic.get_absolute_url() == "/tags/tan-shi-chang/"
    prefix = get_script_prefix()
    set_script_prefix("/mirror/")
    try:
        assert issue.get_absolute_url() == reverse("newsletter:issue_detail", kwargs={"year": 2024, "number": 5})
        assert topic.get_absolute_url() == "/mirror/tags/tan-shi-chang/"
    finally:
        set_script_prefix(prefix)
    assert issue.get_absolute_url() == "/issues/2024/5/"


def test_model_addresses_follow_an_overridden_root_urlconf():
    issue, topic = Issue(year=2024, number=5), Topic(slug="tan-shi-chang")
    assert issue.get_absolute_url() == "/issues/2024/5/"
    with override_settings(ROOT_URLCONF=__name__):
        assert issue.get_absolute_url() == "/elsewhere/archive/2024/no-5/"
        assert issue.get_absolute_url() == reverse("newsletter:issue_detail", kwargs={"year": 2024, "number": 5})
        assert topic.get_absolute_url() == "/elsewhere/topic/tan-shi-chang/"
    assert issue.get_absolute_url() == "/issues/2024/5/"
    assert topic.get_absolute_url() == "/tags/tan-shi-chang/"


# --- Content-Security-Policy -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_public_page_carries_the_policy_django_csp_builds_from_the_settings(client):
    issue = factories.issue()
    factories.article(issue)
    for url in ("/", issue.get_absolute_url(), "/issues/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response[HEADER] == build_policy(), url
    assert "script-src 'self'" in response[HEADER]


# --- absolute addresses in JSON-LD -----------------------------------------------------------------


@pytest.mark.django_db
def test_article_json_ld_has_absolute_addresses_and_keeps_text_that_looks_like_a_path(client):
    issue = factories.issue(year=2024, number=5, total_number=205)
    article = factories.article(issue, title="/etc/passwd", summary="/var/log 里的摘要")
    factories.figure(article)
    head = head_of(client.get(article.get_absolute_url()))
    (data,) = head["json_ld"]
    page = f"http://testserver{article.get_absolute_url()}"
    assert data["headline"] == "/etc/passwd"
    assert data["description"] == "/var/log 里的摘要"
    assert data["url"] == data["mainEntityOfPage"] == head["canonical"] == page
    assert data["isPartOf"]["url"] == "http://testserver/issues/2024/5/"
    assert data["image"].startswith("http://testserver/media/figures/")
    assert head["title"].startswith("/etc/passwd · ")


@pytest.mark.django_db
def test_issue_json_ld_has_absolute_addresses(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        issue = factories.issue(year=2024, number=5, total_number=205)
        factories.article(issue)
    head = head_of(client.get(issue.get_absolute_url()))
    (data,) = head["json_ld"]
    assert data["url"] == head["canonical"] == "http://testserver/issues/2024/5/"
    assert data["isPartOf"]["url"] == "http://testserver/"
    assert data["name"] == "《双周决策观察》2024年第5期（总第205期）"


@pytest.mark.django_db
def test_stored_issue_json_ld_is_made_absolute_for_the_host_the_request_came_to(
    client, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        issue = factories.issue(year=2024, number=5, total_number=205)
        factories.article(issue)
    for host in ("testserver", "localhost", "127.0.0.1"):
        with django_assert_num_queries(1):  # the stored rendition, not data built for this request
            response = client.get(issue.get_absolute_url(), HTTP_HOST=host)
        head = head_of(response)
        (data,) = head["json_ld"]
        assert data["url"] == head["canonical"] == head["meta"]["og:url"] == f"http://{host}/issues/2024/5/"
        assert data["isPartOf"]["url"] == f"http://{host}/"
