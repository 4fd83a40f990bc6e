"""Round trip: for any issue, importing its Markdown export gives the same issue back (Hypothesis)."""

import datetime

from django.db import transaction
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from newsletter.importing.exporter import export_markdown, issue_data, load_for_export
from newsletter.importing.loader import load_issue
from newsletter.importing.parser import parse_text
from newsletter.importing.schema import ArticleData, FigureData, IssueData, SectionData, SourceData
from newsletter.importing.text import for_matching
from newsletter.models import Issue
from tests import factories

HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研更"
OUTLETS = ["金融时报", "21世纪经济报道", "经济日报", "中央财经大学绿色金融国际研究院", "Financial Times"]
SECTIONS = ["区域", "上海", "广东", "浙江"]  # the print order of the initial regions
TAGS = ["湖北", "北京", "天津", "山西"]
NAMES = ["贺然", "金敏毓", "何莉娟", "韩玉刚", "马爱华", "武晓庆", "欧阳明"]

words = st.text(alphabet=HAN, min_size=2, max_size=12)
number_phrase = st.builds(
    lambda n, unit: f"{n} {unit}", st.integers(1, 2030), st.sampled_from(["月", "亿元", "家", "%"])
)


@st.composite
def sentence(draw):
    parts = draw(st.lists(st.one_of(words, number_phrase), min_size=1, max_size=4))
    text = "，".join(parts)
    assume(not text.startswith("图"))
    return text + draw(st.sampled_from(["。", "。", "？", "！", "；", "。”"]))


@st.composite
def paragraph(draw):
    text = "".join(draw(st.lists(sentence(), min_size=1, max_size=3)))
    if text.endswith("。”"):
        text = "“" + text
    lead = draw(st.one_of(st.none(), st.sampled_from(TAGS)))
    return (f"【{lead}】" + text) if lead else text


@st.composite
def article(draw):
    title = draw(st.text(alphabet=HAN + "“” 1234567890", min_size=6, max_size=24).map(lambda t: " ".join(t.split())))
    assume(len(title.replace(" ", "")) >= 6 and not title.startswith(("图", "“")) and title[0] not in "0123456789")
    blocks, subheadings, figures = [], [], []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["p", "p", "p", "h", "f"]))
        if kind == "h":
            heading = draw(words.filter(lambda w: len(w) >= 4))
            level = draw(st.sampled_from([2, 2, 3]))
            blocks.append("#" * level + " " + heading)
            subheadings.append(heading)
        elif kind == "f":
            figures.append(FigureData(caption=draw(words) + " " + draw(words)))
            blocks.append(f"[[figure:{len(figures)}]]")
        else:
            blocks.append(draw(paragraph()))
    assume(blocks[0].startswith("#") is False or len(blocks) > 1)
    body = "\n\n".join(blocks)
    tags = []
    for block in blocks:
        if block.startswith("【"):
            name = block[1 : block.index("】")]
            if name not in tags:
                tags.append(name)
    outlets = draw(st.lists(st.sampled_from(OUTLETS), unique=True, max_size=2))
    date = draw(st.dates(datetime.date(2015, 1, 1), datetime.date(2030, 12, 31)))
    short = draw(st.booleans()) and len(title) >= 12
    return ArticleData(
        title=title,
        toc_title=title[: len(title) * 2 // 3].strip() if short else title,
        sources=[SourceData(outlet=o, date=date) for o in outlets],
        subheadings=subheadings,
        figures=figures,
        region_tags=tags,
        body_markdown=body,
    )


@st.composite
def issue(draw):
    regions = draw(st.lists(st.sampled_from(SECTIONS + ["四川"]), min_size=1, max_size=3, unique=True))
    regions.sort(key=lambda r: (SECTIONS + ["四川"]).index(r))
    sections = [SectionData(region=r, articles=draw(st.lists(article(), min_size=1, max_size=3))) for r in regions]
    articles = [a for s in sections for a in s.articles]
    keys = [for_matching(a.toc_title) for a in articles]
    assume(len(set(keys)) == len(keys))
    for a in articles:  # a TOC entry must not also read as another article's title or subheading
        others = [for_matching(b.title) for b in articles if b is not a] + [
            for_matching(h) for b in articles for h in b.subheadings
        ]
        assume(not any(o.startswith(for_matching(a.toc_title)) or for_matching(a.title) in o for o in others))
    year = draw(st.integers(2000, 2030))
    number = draw(st.integers(1, 26))
    date = draw(st.dates(datetime.date(year, 2, 1), datetime.date(year, 11, 30)))
    return IssueData(
        publication="双周决策观察",
        year=year,
        number=number,
        total_number=draw(st.integers(1, 5000)),
        issue_date=date,
        editors=draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True)),
        coordinators=draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True)),
        sections=sections,
    )


def comparable(data):
    result = data.to_json()
    for key in ("publication", "hosts", "phone", "fax"):
        result.pop(key)  # these come from the publication's settings
    return result


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(generated=issue())
def test_import_of_export_gives_the_same_issue(db, generated):
    with transaction.atomic():
        publication = factories.publication()
        load_issue(generated, publication=publication)
        first = load_for_export(Issue.objects.get(publication=publication, number=generated.number))
        # What was stored is what was generated (subheadings, tags and all).
        assert comparable(issue_data(first)) == comparable(generated)
        markdown = export_markdown(first)

        parsed = parse_text(markdown, "export.md")
        assert comparable(parsed) == comparable(generated)
        load_issue(parsed, publication=publication, replace=True)
        second = load_for_export(Issue.objects.get(publication=publication, number=generated.number))
        assert second.pk != first.pk
        assert comparable(issue_data(second)) == comparable(generated)
        assert export_markdown(second) == markdown
        assert [f.number for a in second.articles_in_order() for f in a.figures.all()] == list(
            range(1, sum(len(a.figures) for a in generated.articles()) + 1)
        )
        transaction.set_rollback(True)
