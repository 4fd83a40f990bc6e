"""The regions a file names, as sections and tags: found by name, created when missing."""

from regions.models import Region

from .schema import Notice


class Regions:
    """Sections and tags by name; missing ones are created (with a pinyin slug) and remembered."""

    def __init__(self):
        self.by_name = {region.name: region for region in Region.objects.all()}
        self.created = []

    def _create(self, name, order):
        region = Region(name=name, order=order)
        region.save()
        self.by_name[name] = region
        self.created.append(name)
        return region

    def tag(self, name):
        return self.by_name.get(name) or self._create(name, self._after_existing())

    def _after_existing(self):
        return max((r.order for r in self.by_name.values()), default=0) + 10

    def section(self, name):
        """The section's region; a new one gets the site-wide order after the existing ones. Nothing
        is reordered: the issue's own order is its ``IssueSection`` rows."""
        return self.by_name.get(name) or self._create(name, self._after_existing())

    def order_notices(self, sections):
        """``SECTION_ORDER`` when the file prints regions that already exist in another order than
        the site-wide one (which stays as it is)."""
        known = list(dict.fromkeys(s.region for s in sections if s.region in self.by_name))
        usual = sorted(known, key=lambda name: (self.by_name[name].order, name))
        if known == usual:
            return []
        printed, site = "、".join(f"【{n}】" for n in known), "、".join(f"【{n}】" for n in usual)
        return [
            Notice(
                Notice.SECTION_ORDER,
                f"本期栏目顺序（{printed}）与网站的栏目排序（{site}）不同：本期按所印顺序保存，网站排序未改动。",
                text=printed,
            )
        ]

    @staticmethod
    def repeat_notices(sections):
        """``SECTION_ORDER`` for each section the file lists more than once: the issue has it once,
        at its first place, so the articles of its later runs move up to it (each named with its
        new place)."""
        notices, runs = [], {}
        for section in sections:
            runs.setdefault(section.region, []).append(section)
        for name, repeated in runs.items():
            if len(repeated) < 2:
                continue
            count = len(repeated[0].articles)
            moved = []
            for section in repeated[1:]:
                for item in section.articles:
                    count += 1
                    moved.append(f"《{item.title}》现为【{name}】第 {count} 篇")
            places = "；".join(moved) or "后出现的没有文章"
            notices.append(
                Notice(
                    Notice.SECTION_ORDER,
                    f"栏目【{name}】在目录中出现了 {len(repeated)} 次，已合并为一个栏目，排在第一次出现的位置："
                    f"{places}。",
                    text=f"【{name}】",
                )
            )
        return notices
