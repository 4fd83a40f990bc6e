"""The admin login under user names no account has: very long ones get the ordinary failure.

django-axes records each failure with the attempted name in a 255-character column; PostgreSQL
refuses a longer value, which made such a login answer 500 there. (Run this file on PostgreSQL
too: SQLite does not check the length, but the recorded name below does show it was cut.)
"""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("length", [151, 255, 256, 300, 5000])
def test_a_very_long_user_name_gets_the_normal_login_failure(client, length):
    username = "长" * 10 + "a" * (length - 10)
    response = client.post(LOGIN, {"username": username, "password": "wrong", "next": "/admin/"})
    assert response.status_code == 200, response.status_code
    assert 'class="errornote"' in response.content.decode()  # the login form's own "wrong name or password"
    attempt = AccessAttempt.objects.get()
    assert attempt.username == username[:255]
    assert attempt.failures_since_start == 1


def test_long_user_names_are_still_locked_out_after_the_failure_limit(client, settings):
    username = "x" * 400
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(LOGIN, {"username": username, "password": "wrong"}).status_code == 200
    locked = client.post(LOGIN, {"username": username, "password": "wrong"})
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()


def test_a_real_account_still_logs_in(client):
    User.objects.create_superuser("root", "root@example.com", "pw")
    response = client.post(LOGIN, {"username": "root", "password": "pw", "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
