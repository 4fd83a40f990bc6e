"""Review of issue 17: a public copy is cached for a year ("immutable"), so a CDN in front of the bucket
(AWS_S3_CUSTOM_DOMAIN, which the issue and the README offer) keeps serving a withdrawn issue's figures
and PDF for up to a year after the withdrawal deleted them — while media.py and print_views.py keep
every other answer at five minutes precisely so that "a withdrawal must reach readers (and shared
caches) within minutes". Deleting the origin object cannot reach a shared cache; only a short
lifetime (or a CDN invalidation on withdrawal) can.
"""

import re
import urllib.request

import pytest

from newsletter import workflow
from newsletter.models import Issue, PublicFile
from tests import factories

pytestmark = pytest.mark.django_db

# The same bound the change itself uses for every withdrawable answer (media.PUBLIC_CACHE, the PDF view).
WITHDRAWAL_REACHES_CACHES_WITHIN = 300


def shared_cache_lifetime(cache_control):
    values = dict(re.findall(r"(s-maxage|max-age)=(\d+)", cache_control))
    return int(values.get("s-maxage", values.get("max-age", "0")))


def test_a_withdrawable_issues_public_figure_copy_may_not_be_kept_by_shared_caches_longer_than_a_withdrawal_takes(
    bucket, chief_user, django_capture_on_commit_callbacks
):
    issue = factories.issue(status=Issue.Status.APPROVED)
    figure = factories.figure(factories.article(issue))
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(Issue.objects.get(pk=issue.pk), workflow.PUBLISH, by=chief_user)
    url = bucket.public_url(PublicFile.objects.get(source=figure.image.name).key)

    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (loopback moto)
        cache_control = answer.headers["Cache-Control"]

    # Seen: "public, max-age=31536000, immutable".
    assert shared_cache_lifetime(cache_control) <= WITHDRAWAL_REACHES_CACHES_WITHIN, cache_control
