"""Secure by default: deploy checks, security headers and CSP, login throttling, no open redirects."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
EVIL = "https://evil.example/steal"


def deploy_check(**extra_env):
    """Run ``manage.py check --deploy --fail-level WARNING`` as production would: only these variables."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DEBUG": "0",
        "SECRET_KEY": "a-long-random-production-secret-key-7f3c9b1e5d2a8f6c4e0b9d7a3f1c5e8b2d6a4f0c9e7b",
        "ALLOWED_HOSTS": "newsletter.example.org",
        **extra_env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_only_debug_secret_key_and_allowed_hosts():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_turning_ssl_redirect_and_hsts_off_for_a_tls_proxy_is_what_the_deploy_check_then_reports():
    # Proves the check above can fail: the switches really turn the protections off.
    result = deploy_check(SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout  # SSL redirect
    assert "security.W004" in result.stderr + result.stdout  # HSTS


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {"PATH": os.environ.get("PATH", ""), "DEBUG": "0", "ALLOWED_HOSTS": "newsletter.example.org"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def _csp(response):
    header = response.get("Content-Security-Policy", "")
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path_name", ["home", "issue", "article", "region", "search", "feeds", "admin_login"])
def test_every_page_sends_a_csp_without_inline_scripts_and_the_usual_headers(client, path_name):
    issue = factories.issue()
    article = factories.article(issue=issue, region_tags=["上海"])
    url = {
        "home": "/",
        "issue": issue.get_absolute_url(),
        "article": article.get_absolute_url(),
        "region": article.section.get_absolute_url(),
        "search": reverse("newsletter:search") + "?q=测试",
        "feeds": reverse("feeds:index"),
        "admin_login": reverse("admin:login"),
    }[path_name]
    for _ in range(2):  # the second answer may come from the page cache: it must carry the same headers
        response = client.get(url)
        assert response.status_code == 200
        csp = _csp(response)
        assert csp["script-src"] == ["'self'"]
        assert "'unsafe-inline'" not in csp.get("default-src", [])
        assert csp["object-src"] == ["'none'"]
        assert csp["base-uri"] == ["'self'"]
        assert csp["frame-ancestors"] == ["'none'"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert response.get("Cross-Origin-Opener-Policy") == "same-origin"


def test_public_templates_contain_no_inline_script_or_handler(client):
    issue = factories.issue()
    article = factories.article(issue=issue)
    for url in ["/", issue.get_absolute_url(), article.get_absolute_url(), reverse("feeds:index")]:
        html = client.get(url).content.decode()
        for chunk in html.split("<script")[1:]:
            opening = chunk.split(">", 1)[0]
            assert 'src="/static/' in opening or 'type="application/ld+json"' in opening, (url, opening)
        assert " onclick=" not in html and " onload=" not in html


# --- login throttling ---------------------------------------------------------------------------


def _login(client, username, password):
    return client.post(
        reverse("admin:login") + "?next=/admin/", {"username": username, "password": password, "next": "/admin/"}
    )


def test_repeated_failed_logins_lock_the_account_with_a_chinese_message(client):
    User.objects.create_user("editor1", "e@example.com", "correct-horse-battery", is_staff=True)
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, "editor1", f"wrong-{attempt}")
        assert response.status_code == 200  # the login form again, with Django's error
        assert "_auth_user_id" not in client.session
    response = _login(client, "editor1", "wrong-last")
    assert response.status_code == 429
    html = response.content.decode()
    assert "登录已暂时锁定" in html and "登录失败次数过多" in html
    # Locked: even the right password does not get in now.
    response = _login(client, "editor1", "correct-horse-battery")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Lock-out is per account and address: another editor from the same address still signs in.
    User.objects.create_user("editor2", "e2@example.com", "another-good-password", is_staff=True)
    response = _login(client, "editor2", "another-good-password")
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


def test_fewer_failures_than_the_limit_do_not_lock_and_a_success_resets_the_count(client):
    User.objects.create_user("editor1", "e@example.com", "correct-horse-battery", is_staff=True)
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "editor1", f"wrong-{attempt}")
    assert _login(client, "editor1", "correct-horse-battery").status_code == 302
    client.logout()
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "editor1", f"wrong-again-{attempt}").status_code == 200


# --- open redirects -----------------------------------------------------------------------------

HOSTILE_NEXT = [
    EVIL,
    "//evil.example/steal",
    "///evil.example/steal",
    "/\\evil.example/steal",
    "\\\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "http://newsletter.example.org@evil.example/",
    " //evil.example",
    "\t//evil.example",
]


def _is_offsite(location):
    location = location.strip()
    return (
        location.startswith(("http://", "https://", "//", "\\", "/\\", "javascript:")) and "testserver" not in location
    ) or "evil.example" in location.split("?")[0]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_admin_login_never_redirects_off_site(client, target):
    User.objects.create_user("editor1", "e@example.com", "correct-horse-battery", is_staff=True)
    response = client.post(
        reverse("admin:login") + "?next=" + target,
        {"username": "editor1", "password": "correct-horse-battery", "next": target},
    )
    assert response.status_code == 302
    assert not _is_offsite(response["Location"]), response["Location"]
    assert response["Location"].startswith("/")  # Django falls back to LOGIN_REDIRECT_URL


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_admin_logout_never_redirects_off_site(client, target, superuser):
    client.force_login(superuser)
    response = client.post(reverse("admin:logout") + "?next=" + target, {"next": target})
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert not _is_offsite(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_an_already_signed_in_user_is_not_bounced_off_site_by_the_login_page(client, target, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:login") + "?next=" + target)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert not _is_offsite(response["Location"]), response["Location"]


def test_anonymous_admin_visit_sends_to_login_with_a_local_next(client):
    response = client.get("/admin/newsletter/issue/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/admin/")


def test_slash_appending_does_not_turn_a_double_slash_path_into_an_off_site_redirect(client):
    for path in ["//evil.example", "//evil.example/steal", "/\\evil.example", "/%2F%2Fevil.example"]:
        response = client.get("/", PATH_INFO=path)  # as the server hands it over, not parsed as a URL
        assert response.status_code in (200, 301, 302, 404), path
        if response.status_code in (301, 302):
            assert not _is_offsite(response["Location"]), (path, response["Location"])


def test_workflow_and_preview_link_views_redirect_only_to_our_own_pages(client, superuser):
    client.force_login(superuser)
    issue = factories.issue(status="draft", theme="测试主题")  # complete: no pre-flight page
    factories.article(issue=issue)
    transition = reverse("admin:newsletter_issue_transition", args=[issue.pk, "submit"])
    for method, url, data in [
        ("get", transition + "?next=" + EVIL, {}),
        ("post", transition + "?next=" + EVIL, {"comment": "", "next": EVIL}),
        ("post", reverse("admin:newsletter_issue_transition", args=[issue.pk, "approve"]), {"next": EVIL}),
        ("post", reverse("admin:newsletter_issue_preview_link_create", args=[issue.pk]), {"next": EVIL}),
    ]:
        response = getattr(client, method)(url, data, HTTP_REFERER=EVIL)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"/admin/newsletter/issue/{issue.pk}/change/"), response["Location"]


def test_article_revision_restore_and_conflict_redirects_stay_on_the_article(client, superuser):
    client.force_login(superuser)
    article = factories.article(issue=factories.issue(status="draft"))
    from newsletter import revisions

    revision = revisions.record(article, by=superuser)
    url = reverse("admin:newsletter_article_revision_restore", args=[article.pk, revision.pk])
    response = client.post(url + "?next=" + EVIL, {"next": EVIL}, HTTP_REFERER=EVIL)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:newsletter_article_revisions", args=[article.pk])


def test_import_confirm_without_pending_files_redirects_to_our_import_page(client, superuser):
    client.force_login(superuser)
    response = client.post(reverse("newsletter_import") + "?next=" + EVIL, {"step": "confirm", "next": EVIL})
    assert response.status_code == 302
    assert response["Location"] == reverse("newsletter_import")


REDIRECT_CALLS = {"redirect", "HttpResponseRedirect", "HttpResponsePermanentRedirect"}
USER_INPUT = {"GET", "POST", "META", "headers", "COOKIES", "body"}


def _request_inputs(node):
    """Names of request attributes (request.GET, request.META …) used anywhere inside ``node``."""
    return {
        sub.attr
        for sub in ast.walk(node)
        if isinstance(sub, ast.Attribute) and sub.attr in USER_INPUT and isinstance(sub.value, ast.Name)
    }


def test_no_redirect_in_our_code_takes_its_target_from_the_request():
    """Every redirect in our code goes to a URL we build (reverse, request.path). A new redirect whose
    target comes from GET/POST/headers must pass through url_has_allowed_host_and_scheme, and this
    test makes whoever adds one look at it."""
    offenders, redirects = [], 0
    for folder in ["newsletter", "regions", "config"]:
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            source = path.read_text()
            tree = ast.parse(source)
            checked = "url_has_allowed_host_and_scheme" in source
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if name not in REDIRECT_CALLS:
                    continue
                redirects += 1
                used = set().union(*(_request_inputs(arg) for arg in [*node.args, *(k.value for k in node.keywords)]))
                if used and not checked:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} uses request.{sorted(used)}")
    assert redirects >= 8  # the scan found the redirects we know about
    assert offenders == []
