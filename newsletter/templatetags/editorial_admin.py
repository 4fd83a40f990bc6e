"""Template tags for the editors' admin (the home page's "my work")."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def my_work(context):
    from ..admin.workflow import my_work as compute

    request = context.get("request")
    return compute(request.user) if request is not None else {}
