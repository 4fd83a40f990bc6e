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
    from bench.archive import build_archive
    from newsletter.models import Article, Issue

    started = time.monotonic()
    issues, articles = build_archive(total_articles, 12, log=log)
    seconds = time.monotonic() - started
    return {
        "issues_created": issues,
        "articles_created": articles,
        "seconds": round(seconds, 1),
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
            else {"unavailable": f"{PAGE_CACHE_MIDDLEWARE} is not in MIDDLEWARE"},
        }
        cold, warm = results[name]["cold"], results[name]["warm"]
        log(f"  {name:20} cold {_brief(cold):34} warm {_brief(warm)}")
    return results


def _brief(figures):
    if "unavailable" in figures:
        return figures["unavailable"][:60]
    return f"p50 {figures['p50_ms']:7.1f} ms  p95 {figures['p95_ms']:7.1f} ms  {figures['queries']:2d} q"


# ---------------------------------------------------------------------------------------- throughput


def throughput(seconds):
    """Issue page vs. the same bytes as a static file, same gunicorn + whitenoise, warm cache and cache off."""
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
    for mode, page_cache in (("warm", True), ("cold", False)):
        server = measure.Gunicorn(page_cache=page_cache, log_path=BENCH_DIR / "gunicorn.log")
        if mode == "warm" or not static_file.exists():
            # The static copy is the page exactly as gunicorn serves it (written before any worker starts).
            with measure.Gunicorn(page_cache=False, log_path=BENCH_DIR / "gunicorn.log") as probe:
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
            static_rate = measure.run_wrk(server.base + static_path, seconds=seconds)
            page_rate = measure.run_wrk(server.base + issue_path, seconds=seconds)
            results[mode] = {
                "page_cache_enabled": page_cache,
                "x_page_cache": headers.get("X-Page-Cache", ""),
                "page_bytes": len(page),
                "static_bytes": len(static),
                "same_bytes": page == static,
                "static": static_rate,
                "issue_page": page_rate,
                "ratio": round(page_rate["requests_per_second"] / static_rate["requests_per_second"], 3),
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


def admin(repeat):
    from django.contrib.auth.models import User
    from django.test import Client

    from bench.measure import measure_page
    from newsletter.models import Article, Issue

    user = User.objects.filter(username="bench-admin").first() or User.objects.create_superuser(
        "bench-admin", "bench@example.com", None
    )
    client = Client()
    client.force_login(user)
    issue = Issue.objects.order_by("-total_number").first()
    return {
        "articles": Article.objects.count(),
        "article_changelist": measure_page("/admin/newsletter/article/", repeat=repeat, client=client),
        "issue_change": measure_page(f"/admin/newsletter/issue/{issue.pk}/change/", repeat=repeat, client=client),
    }


# ------------------------------------------------------------------------------------------- import


def import_issues(count):
    """Export ``count`` issues as Markdown with export_issue, import them with import_issue into another
    publication, and time the import."""
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
    for issue in issues:
        out = io.StringIO()
        call_command("export_issue", issue.key, format="markdown", publication="sszjc", stdout=out)
        (folder / f"{issue.total_number:04d}.md").write_text(out.getvalue(), encoding="utf-8")
    export_seconds = time.monotonic() - started
    target = ensure_publication("bench-import", name="双周决策观察（导入测试）")
    before = Article.objects.count()
    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    failure = ""
    try:
        call_command("import_issue", str(folder), publication=target.slug, stdout=out, stderr=err)
    except CommandError as error:
        failure = str(error)
    seconds = time.monotonic() - started
    imported = Issue.objects.filter(publication=target).count()
    result = {
        "files": len(issues),
        "imported_issues": imported,
        "imported_articles": Article.objects.count() - before,
        "seconds": round(seconds, 2),
        "issues_per_second": round(imported / seconds, 2) if seconds else None,
        "export_seconds": round(export_seconds, 2),
    }
    if failure or imported != len(issues):
        result["failures"] = (failure + "\n" + err.getvalue())[-2000:]
    shutil.rmtree(folder, ignore_errors=True)
    return result


# ------------------------------------------------------------------------------------------ targets


def targets(results):
    """The issue's targets, each with the measured figure and whether it holds."""

    def ok(figures, key):
        return isinstance(figures, dict) and "unavailable" not in figures and figures.get(key) is not None

    checks = {}
    tp = results.get("throughput", {})
    if ok(tp.get("warm", {}), "ratio"):
        checks["warm_cache_ratio_ge_90pct"] = {"value": tp["warm"]["ratio"], "holds": tp["warm"]["ratio"] >= 0.9}
        checks["cache_off_ratio_ge_15pct"] = {"value": tp["cold"]["ratio"], "holds": tp["cold"]["ratio"] >= 0.15}
        checks["worker_rss_lt_150mb"] = {"value": tp["peak_worker_rss_mb"], "holds": tp["peak_worker_rss_mb"] < 150}
    cold_max = warm_max = None
    for size in ("pages_6000", "pages_10000"):
        for figures in _page_figures(results, size).values():
            if ok(figures.get("cold", {}), "queries"):
                cold_max = max(cold_max or 0, figures["cold"]["queries"])
            if ok(figures.get("warm", {}), "queries"):
                warm_max = max(warm_max or 0, figures["warm"]["queries"])
    if cold_max is not None:
        checks["cold_queries_le_8"] = {"value": cold_max, "holds": cold_max <= 8}
    if warm_max is not None:
        checks["warm_queries_eq_0"] = {"value": warm_max, "holds": warm_max == 0}
    search = [_page_figures(results, "pages_10000").get(name, {}).get("cold", {}) for name in SEARCH_QUERIES]
    if search and all(ok(s, "p95_ms") for s in search):
        worst = max(s["p95_ms"] for s in search)
        checks["search_p95_le_50ms_at_10000"] = {"value": worst, "holds": worst <= 50}
    admin_big, admin_small = results.get("admin_10000", {}), results.get("admin_6000", {})
    if ok(admin_big.get("article_changelist", {}), "p50_ms"):
        changelist = admin_big["article_changelist"]
        checks["admin_changelist_p50_le_300ms"] = {"value": changelist["p50_ms"], "holds": changelist["p50_ms"] <= 300}
        if ok(admin_small.get("article_changelist", {}), "queries"):
            small = admin_small["article_changelist"]["queries"]
            checks["admin_changelist_queries_constant"] = {
                "value": f"{small} → {changelist['queries']}",
                "holds": small == changelist["queries"],
            }
    imp = results.get("import", {})
    if ok(imp, "issues_per_second"):
        checks["import_ge_10_issues_per_second"] = {
            "value": imp["issues_per_second"],
            "holds": imp["issues_per_second"] >= 10,
        }
    return checks


def _page_figures(results, size):
    figures = results.get(size)
    return figures if isinstance(figures, dict) and "unavailable" not in figures else {}


# -------------------------------------------------------------------------------------------- report


def table(results):
    lines = []
    m = results["machine"]
    lines.append(
        f"机器：{m['nproc']} 核 {m['cpu_model']}，内存 {m['memory_gb']} GB；{m['database']}；Python {m['python']}，Django {m['django']}"
    )
    for size in ("pages_6000", "pages_10000"):
        figures = results.get(size)
        if not isinstance(figures, dict) or "unavailable" in figures:
            continue
        lines.append("")
        lines.append(f"页面（{size.split('_')[1]} 篇文章）   冷 p50 / p95 ms   查询 | 热 p50 / p95 ms   查询")
        for name, pair in figures.items():
            cells = []
            for mode in ("cold", "warm"):
                f = pair[mode]
                cells.append(
                    f"{f['unavailable'][:30]:>30}"
                    if "unavailable" in f
                    else f"{f['p50_ms']:8.1f} / {f['p95_ms']:7.1f}  {f['queries']:5d}"
                )
            lines.append(f"  {name:20} {cells[0]}  | {cells[1]}")
    tp = results.get("throughput", {})
    lines.append("")
    if "unavailable" in tp:
        lines.append(f"吞吐量：不可用（{tp['unavailable']}）")
    else:
        for mode, label in (("warm", "缓存预热"), ("cold", "关闭缓存")):
            f = tp[mode]
            lines.append(
                f"吞吐量（{label}）：期刊页 {f['issue_page']['requests_per_second']:.0f} 次/秒，同样字节的静态文件 "
                f"{f['static']['requests_per_second']:.0f} 次/秒，比值 {f['ratio']:.1%}（{f['page_bytes']} 字节）"
            )
        lines.append(f"gunicorn worker 峰值内存：{tp['peak_worker_rss_mb']} MB")
    for size in ("admin_6000", "admin_10000"):
        a = results.get(size, {})
        if "unavailable" in a or not a:
            lines.append(f"后台（{size}）：不可用（{a.get('unavailable', '')}）")
            continue
        for key, label in (("article_changelist", "文章列表"), ("issue_change", "期刊编辑页")):
            lines.append(f"后台{label}（{a['articles']} 篇）：{_brief(a[key])}")
    imp = results.get("import", {})
    if "unavailable" in imp:
        lines.append(f"导入：不可用（{imp['unavailable']}）")
    elif imp:
        lines.append(
            f"导入 {imp['files']} 个文件：{imp['imported_issues']} 期，{imp['seconds']} 秒，{imp['issues_per_second']} 期/秒"
        )
    lines.append("")
    for name, check in results.get("targets", {}).items():
        lines.append(f"  {'✓' if check['holds'] else '✗'} {name}: {check['value']}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description="基准测试：合成档案上的页面延迟、查询数、吞吐量、导入和内存")
    parser.add_argument("--quick", action="store_true", help="小档案、短负载，只用来试跑")
    parser.add_argument("--keep-db", action="store_true", help="结束后保留基准数据库")
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args(argv)
    sizes = (600, 1000) if args.quick else (6000, 10000)
    repeat_cold, repeat_warm, wrk_seconds, import_count = (5, 10, 2, 20) if args.quick else (20, 40, 8, 300)
    page_budget = 2 if args.quick else 5  # seconds of sampling per page and mode, so a slow page cannot stall the run

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
        guarded("admin_6000", results, admin, repeat_cold // 2)
        guarded("archive_10000", results, build, sizes[1])
        guarded("pages_10000", results, pages, repeat_cold, repeat_warm, page_budget)
        guarded("admin_10000", results, admin, repeat_cold // 2)
        guarded("import", results, import_issues, import_count)
    finally:
        results["targets"] = targets(results)
        results["duration_seconds"] = round(time.monotonic() - started, 1)
        output = Path(args.output)
        temporary = output.with_name(output.name + ".tmp")
        temporary.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        temporary.replace(output)
        if not args.keep_db:
            drop_database()
    log("")
    log(table(results))
    log(f"\n用时 {results['duration_seconds']} 秒；全部数据见 {args.output}")


if __name__ == "__main__":
    main()
