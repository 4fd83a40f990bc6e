"""``reverse()`` for the links pages print again and again, answered from memory.

Django's ``reverse()`` walks the URL resolver on every call: about 25 µs here (callgrind: ~100,000
instructions), and pages link many issues and articles (the archive lists hundreds, an uncached
issue page builds five). The answer depends only on the view name, its arguments, the URLconf and
the script prefix, so it is kept, keyed by all four. A changed URLconf (a test overriding
ROOT_URLCONF) comes with a new resolver object, so its answers are keyed apart.

It earns its place (issue 14): without it an uncached issue page costs 7.43M instructions instead
of 6.98M (callgrind, demo content), 6%, above the 5% a per-request optimisation must earn. It uses
only names django.urls exports.
"""

import functools

from django.urls import get_resolver, get_script_prefix, get_urlconf
from django.urls import reverse as resolve_reverse


def reverse(viewname, **kwargs):
    return _reverse(get_resolver(get_urlconf()), get_script_prefix(), viewname, tuple(sorted(kwargs.items())))


@functools.lru_cache(maxsize=16384)
def _reverse(resolver, script_prefix, viewname, kwargs):
    return resolve_reverse(viewname, urlconf=resolver.urlconf_name, kwargs=dict(kwargs))
