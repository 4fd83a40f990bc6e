import uuid

from django.core.exceptions import ValidationError
from django.db import models

from .. import rendering
from ..text_input import CleanTextModel


def figure_upload_to(instance, filename):
    # The stored name is ours, not the uploader's: no path tricks, no surprising extension.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in {"jpg", "jpeg", "png", "webp", "gif"}:
        extension = "jpg"
    return f"figures/{uuid.uuid4().hex}.{extension}"


class Figure(CleanTextModel, models.Model):
    """An image in an article. Numbers (图 1, 图 2 …) run through the whole issue."""

    article = models.ForeignKey("Article", verbose_name="文章", on_delete=models.CASCADE, related_name="figures")
    image = models.ImageField(
        "图片",
        upload_to=figure_upload_to,
        blank=True,
        db_index=True,  # the media view finds a figure (and its issue) by the requested file name
        width_field="width",
        height_field="height",
        help_text="JPEG、PNG、WebP 或 GIF。导入的图注暂无图片时留空，页面上会提示需要补传。",
    )
    width = models.PositiveIntegerField("宽", null=True, blank=True, editable=False)
    height = models.PositiveIntegerField("高", null=True, blank=True, editable=False)
    caption = models.CharField("图注", max_length=300, help_text="不含“图 N”编号，编号按全期顺序自动生成。")
    alt_text = models.CharField(
        "替代文字", max_length=300, blank=True, help_text="给读屏软件的图片描述，留空则用图注。"
    )
    credit = models.CharField("图片来源", max_length=200, blank=True)
    position = models.PositiveIntegerField("顺序", default=0)
    number = models.PositiveIntegerField("图号", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "图片"
        verbose_name_plural = "图片"
        ordering = ["position", "pk"]

    def __str__(self):
        return self.full_caption

    def save(self, *args, **kwargs):
        self._validate_new_image()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self._validate_new_image()

    def _validate_new_image(self):
        """Validate and re-encode a newly attached file once; stored files are already clean."""
        image_file = self.image.file if self.image and not self.image._committed else None
        if image_file is None or getattr(self, "_reencoded", False):
            return
        from ..uploads import validate_and_reencode

        try:
            clean_file, _, _ = validate_and_reencode(image_file)
        except ValidationError as error:
            raise ValidationError({"image": error.messages}) from error
        self.image = clean_file
        self._reencoded = True

    @property
    def full_caption(self):
        return rendering.figure_caption(self)

    @property
    def needs_image(self):
        return not self.image
