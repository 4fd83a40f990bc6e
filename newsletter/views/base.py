"""What every public page shares: the <head> metadata. (ETags and 304 answers: ConditionalGetMiddleware.)"""


class PublicPageMixin:
    """A public page. Subclasses return their metadata from ``get_page_meta`` (see ``newsletter.seo.page_meta``)."""

    def get_page_meta(self, context):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meta"] = self.get_page_meta(context)
        return context


def page_suffix(page_obj):
    """ " · 第 2 页" for every page but the first, so each page of a list has its own <title>."""
    if page_obj is not None and page_obj.number > 1:
        return f" · 第 {page_obj.number} 页"
    return ""


def page_path(request, page_obj):
    """Canonical path of a page of a list: ?page=N beyond the first page, nothing else."""
    if page_obj is not None and page_obj.number > 1:
        return f"{request.path}?page={page_obj.number}"
    return request.path
