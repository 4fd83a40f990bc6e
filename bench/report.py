"""Targets of issue 7 checked against the measured figures, and the table `make bench` prints."""

SEARCH_QUERIES = ("search_2_chars", "search_4_chars", "search_two_terms")


def brief(figures):
    if "unavailable" in figures:
        return figures["unavailable"][:60]
    return f"p50 {figures['p50_ms']:7.1f} ms  p95 {figures['p95_ms']:7.1f} ms  {figures['queries']:2d} q"


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
        articles = results.get(size.replace("pages", "archive"), {}).get("articles_total", "?")
        lines.append(f"页面（{articles} 篇文章）   冷 p50 / p95 ms   查询 | 热 p50 / p95 ms   查询")
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
            lines.append(f"后台{label}（{a['articles']} 篇）：{brief(a[key])}")
    imp = results.get("import", {})
    if "unavailable" in imp:
        lines.append(f"导入：不可用（{imp['unavailable']}）")
    elif imp:
        lines.append(
            f"导入（{imp['files_attempted']}/{imp['files']} 个文件）：{imp['imported_issues']} 期，"
            f"{imp['seconds']} 秒，{imp['issues_per_second']} 期/秒"
        )
    lines.append("")
    for name, check in results.get("targets", {}).items():
        lines.append(f"  {'✓' if check['holds'] else '✗'} {name}: {check['value']}")
    return "\n".join(lines)
