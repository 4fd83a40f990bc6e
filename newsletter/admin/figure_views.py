"""The article editor's figure endpoints: JSON in Chinese, POST only, CSRF-protected by the admin site.

- ``<id>/figures/upload/``: multipart ``image`` (+ ``caption``, ``credit``, ``alt_text``, ``version``);
- ``<id>/figures/fetch/``: ``url`` of an image the server downloads (SSRF-safe, ``image_fetch``);
- ``<id>/figures/<figure_id>/``: ``caption``/``credit``/``alt_text`` changed in place.

Each answers the figure as the editor shows it (``figure_edits.describe``) or ``{"error": …}`` with
400 (bad input), 403 (not allowed now), 404 or 409 (someone saved the article meanwhile); a refused
request writes nothing.

The caption is required, by the endpoint as by the model: it is printed under the image as
「图 N …」 and read aloud in place of the image, and a placeholder or the file's name would go out
to readers whenever an editor forgets to replace it. So the editor asks for it (and the credit)
in a small form when an image is dropped, before anything is uploaded.
"""

from django.http import JsonResponse

from .. import image_fetch
from ..models import Article
from . import figure_edits
from .figure_edits import FigureEditError


def _error(message, status=400):
    return JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})


def _answer(figure, article):
    return JsonResponse(figure_edits.describe(figure, article), json_dumps_params={"ensure_ascii": False})


def _version(request):
    value = request.POST.get("version", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise FigureEditError("页面的版本号无效，请刷新页面。")
    return int(value)


def _endpoint(permission):
    """Wrap a view(model_admin, request, article) with the checks every figure endpoint shares."""

    def decorate(view):
        def wrapped(model_admin, request, object_id, **kwargs):
            if request.method != "POST":
                return _error("请用表单提交（POST）。", status=405)
            article = Article.objects.select_related("issue").filter(pk=object_id).first()
            if article is None:
                return _error("找不到这篇文章，它可能已被删除。", status=404)
            refusal = figure_edits.refusal(article, request.user, permission)
            if refusal:
                return _error(refusal, status=403)
            try:
                return view(model_admin, request, article, **kwargs)
            except FigureEditError as error:
                return _error(error.message, status=error.status)

        return wrapped

    return decorate


def _texts(request):
    return {name: request.POST.get(name, "") for name in figure_edits.EDITABLE_FIELDS}


@_endpoint("add_figure")
def upload_view(model_admin, request, article):
    figure = figure_edits.add_figure(
        article, request.user, request.FILES.get("image"), seen_version=_version(request), **_texts(request)
    )
    return _answer(figure, article)


@_endpoint("add_figure")
def fetch_view(model_admin, request, article):
    texts = _texts(request)
    if not texts["caption"].strip():  # before the download: nothing is fetched for a refused request
        raise FigureEditError(figure_edits.CAPTION_REQUIRED)
    version = _version(request)
    try:
        image = image_fetch.fetch_image(request.POST.get("url", ""))
    except image_fetch.FetchRefused as refused:
        raise FigureEditError(refused.message) from refused
    figure = figure_edits.add_figure(article, request.user, image, seen_version=version, **texts)
    return _answer(figure, article)


@_endpoint("change_figure")
def update_view(model_admin, request, article, figure_id):
    changes = {name: request.POST[name] for name in figure_edits.EDITABLE_FIELDS if name in request.POST}
    figure = figure_edits.update_figure(article, figure_id, request.user, changes, seen_version=_version(request))
    return _answer(figure, article)
