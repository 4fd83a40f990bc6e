"""Bad requests get a 4xx or a normal page, never a 500: malformed and unknown parameters, huge and
negative page numbers, very long queries, control characters, lone surrogates, malformed paths."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

BAD_VALUES = [
    "abc",
    "99999999999",
    "99999999999999999999999999",
    "-1",
    "0",
    "1e9",
    "1.5",
    "%00",
    "%00abc",
    "%ED%A0%80",  # a lone surrogate, UTF-8 encoded (invalid UTF-8)
    "%FF%FE",
    "%C0%AF",
    "%1B%5B31m",
    "%0D%0ASet-Cookie:%20x=1",
    "'%20OR%201=1--",
    "%3Cscript%3E",
    "%E2%80%AE",
    "",
]
PARAMETERS = ["page", "year", "region", "q", "o", "p", "print", "since", "a", "b", "format", "utm_source"]


@pytest.fixture
def site():
    issue = factories.issue(year=2024, number=3)
    article = factories.article(issue=issue, region_tags=["上海"], topics=["碳市场"])
    return issue, article


def public_urls(issue, article):
    return [
        "/",
        reverse("newsletter:issue_archive"),
        reverse("newsletter:issue_year", args=[2024]),
        issue.get_absolute_url(),
        article.get_absolute_url(),
        reverse("newsletter:search"),
        reverse("regions:list"),
        article.section.get_absolute_url(),
        article.topics.get().get_absolute_url(),
        reverse("feeds:index"),
        reverse("feeds:issues_rss"),
        reverse("feeds:articles_atom"),
        reverse("feeds:region_rss", kwargs={"slug": article.section.slug}),
        reverse("feeds:tag_atom", kwargs={"slug": article.topics.get().slug}),
        "/sitemap.xml",
        "/robots.txt",
    ]


def assert_not_server_error(response, url):
    assert response.status_code < 500, (url, response.status_code)


def test_malformed_and_unknown_query_parameters_never_cause_a_server_error(client, site):
    client.raise_request_exception = False
    for url in public_urls(*site):
        for value in BAD_VALUES:
            # Every parameter at once (and page alone, since a bad page number stops a view early).
            for query in ("&".join(f"{name}={value}" for name in PARAMETERS), f"page={value}"):
                assert_not_server_error(client.get(f"{url}?{query}"), f"{url}?{query}")
        full = f"{url}?page=2&page=abc&year=2024&year=x&region=&region=%00&q=%00"
        assert_not_server_error(client.get(full), full)


@pytest.mark.parametrize("page", ["abc", "99999999999", "-1", "0", "%00"])
def test_paginated_pages_answer_404_or_the_last_page_for_impossible_page_numbers(client, site, page):
    issue, article = site
    for url in [article.section.get_absolute_url(), article.topics.get().get_absolute_url()]:
        response = client.get(f"{url}?page={page}")
        assert response.status_code in (200, 404, 400 if page == "%00" else 404), (url, page, response.status_code)
    response = client.get(reverse("newsletter:search") + f"?q=测试&page={page}")
    assert response.status_code == (400 if page == "%00" else 200)  # search shows the nearest real page


def test_very_long_search_queries_are_cut_not_fatal(client, site):
    for query in ["测" * 10_000, "a" * 10_000, "碳市场 " * 2_000, "%00" * 3_000, "%ED%A0%80" * 1_000]:
        response = client.get(reverse("newsletter:search") + "?q=" + query)
        assert response.status_code in (200, 400, 414), response.status_code
        if response.status_code == 200:
            assert len(response.content) < 200_000  # the query is not echoed back ten thousand times over


def test_control_characters_and_lone_surrogates_in_search_are_harmless(client, site):
    for query in ["\x00", "碳\x00市场", "\x1b[2J", "\u202e反转", "\x7f\x85\u2028\u2029", "\t\n\r"]:
        response = client.get(reverse("newsletter:search"), {"q": query, "region": query, "year": query})
        assert_not_server_error(response, repr(query))
    # Lone surrogates cannot be encoded as UTF-8 at all; they arrive as invalid byte sequences.
    for raw in ["%ED%A0%80", "a%ED%BF%BFb", "%F4%90%80%80", "%C3"]:
        url = reverse("newsletter:search") + f"?q={raw}&region={raw}&year={raw}"
        assert_not_server_error(client.get(url), url)


@pytest.mark.parametrize(
    "path",
    [
        "/issues/99999999999999999999/1/",
        "/issues/2024/99999999999999999999/",
        "/issues/2024/3/99999999999999999999/",
        "/issues/99999999999999999999/",
        "/issues/2024/99999999999999999999/pdf/",
        "/issues/0/0/",
        "/issues/2024/3/%00/",
        "/issues/2024/3/%ED%A0%80/",
        "/issues/2024/3/..%2F..%2Fetc%2Fpasswd/",
        "/issues/-1/3/",
        "/regions/%00/",
        "/regions/%ED%A0%80/",
        "/regions/" + "a" * 5000 + "/",
        "/tags/%E7%A2%B3/",
        "/tags/%FF/",
        "/feeds/regions/%00/",
        "/feeds/tags/" + "x" * 3000 + "/atom/",
        "/preview/%00/",
        "/preview/%ED%A0%80/",
        "/preview/" + "A" * 5000 + "/",
        "/preview/1:aaaaaaaaaaaaaaaaaaaaaaaaaaa/",
        "/preview/eyJhIjoxfQ:1abc:xyz/",
        "/media/../config/settings.py",
        "/media/%2e%2e/config/settings.py",
        "/media/figures/%00.png",
        "/static/../config/settings.py",
        "/%00",
        "/%ED%A0%80",
        "/index.php?page=1",
        "/wp-login.php",
        "/.env",
        "/.git/config",
    ],
)
def test_malformed_paths_answer_4xx(client, site, path):
    client.raise_request_exception = False
    response = client.get(path)
    assert 400 <= response.status_code < 500 or response.status_code in (301, 302), (path, response.status_code)
    if response.status_code == 200:
        assert b"SECRET_KEY" not in response.content


def test_unexpected_methods_on_public_pages_are_refused_not_crashed(site):
    issue, article = site
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    for url in public_urls(issue, article):
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client, method)(url, data="x=1", content_type="application/x-www-form-urlencoded")
            assert 400 <= response.status_code < 500, (method, url, response.status_code)
        for method in ("head", "options"):
            assert_not_server_error(getattr(client, method)(url), url)


def test_non_numeric_ids_in_our_admin_urls_are_not_server_errors(client, superuser, site):
    client.raise_request_exception = False
    client.force_login(superuser)
    for tail in ["workflow/submit/", "preview/", "preview-links/", "preview-links/1/revoke/"]:
        for object_id in ["abc", "1.5", "%00", "-1"]:
            path = f"/admin/newsletter/issue/{object_id}/{tail}"
            for method in (client.get, client.post):
                assert_not_server_error(method(path), path)
    for tail in ["revisions/", "revisions/diff/?a=1&b=2", "revisions/1/restore/"]:
        path = f"/admin/newsletter/article/abc/{tail}"
        for method in (client.get, client.post):
            assert_not_server_error(method(path), path)


def test_a_nul_byte_in_the_query_string_is_a_bad_request_everywhere(client, superuser, site):
    # PostgreSQL refuses NUL in text parameters; without the guard ?q=%00 was a 500 there.
    for url in [reverse("newsletter:search") + "?q=%00", "/?page=1%00", "/admin/newsletter/issue/?status__exact=%00"]:
        response = client.get(url)
        assert response.status_code == 400, url
        assert "空字符" in response.content.decode()


def test_bad_admin_parameters_are_not_server_errors(client, superuser, site):
    client.raise_request_exception = False
    client.force_login(superuser)
    issue, article = site
    urls = [
        reverse("admin:newsletter_issue_changelist"),
        reverse("admin:newsletter_article_changelist"),
        reverse("admin:newsletter_article_revision_diff", args=[article.pk]),
        reverse("admin:newsletter_article_revisions", args=[article.pk]),
        reverse("admin:newsletter_issue_change", args=[issue.pk]),
    ]
    params = [
        "o=abc",
        "o=999",
        "p=abc",
        "p=99999999999",
        "q=%00",
        "status__exact=%00",
        "issue__year=abc",
        "issue_status=%ED%A0%80",
        "a=abc",
        "b=-1",
        "since=abc",
        "since=99999999999999999999",
        "a=99999999999999999999&b=1",
        "_changelist_filters=%00",
        "e=1",
        "all=",
        "issue_date__year=abc",
    ]
    for url in urls:
        for param in params:
            full = f"{url}?{param}"
            assert_not_server_error(client.get(full), full)
    for path in [
        "/admin/newsletter/issue/abc/change/",
        "/admin/newsletter/issue/99999999999999999999/change/",
        "/admin/newsletter/article/%00/change/",
        "/admin/newsletter/issue/1/workflow/%00/",
        "/admin/newsletter/issue/abc/preview/",
        "/admin/newsletter/article/abc/revisions/diff/?a=1&b=2",
        "/admin/newsletter/issue/99999999999999999999/wechat/",
        "/admin/newsletter/tools/export/99999999999999999999/json/",
    ]:
        assert_not_server_error(client.get(path), path)
        assert_not_server_error(client.post(path, {"comment": "\x00"}), path)
