from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from newsletter.models import Article

from .models import Region


class RegionListView(ListView):
    model = Region
    template_name = "regions/region_list.html"
    context_object_name = "regions"

    def get_queryset(self):
        return Region.objects.ordered()


class RegionDetailView(ListView):
    """Every published article in a region, as its section or as a region tag, newest first."""

    template_name = "regions/region_detail.html"
    paginate_by = 20
    context_object_name = "articles"

    def get_queryset(self):
        self.region = get_object_or_404(Region, slug=self.kwargs["slug"])
        return (
            Article.objects.published()
            .in_region(self.region)
            .select_related("issue__publication", "section")
            .order_by("-issue__issue_date", "section__order", "position")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(region=self.region, **kwargs)
