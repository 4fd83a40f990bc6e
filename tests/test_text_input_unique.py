"""A name typed with control characters is the name it becomes: when that clean name is already taken,
the admin says so on the form (as for any duplicate) instead of answering 500 at the database."""

import pytest
from django.urls import reverse

from newsletter.models import Editor, Outlet, Publication, Topic
from regions.models import Region
from tests.security.admin_forms import form_data, single

pytestmark = pytest.mark.django_db

# Word's manual line break, a form feed and a zero-width space inside a name that already exists.
CASES = [
    ("admin:regions_region_add", Region, {"name": "上\u200b海", "order": "5"}, "上海"),
    ("admin:newsletter_outlet_add", Outlet, {"name": "金融\x0c时报"}, "金融时报"),
    ("admin:newsletter_editor_add", Editor, {"name": "王\x01一鸣", "is_active": "on"}, "王一鸣"),
    ("admin:newsletter_topic_add", Topic, {"name": "碳\ufeff市场"}, "碳市场"),
]


def existing(model, name):
    if model is Region:
        return Region.objects.get_or_create(name=name, defaults={"order": 1})[0]
    return model.objects.create(name=name)


@pytest.mark.parametrize(("url_name", "model", "typed", "clean_name"), CASES, ids=[c[1].__name__ for c in CASES])
def test_a_name_that_becomes_an_existing_one_once_cleaned_gets_the_duplicate_error_on_the_form(
    client, superuser, url_name, model, typed, clean_name
):
    existing(model, clean_name)
    client.force_login(superuser)
    url = reverse(url_name)
    data = single(form_data(client.get(url).content.decode()))
    data.update(typed)
    response = client.post(url, data)
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert "errornote" in html and "已存在" in html, html[:2000]
    assert model.objects.filter(name=clean_name).count() == 1


def test_a_publication_name_that_becomes_an_existing_one_gets_the_duplicate_error(client, superuser):
    Publication.objects.create(name="双周决策观察", slug="sz")
    client.force_login(superuser)
    url = reverse("admin:newsletter_publication_add")
    data = single(form_data(client.get(url).content.decode()))
    data.update({"name": "双周\x01决策观察", "slug": "other"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "已存在" in response.content.decode()
    assert Publication.objects.count() == 1
