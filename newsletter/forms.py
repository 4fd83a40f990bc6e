"""Forms shared by the admin and the import screens."""

from django import forms
from django.contrib.admin.widgets import AdminFileWidget

from .models import Figure
from .uploads import validate_and_reencode


class FigureForm(forms.ModelForm):
    """Figure upload form: our own validation replaces Django's generic image check, so every refusal
    (too large, too many pixels, SVG, not an image) gets a precise message, and what is stored is a
    clean re-encoding."""

    image = forms.FileField(
        label="图片",
        required=False,
        help_text=Figure._meta.get_field("image").help_text,
        # The admin's file widget: its labels (目前, 修改) sit in one block, not loose in the row's flex
        # box where each was squeezed to one character's width.
        widget=AdminFileWidget(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )

    class Meta:
        model = Figure
        fields = ["image", "caption", "alt_text", "credit", "position"]

    def clean_image(self):
        uploaded = self.cleaned_data.get("image")
        if not uploaded or uploaded is False or getattr(uploaded, "_committed", False):
            return uploaded
        clean_file, _, _ = validate_and_reencode(uploaded)
        return clean_file
