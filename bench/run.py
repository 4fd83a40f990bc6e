"""`make bench`: build a synthetic 20-year archive in the bench's own database, measure, print a table,
and write every figure to bench/results.json.

    python -m bench.run                   # 500 issues × 12 articles, then grown to 10,000 articles
    python -m bench.run --quick           # a small archive and short loads, to try the bench itself

Phases: the archive (6,000 articles) → public pages cold and warm → HTTP throughput of the issue page
against the same bytes as a static file (gunicorn, 2 workers, wrk) and the workers' peak memory →
admin → the archive grown to 10,000 articles → pages (search above all) and admin again → importing
300 exported issues into another publication.
"""

import argparse
import datetime
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
import traceback
from pathlib import Path

from bench import report

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results.json"
PAGE_CACHE_MIDDLEWARE = "newsletter.middleware.PublicPageCacheMiddleware"
SEARCH_QUERIES = {"search_2_chars": "碳汇", "search_4_chars": "并购重组", "search_two_terms": "数据要素 跨境"}


def log(message):
    print(message, flush=True)


def guarded(name, results, function, *args, **kwargs):
    """Run one phase; a phase that cannot run records why and the run goes on."""
    started = time.monotonic()
    try:
        value = function(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - one missing piece must not hide every other figure
        traceback.print_exc()
        value = {"unavailable": f"{type(error).__name__}: {error}"}
    log(f"[{name}] {time.monotonic() - started:.1f} s")
    results[name] = value
    return value


# ----------------------------------------------------------------------------------------- database


def reset_database():
    """A fresh, empty bench database (never the one DATABASE_URL names, unless it ends in _bench)."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        for suffix in ("", "-wal", "-shm"):
            Path(db["NAME"] + suffix).unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    params = {"dbname": "postgres", "host": db.get("HOST") or None, "port": db.get("PORT") or None}
    params.update({k.lower(): db[k] for k in ("USER", "PASSWORD") if db.get(k)})
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db["NAME"])))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))


def drop_database():
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        for suffix in ("", "-wal", "-shm"):
            Path(db["NAME"] + suffix).unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    params = {"dbname": "postgres", "host": db.get("HOST") or None, "port": db.get("PORT") or None}
    params.update({k.lower(): db[k] for k in ("USER", "PASSWORD") if db.get(k)})
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db["NAME"])))


# -------------------------------------------------------------------------------------------- machine


def machine():
    import django
    from django.conf import settings
    from django.db import connection

    from bench import measure

    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    meminfo = Path("/proc/meminfo").read_text()
    mem_kb = int(meminfo.split("MemTotal:")[1].split()[0])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    else:
        database = f"SQLite {sqlite3.sqlite_version}"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    try:
        import gunicorn

        gunicorn_version = gunicorn.__version__
    except ImportError:
        gunicorn_version = None
    return {
        "nproc": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "cpu_model": cpu,
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": database,
        "gunicorn": gunicorn_version,
        "wrk": measure.wrk_version(),
        "os": platform.platform(),
        "git_commit": commit.strip(),
        "page_cache_middleware": PAGE_CACHE_MIDDLEWARE in settings.MIDDLEWARE,
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
    }


# ------------------------------------------------------------------------------------------- archive


def build(total_articles):
    from django.db import connection

    from bench.archive import build_archive
    from newsletter import renditions
    from newsletter.models import Article, Issue

    started = time.monotonic()
    issues, articles = build_archive(total_articles, 12, log=log)
    seconds = time.monotonic() - started
    # The archive is written in bulk, without the signals that keep issue pages' renditions; render
    # them as `migrate` does after a deploy (timed on its own: it is part of what publishing costs).
    started = time.monotonic()
    rendered = renditions.refresh_stale()
    rendition_seconds = time.monotonic() - started
    log(f"  已预生成 {rendered} 期的期刊页面（{rendition_seconds:.1f} 秒）")
    # A database that has lived for years has planner statistics and vacuumed indexes; one filled a
    # second ago has neither until autovacuum gets to it (this machine's server runs without it): the
    # planner would ignore the indexes being measured, and every search would read through the GIN
    # index's pending list of unsorted entries.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {
        "issues_created": issues,
        "articles_created": articles,
        "seconds": round(seconds, 1),
        "issue_pages_rendered": rendered,
        "issue_pages_seconds": round(rendition_seconds, 1),
        "issues_total": Issue.objects.count(),
        "articles_total": Article.objects.count(),
    }


def page_urls():
    """Public URLs to measure, from get_absolute_url() of real rows (None where there is nothing)."""
    from django.urls import NoReverseMatch, reverse

    from newsletter.models import Article, Issue, Topic
    from regions.models import Region

    def named(name, fallback, **kwargs):
        try:
            return reverse(name, kwargs=kwargs or None)
        except NoReverseMatch:
            return fallback

    issues = Issue.objects.published().order_by("-published_at")
    latest = issues.first()
    middle = issues[issues.count() // 2] if latest else None
    article = Article.objects.filter(issue=middle).order_by("position").first() if middle else None
    region = Region.objects.filter(name="上海").first()
    topic = Topic.objects.filter(name="碳市场").first()
    search = named("newsletter:search", "/search/")
    urls = {
        "home": named("newsletter:home", "/"),
        "issue": latest.get_absolute_url() if latest else None,
        "article": article.get_absolute_url() if article else None,
        "region": region.get_absolute_url() if region else None,
        "tag": topic.get_absolute_url() if topic else None,
    }
    for name, query in SEARCH_QUERIES.items():
        urls[name] = f"{search}?q={query}"
    urls.update(
        {
            "feed_issues_rss": "/feeds/issues/",
            "feed_issues_atom": "/feeds/issues/atom/",
            "feed_articles_rss": "/feeds/articles/",
            "feed_articles_atom": "/feeds/articles/atom/",
            "feed_region_rss": f"/feeds/regions/{region.slug}/" if region else None,
            "feed_region_atom": f"/feeds/regions/{region.slug}/atom/" if region else None,
            "feed_tag_rss": f"/feeds/tags/{topic.slug}/" if topic else None,
            "feed_tag_atom": f"/feeds/tags/{topic.slug}/atom/" if topic else None,
            "sitemap": named("sitemap", "/sitemap.xml"),
        }
    )
    return urls


def pages(repeat_cold, repeat_warm, budget):
    from django.conf import settings

    from bench.measure import measure_page

    cache_installed = PAGE_CACHE_MIDDLEWARE in settings.MIDDLEWARE
    results = {}
    for name, url in page_urls().items():
        results[name] = {
            "cold": measure_page(url, repeat=repeat_cold, cache=False, budget_seconds=budget),
            "warm": measure_page(url, repeat=repeat_warm, cache=True, budget_seconds=budget)
            if cache_installed
            else {"unavailable": "page cache middleware not installed"},
        }
        cold, warm = results[name]["cold"], results[name]["warm"]
        log(f"  {name:20} cold {report.brief(cold):34} warm {report.brief(warm)}")
    return results


# ---------------------------------------------------------------------------------------- throughput


def throughput(seconds, rounds=3):
    """Issue page vs. the same bytes as a static file, same gunicorn + whitenoise, warm cache and cache off.

    The two loads alternate in ``rounds`` rounds of ``seconds`` each (static, page, static, page …) and
    the figure is the median round's ratio: on a shared 2-core machine a few seconds of someone
    else's work would otherwise land on one side of a single pair and decide the result.
    """
    from django.conf import settings

    from bench import measure
    from newsletter.models import Issue

    if not measure.wrk_available():
        return {"unavailable": "wrk is not installed (make bench installs it with apt-get)"}
    latest = Issue.objects.published().order_by("-published_at").first()
    if latest is None:
        return {"unavailable": "no published issue"}
    issue_path = latest.get_absolute_url()
    static_file = Path(settings.STATIC_ROOT) / "bench" / "issue-page.html"
    static_path = settings.STATIC_URL + "bench/issue-page.html"
    results = {"issue_url": issue_path, "static_url": static_path}
    # One port for every server: the page names its own URL (canonical link), so the bytes match only then.
    port = measure.free_port()
    for mode, page_cache in (("warm", True), ("cold", False)):
        server = measure.Gunicorn(page_cache=page_cache, log_path=BENCH_DIR / "gunicorn.log", port=port)
        if mode == "warm":
            # The static copy is the page exactly as gunicorn serves it (written before any worker starts).
            with measure.Gunicorn(page_cache=False, log_path=BENCH_DIR / "gunicorn.log", port=port) as probe:
                probe.wait_ready("/robots.txt" if _has_robots() else issue_path)
                status, _headers, body = probe.get(issue_path)
                if status != 200:
                    return {"unavailable": f"HTTP {status} for {issue_path}"}
            static_file.parent.mkdir(parents=True, exist_ok=True)
            static_file.write_bytes(body)
        with server:
            server.wait_ready(static_path)
            _status, headers, page = server.get(issue_path)
            _status, _headers, static = server.get(static_path)
            measure.run_wrk(server.base + issue_path, seconds=2)  # prime every worker's cache
            measure.run_wrk(server.base + static_path, seconds=1)
            pairs = []
            for _ in range(rounds):
                static_rate = measure.run_wrk(server.base + static_path, seconds=seconds)
                page_rate = measure.run_wrk(server.base + issue_path, seconds=seconds)
                pairs.append(
                    (page_rate["requests_per_second"] / static_rate["requests_per_second"], static_rate, page_rate)
                )
            pairs.sort(key=lambda pair: pair[0])
            ratio, static_rate, page_rate = pairs[len(pairs) // 2]
            results[mode] = {
                "page_cache_enabled": page_cache,
                "x_page_cache": headers.get("X-Page-Cache", ""),
                "page_bytes": len(page),
                "static_bytes": len(static),
                "same_bytes": page == static,
                "static": static_rate,
                "issue_page": page_rate,
                "ratio": round(ratio, 3),
                "round_ratios": [round(pair[0], 3) for pair in pairs],
                "workers": server.worker_memory(),
            }
        log(
            f"  {mode}: page {page_rate['requests_per_second']:.0f} req/s, static "
            f"{static_rate['requests_per_second']:.0f} req/s, ratio {results[mode]['ratio']:.1%}"
        )
    workers = results["warm"]["workers"] + results["cold"]["workers"]
    results["peak_worker_rss_mb"] = max(w["peak_rss_mb"] for w in workers)
    return results


def _has_robots():
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("robots_txt")
    except NoReverseMatch:
        return False
    return True


# -------------------------------------------------------------------------------------------- admin


def admin(repeat, budget):
    from django.contrib.auth.models import User
    from django.db.models import Count
    from django.test import Client

    from bench.measure import measure_page
    from newsletter.models import Article, Issue

    user = User.objects.filter(username="bench-admin").first() or User.objects.create_superuser(
        "bench-admin", "bench@example.com", None
    )
    client = Client()
    client.force_login(user)
    # The newest whole issue (the last generated one may be shorter).
    issue = (
        Issue.objects.annotate(article_count=Count("articles"))
        .filter(article_count=12)
        .order_by("-total_number")
        .first()
    )
    return {
        "articles": Article.objects.count(),
        "article_changelist": measure_page(
            "/admin/newsletter/article/", repeat=repeat, client=client, budget_seconds=budget
        ),
        "issue_change": measure_page(
            f"/admin/newsletter/issue/{issue.pk}/change/", repeat=repeat, client=client, budget_seconds=budget
        ),
    }


# ------------------------------------------------------------------------------------------- import


def import_issues(count, budget_seconds):
    """Export ``count`` issues as Markdown with export_issue, import them with import_issue into another
    publication, and time the import: issues per second.

    The files are imported in batches of 25 (one import_issue call each); once ``budget_seconds`` are
    spent no further batch starts, so a slow importer cannot push the run past its time limit. The
    rate is then taken over the files imported (``files_attempted`` says how many).
    """
    import io
    import shutil

    from django.core.management import call_command, get_commands
    from django.core.management.base import CommandError

    from bench.archive import ensure_publication
    from newsletter.models import Article, Issue

    for command in ("export_issue", "import_issue"):
        if command not in get_commands():
            return {"unavailable": f"manage.py {command} does not exist"}
    folder = BENCH_DIR / "import-files"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    issues = list(Issue.objects.filter(publication__slug="sszjc").order_by("total_number")[:count])
    started = time.monotonic()
    files = []
    for issue in issues:
        out = io.StringIO()
        call_command("export_issue", issue.key, format="markdown", publication="sszjc", stdout=out)
        path = folder / f"{issue.total_number:04d}.md"
        path.write_text(out.getvalue(), encoding="utf-8")
        files.append(str(path))
    export_seconds = time.monotonic() - started
    target = ensure_publication("bench-import", name="双周决策观察（导入测试）")
    before = Article.objects.count()
    failures, attempted, seconds = [], 0, 0.0
    for start in range(0, len(files), 25):
        if seconds >= budget_seconds:
            break
        batch = files[start : start + 25]
        out, err = io.StringIO(), io.StringIO()
        began = time.monotonic()
        try:
            call_command("import_issue", *batch, publication=target.slug, stdout=out, stderr=err)
        except CommandError as error:
            failures.append(f"{error}\n{err.getvalue()}"[-600:])
        seconds += time.monotonic() - began
        attempted += len(batch)
    imported = Issue.objects.filter(publication=target).count()
    result = {
        "files": len(files),
        "files_attempted": attempted,
        "imported_issues": imported,
        "imported_articles": Article.objects.count() - before,
        "seconds": round(seconds, 2),
        "issues_per_second": round(imported / seconds, 2) if seconds else None,
        "export_seconds": round(export_seconds, 2),
    }
    if failures:
        result["failures"] = failures[:3]
    shutil.rmtree(folder, ignore_errors=True)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description="基准测试：合成档案上的页面延迟、查询数、吞吐量、导入和内存")
    parser.add_argument("--quick", action="store_true", help="小档案、短负载，只用来试跑")
    parser.add_argument("--keep-db", action="store_true", help="结束后保留基准数据库")
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args(argv)
    sizes = (600, 1000) if args.quick else (6000, 10000)
    repeat_cold, repeat_warm, wrk_seconds, import_count = (5, 10, 2, 20) if args.quick else (20, 40, 4, 300)
    page_budget = 2 if args.quick else 4  # seconds of sampling per page and mode, so a slow page cannot stall the run
    import_budget = 20 if args.quick else 60

    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")
    started = time.monotonic()
    reset_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    # Production static files (manifest + compressed copies): templates need the manifest, whitenoise serves them.
    call_command("collectstatic", interactive=False, verbosity=0)
    results = {
        "machine": machine(),
        "sizes": {"issues": sizes[0] // 12, "articles_per_issue": 12, "articles_search": sizes[1]},
    }
    log(f"基准数据库：{results['machine']['database']}")
    try:
        guarded("archive_6000", results, build, sizes[0])
        guarded("pages_6000", results, pages, repeat_cold, repeat_warm, page_budget)
        guarded("throughput", results, throughput, wrk_seconds)
        guarded("admin_6000", results, admin, repeat_cold // 2, page_budget)
        guarded("archive_10000", results, build, sizes[1])
        guarded("pages_10000", results, pages, repeat_cold, repeat_warm, page_budget)
        guarded("admin_10000", results, admin, repeat_cold // 2, page_budget)
        guarded("import", results, import_issues, import_count, import_budget)
    finally:
        results["targets"] = report.targets(results)
        results["duration_seconds"] = round(time.monotonic() - started, 1)
        output = Path(args.output)
        temporary = output.with_name(output.name + ".tmp")
        temporary.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        temporary.replace(output)
        if not args.keep_db:
            drop_database()
    log("")
    log(report.table(results))
    log(f"\n用时 {results['duration_seconds']} 秒；全部数据见 {args.output}")


if __name__ == "__main__":
    main()
