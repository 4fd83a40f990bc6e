"""The article editor's paste endpoint: clipboard HTML and text in, the editor's HTML out.

``POST /admin/newsletter/article/paste/clean/`` with fields ``html`` and ``text`` (the clipboard's two
flavours) answers ``{"html": …}``, cleaned by ``newsletter.paste``. It writes nothing, so it needs no
lock or frozen-issue guard; it is for staff who may change articles (the admin site checks staff and
CSRF). Input over ``MAX_PASTE_BYTES`` per field is refused with a message, before it is parsed.
"""

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse

from ..paste import clean_pasted

MAX_PASTE_BYTES = 2 * 1024 * 1024
TOO_BIG = "粘贴的内容太大（超过 2 MB），请您分几次粘贴。"


def clean_view(model_admin, request):
    if request.method != "POST":
        return JsonResponse({"error": "请用 POST 提交粘贴的内容。"}, status=405)
    if not model_admin.has_change_permission(request):
        return JsonResponse({"error": "您没有修改文章的权限。"}, status=403)
    # Both fields, multipart, plus their headers: anything much larger cannot be within the limit.
    if int(request.META.get("CONTENT_LENGTH") or 0) > 2 * MAX_PASTE_BYTES + 64 * 1024:
        return JsonResponse({"error": TOO_BIG}, status=400)
    try:
        html, text = request.POST.get("html", ""), request.POST.get("text", "")
    except RequestDataTooBig:
        return JsonResponse({"error": TOO_BIG}, status=400)
    if len(html.encode()) > MAX_PASTE_BYTES or len(text.encode()) > MAX_PASTE_BYTES:
        return JsonResponse({"error": TOO_BIG}, status=400)
    return JsonResponse({"html": clean_pasted(html, text)})
