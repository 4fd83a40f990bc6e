from django.urls import path  # noqa: F401  (the feeds work adds the patterns)

app_name = "feeds"

urlpatterns = []
