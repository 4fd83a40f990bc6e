"""An article's stored HTML and search text follow every write that changes what they are made from,
whoever writes: the models' own methods, the admin, revisions, the importer or the demo loader.
No test here calls anything to refresh them: each write is what a user or a command does."""

import datetime
import io
import re
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from newsletter import revisions, workflow
from newsletter.models import Article, Figure, Issue, Outlet, Source, Topic
from regions.models import Region
from tests import factories as f
from tests.test_locking import article_form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]

SAMPLES = Path(__file__).parent / "samples"


def found(client, query):
    """Titles of the search results page for ``query``, in order."""
    html = client.get("/search/", {"q": query}).content.decode()
    titles = re.findall(r'<a class="result-title" href="[^"]*">(.*?)</a>', html)
    return [re.sub(r"</?mark>", "", title) for title in titles]


def stored(article):
    article = Article.objects.get(pk=article.pk)
    return {"body_html": article.body_html, "search_text": article.search_text}


def test_article_created_with_objects_create_is_found_by_search(client):
    issue = f.issue()
    Article.objects.create(issue=issue, section=f.region("区域"), title="创建即可检索的文章", body="正文写着醇氢汽车。")
    assert found(client, "醇氢汽车") == ["创建即可检索的文章"]
    assert found(client, "即可检索") == ["创建即可检索的文章"]


def test_changing_an_article_title_with_save_makes_search_find_the_new_title_and_not_the_old(client):
    article = f.article(f.issue(), title="旧的标题文字", body="正文。")
    article.title = "新的标题文字"
    article.save()
    assert found(client, "新的标题") == ["新的标题文字"]
    assert found(client, "旧的标题") == []


def test_saving_only_some_fields_still_updates_the_search_text(client):
    article = f.article(f.issue(), title="部分保存之前", body="正文。")
    article.title = "部分保存之后"
    article.save(update_fields=["title"])
    assert found(client, "保存之后") == ["部分保存之后"]
    assert found(client, "保存之前") == []


def test_renaming_an_outlet_in_the_admin_makes_search_find_the_new_name(client, superuser):
    article = f.article(f.issue(), title="来源改名的文章", sources=(("滨海日报", datetime.date(2024, 12, 1)),))
    outlet = Outlet.objects.get(name="滨海日报")
    client.force_login(superuser)
    response = client.post(reverse("admin:newsletter_outlet_change", args=[outlet.pk]), {"name": "滨海新闻报"})
    assert response.status_code == 302
    assert found(client, "滨海新闻报") == [article.title]
    assert found(client, "滨海日报") == []


def test_renaming_a_topic_in_the_admin_makes_search_find_the_new_name(client, superuser):
    article = f.article(f.issue(), title="主题改名的文章", topics=("海洋牧场",))
    topic = Topic.objects.get(name="海洋牧场")
    client.force_login(superuser)
    response = client.post(reverse("admin:newsletter_topic_change", args=[topic.pk]), {"name": "蓝色粮仓"})
    assert response.status_code == 302
    assert found(client, "蓝色粮仓") == [article.title]
    assert found(client, "海洋牧场") == []


def test_renaming_a_region_makes_search_find_its_articles_under_the_new_name(client):
    in_section = f.article(f.issue(), section="雄安", title="栏目里的文章", body="正文。")
    tagged = f.article(in_section.issue, section="区域", title="带标签的文章", body="正文。", region_tags=("雄安",))
    region = Region.objects.get(name="雄安")
    region.name = "雄安新区"
    region.save()
    assert sorted(found(client, "雄安新区")) == sorted([in_section.title, tagged.title])
    assert found(client, "雄安") == found(client, "雄安新区")


def test_adding_and_removing_tags_changes_what_search_finds(client):
    article = f.article(f.issue(), section="区域", title="标签变化的文章", body="正文。")
    assert found(client, "盐城") == []
    article.regions.add(f.region("盐城"))
    article.topics.add("湿地保护")
    assert found(client, "盐城") == [article.title]
    assert found(client, "湿地保护") == [article.title]
    article.regions.remove(Region.objects.get(name="盐城"))
    article.topics.clear()
    assert found(client, "盐城") == []
    assert found(client, "湿地保护") == []


def test_moving_an_article_to_another_section_makes_search_find_it_under_the_new_region(client):
    article = f.article(f.issue(), section="区域", title="换栏目的文章", body="正文。")
    article.section = f.region("海南")
    article.save()
    assert found(client, "海南") == [article.title]


def test_adding_and_removing_a_source_changes_what_search_finds(client):
    article = f.article(f.issue(), title="来源变化的文章", sources=())
    source = Source.objects.create(article=article, outlet=Outlet.get_for_name("湾区财经报"), position=0)
    assert found(client, "湾区财经") == [article.title]
    source.delete()
    assert found(client, "湾区财经") == []


def test_editing_adding_and_deleting_a_figure_changes_search_and_the_stored_body(client):
    article = f.article(f.issue(), title="图注变化的文章", body="正文。\n\n[[figure:1]]")
    figure = f.figure(article, caption="港口吞吐量示意", with_image=False)
    assert found(client, "吞吐量") == [article.title]
    assert "图 1 港口吞吐量示意" in stored(article)["body_html"]
    figure.caption = "航线分布示意"
    figure.save()
    assert found(client, "航线分布") == [article.title]
    assert found(client, "吞吐量") == []
    assert "图 1 航线分布示意" in stored(article)["body_html"]
    figure.delete()
    assert found(client, "航线分布") == []
    assert "航线分布" not in stored(article)["body_html"]


def test_a_figure_added_to_an_earlier_article_renumbers_the_captions_of_later_articles():
    issue = f.issue()
    first = f.article(issue, section=f.region("区域", order=1), position=1, title="前一篇", body="正文。")
    later = f.article(issue, section=f.region("上海", order=2), position=1, title="后一篇", body="正文。")
    f.figure(later, caption="后一篇的图", with_image=False)
    assert "图 1 后一篇的图" in stored(later)["body_html"]
    f.figure(first, caption="前一篇的图", with_image=False)
    assert "图 1 前一篇的图" in stored(first)["body_html"]
    assert "图 2 后一篇的图" in stored(later)["body_html"]
    assert list(Figure.objects.filter(article=later).values_list("number", flat=True)) == [2]
    first.delete()
    assert "图 1 后一篇的图" in stored(later)["body_html"]


def test_an_article_saved_in_the_admin_with_new_tags_and_sources_is_found_by_them(client, editor_user):
    article = f.article(f.issue(status=Issue.Status.DRAFT), title="后台保存的文章", sources=())
    outlet = Outlet.get_for_name("海峡导报")
    data = article_form_data(Article.objects.get(pk=article.pk), topics="滨海湿地", regions="福建")
    data.update(
        {
            "sources-TOTAL_FORMS": 1,
            "sources-0-article": article.pk,
            "sources-0-outlet": outlet.pk,
            "sources-0-date": "2024-12-01",
            "sources-0-position": 0,
        }
    )
    f.region("福建")
    client.force_login(editor_user)
    response = client.post(reverse("admin:newsletter_article_change", args=[article.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    text = stored(article)["search_text"]
    assert "海峡导报" in text and "滨海湿地" in text and "福建" in text
    assert stored(article) == Article.objects.get(pk=article.pk).derive()


def test_restoring_a_revision_makes_search_find_the_restored_title_and_topics(client, editor_user):
    article = f.article(f.issue(), title="最初的标题文字", body="正文。", topics=("古村落保护",))
    old = revisions.record(article, by=editor_user)
    article.title = "后改的标题文字"
    article.save()
    article.topics.set(["工业遗产"])
    assert found(client, "古村落保护") == []
    revisions.restore(old, by=editor_user)
    assert found(client, "最初的标题") == ["最初的标题文字"]
    assert found(client, "古村落保护") == ["最初的标题文字"]
    assert found(client, "后改的标题") == []
    assert found(client, "工业遗产") == []


def test_imported_articles_are_found_by_their_section_and_region_tags(client, chief_user):
    f.publication()
    call_command("import_issue", str(SAMPLES / "issue_2023_03.txt"), stdout=io.StringIO(), stderr=io.StringIO())
    issue = Issue.objects.get()
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.APPROVED)
    workflow.perform(issue, workflow.PUBLISH, by=chief_user)
    for article in issue.articles.select_related("section"):
        assert article.section.name in article.search_text, article.title
        for name in article.regions.names():
            assert name in article.search_text, (article.title, name)
    section = issue.articles.exclude(section__name="区域").select_related("section").first().section
    titles = found(client, section.name)
    assert set(issue.articles.filter(section=section).values_list("title", flat=True)) <= set(titles)
    for article in issue.articles.select_related("section"):
        assert stored(article) == article.derive(), article.title


def test_the_demo_loader_stores_what_saving_each_article_would_store(demo):
    for article in Article.objects.select_related("section"):
        assert article.section.name in article.search_text
        assert stored(article) == article.derive(), article.title


def test_the_search_text_migration_rebuilds_every_article_text(client):
    article = f.article(f.issue(), section="西藏", title="迁移前写入的文章", body="正文。", topics=("高原生态",))
    expected = stored(article)
    Article.objects.update(search_text="迁移前写入的文章")  # a text as the old formula wrote it, without names
    assert found(client, "高原生态") == []
    migration = import_module("newsletter.migrations.0008_article_search_text_labels")
    migration.rebuild_search_text(apps, None)
    assert stored(article) == expected
    assert found(client, "高原生态") == [article.title]


def test_models_import_no_renditions_caches_or_views():
    # Models are imported by everything; importing the page machinery from them made a cycle
    # (models → renditions → cache → models). Derived data is kept by newsletter.derived instead.
    import ast

    forbidden = {"renditions", "cache", "views", "derived", "cache_invalidation"}
    for path in (Path(__file__).parent.parent / "newsletter" / "models").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level >= 2:  # from .. import x / from ..x import y
                names = {node.module} if node.module else {alias.name for alias in node.names}
                assert not names & forbidden, (path.name, names)
