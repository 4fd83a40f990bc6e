"""Readers get a published issue as soon as the move commits, not after the move's email and PDF work.

Found by the load test (tests/load/run.py): the page-cache version used to move only in the last
after-commit step, so the cached home page kept showing the previous issue for as long as the email
(SMTP in production) and the print edition's set-up took — three seconds under load.
"""

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.test import Client

from newsletter import roles
from newsletter.models import Issue
from newsletter.workflow import PUBLISH, perform
from tests import factories
from tests.factories import role_user

pytestmark = pytest.mark.django_db(transaction=True)

HOME_AT_EMAIL_TIME = []


class HomePageRecordingBackend(EmailBackend):
    """Records what an anonymous reader's home page shows at the moment the email goes out."""

    def send_messages(self, messages):
        HOME_AT_EMAIL_TIME.append(Client().get("/").content.decode())
        return super().send_messages(messages)


def test_cached_home_page_shows_the_published_issue_before_the_publication_email_is_sent(settings):
    settings.EMAIL_BACKEND = f"{__name__}.HomePageRecordingBackend"
    settings.PAGE_CACHE_ENABLED = True
    HOME_AT_EMAIL_TIME.clear()
    editor, chief = role_user("editor", roles.EDITOR), role_user("chief", roles.CHIEF)
    factories.issue(status=Issue.Status.PUBLISHED, theme="上一期主题")
    approved = factories.issue(status=Issue.Status.APPROVED, theme="本期新主题", submitted_by=editor)
    factories.article(issue=approved, created_by=editor)
    reader = Client()
    before = reader.get("/")
    assert "上一期主题" in before.content.decode()
    assert reader.get("/")["X-Page-Cache"] == "hit"

    with transaction.atomic():
        perform(approved, PUBLISH, by=chief)

    assert len(HOME_AT_EMAIL_TIME) == 1, "the publication email was not sent"
    assert "本期新主题" in HOME_AT_EMAIL_TIME[0]
    assert "本期新主题" in reader.get("/").content.decode()
