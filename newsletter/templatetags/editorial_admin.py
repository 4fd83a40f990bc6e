"""Template tags for the editors' admin: the home page's "my work", people's names."""

from django import template

from ..person_names import display_name

register = template.Library()


@register.simple_tag(takes_context=True)
def my_work(context):
    from ..admin.workflow import my_work as compute

    request = context.get("request")
    return compute(request.user) if request is not None else {}


@register.filter
def person_name(user):
    """{{ event.actor|person_name|default:"系统" }}: see newsletter.person_names."""
    return display_name(user)
