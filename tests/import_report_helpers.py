"""A small issue written for the import report tests, and variants that each provoke one kind of notice."""

import io

from django.core.management import CommandError, call_command
from django.urls import reverse

from newsletter.admin.importing import SESSION_KEY
from newsletter.models import Outlet
from regions.models import Region
from tests import factories

ZHEJIANG = "## 杭州推出数据资产登记服务\n\n杭州市数据资源管理局近日上线数据资产登记平台，首批登记资产 120 项。（钱江晚报 20220305）"
FUJIAN = "## 厦门港集装箱吞吐量创新高\n\n厦门港一季度集装箱吞吐量同比增长 8%。（厦门日报 20220306）"


def issue_text(*, number=5, total=201, sections=None, toc=None):
    """One issue; ``sections`` is [(region, body lines)], in the order printed."""
    sections = sections or [("浙江", ZHEJIANG), ("福建", FUJIAN)]
    toc = toc or [(region, _title(body)) for region, body in sections]
    lines = [
        f"2022 年第 {number} 期",
        f"（总第 {total} 期）",
        "3 月 10 日印发",
        "# 双周决策观察",
        "## 地方工作亮点追踪",
        "\n".join(f"- 【{region}】 {title}" for region, title in toc),
        "主办：测试研究院  测试档案馆",
        "编辑：甲乙 丙丁",
        "统筹：戊己",
        "电话：022-1000",
        "传真：022-1001",
    ]
    for region, body in sections:
        lines += [f"【{region}】", body]
    return "\n\n".join(lines) + "\n"


def known_world():
    """A database where the plain issue is nothing new: its publication, regions and outlets exist."""
    factories.publication(phone="022-1000", fax="022-1001")
    # The plain issue prints 浙江 before 福建, as the site-wide order has them (浙江 may exist already,
    # from the migrations' first regions).
    Region.objects.update_or_create(name="浙江", defaults={"order": 10})
    Region.objects.update_or_create(name="福建", defaults={"order": 20})
    for name in ("钱江晚报", "厦门日报"):
        Outlet.get_for_name(name)


def run_import(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_issue", *args, stdout=out, stderr=err)
        failed = None
    except CommandError as error:
        failed = str(error)
    return out.getvalue(), err.getvalue(), failed


def confirm_upload(client):
    """Confirm the admin import's pending upload as the preview's form does: it posts its upload's token."""
    data = {"step": "confirm", "token": client.session.get(SESSION_KEY) or ""}
    return client.post(reverse("newsletter_import"), data, follow=True)


def _title(body):
    return next(line[3:] for line in body.splitlines() if line.startswith("## "))
