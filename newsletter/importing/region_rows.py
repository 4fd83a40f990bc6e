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
