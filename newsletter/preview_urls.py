from django.urls import path

from . import previews

app_name = "preview"

urlpatterns = [
    path("<str:token>/", previews.shared_preview, name="issue"),
]
