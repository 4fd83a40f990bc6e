from django.db import migrations

# search_text now carries the section, region and topic names, in the layout search ranks by
# (newsletter.models.article.search_text_for). Every existing article's text is rebuilt from its
# rows; body_html is unchanged by this and is read as stored.

BATCH = 500


def rebuild_search_text(apps, schema_editor):
    from newsletter.models.article import search_text_for

    Article = apps.get_model("newsletter", "Article")
    Source = apps.get_model("newsletter", "Source")
    ArticleRegion = apps.get_model("newsletter", "ArticleRegion")
    ArticleTopic = apps.get_model("newsletter", "ArticleTopic")
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        outlets, regions, topics = {}, {}, {}
        sources = Source.objects.filter(article_id__in=batch).order_by("article_id", "position", "pk")
        for article_id, name in sources.values_list("article_id", "outlet__name"):
            outlets.setdefault(article_id, []).append(name)
        for model, names in ((ArticleRegion, regions), (ArticleTopic, topics)):
            for article_id, name in model.objects.filter(content_object_id__in=batch).values_list(
                "content_object_id", "tag__name"
            ):
                names.setdefault(article_id, []).append(name)
        articles = list(
            Article.objects.filter(pk__in=batch)
            .select_related("section")
            .only("title", "short_title", "summary", "body_html", "search_text", "section__name")
        )
        for article in articles:
            article.search_text = search_text_for(
                article,
                article.body_html,
                section=article.section.name if article.section else "",
                outlets=outlets.get(article.pk, []),
                regions=regions.get(article.pk, []),
                topics=topics.get(article.pk, []),
            )
        Article.objects.bulk_update(articles, ["search_text"])


class Migration(migrations.Migration):
    """Search text with section and tag names: rebuilt for every article (data only)."""

    dependencies = [("newsletter", "0007_issue_rendition_head")]
    operations = [migrations.RunPython(rebuild_search_text, migrations.RunPython.noop)]
