"""What django-axes records about a failed login (``AXES_USERNAME_CALLABLE``).

Axes stores the attempted user name in a 255-character column. PostgreSQL refuses a longer value
(SQLite does not check), so a 300-character name typed at /admin/login/ answered 500 there instead
of the normal "wrong name or password". No real account has a name that long (Django's own limit is
150), so the first 255 characters identify the attempt just as well.
"""

from django.conf import settings

MAX_USERNAME = 255  # axes.models.AccessBase.username


def axes_username(request, credentials=None):
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    if not isinstance(username, str):
        return username
    return username[:MAX_USERNAME]
