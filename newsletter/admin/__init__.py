from . import articles, issues, people  # noqa: F401  (registers the ModelAdmins)
