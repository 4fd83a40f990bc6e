from . import articles, issues, people, task_results  # noqa: F401  (registers the ModelAdmins)
