"""Conflict-safe saving (optimistic locking) for issues and articles.

A form carries the ``version`` it was opened at. Saving claims the row with
``UPDATE … SET version = version + 1 WHERE pk = … AND version = n``: exactly one of two
concurrent saves matches, the other is refused and the first one's changes stay intact.
"""

from django import forms
from django.db import transaction
from django.db.models import F


class ConflictError(Exception):
    """Someone else saved the object after this form was opened."""

    def __init__(self, instance, seen_version):
        self.instance = instance
        self.seen_version = seen_version
        super().__init__(conflict_message(instance))


def conflict_message(instance):
    noun = instance._meta.verbose_name
    return f"保存失败：在您打开页面之后，其他人已修改并保存了这{'篇' if noun == '文章' else '期'}{noun}。为避免覆盖对方的修改，您的更改未保存。"


def current_version(instance):
    return type(instance)._default_manager.filter(pk=instance.pk).values_list("version", flat=True).first()


def claim(instance, seen_version):
    """Bump the stored version if it still is ``seen_version``; raise ``ConflictError`` otherwise.

    Call inside the transaction that saves the object; the matched UPDATE also holds the row lock.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim() must run inside transaction.atomic()")
    model = type(instance)
    updated = model._default_manager.filter(pk=instance.pk, version=seen_version).update(version=F("version") + 1)
    if updated != 1:
        raise ConflictError(instance, seen_version)
    instance.version = seen_version + 1
    return instance.version


class VersionedFormMixin(forms.ModelForm):
    """Adds the hidden version the page was opened at, and refuses a stale save with a clear error."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # A row of a table (the issue page's articles) is saved only when it changed, so an untouched
    # row must not refuse the whole page because someone edited that article meanwhile.
    refuse_stale_when_unchanged = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version
            self.fields["seen_version"].required = True

    def has_changed(self):
        # The hidden version differs from the stored one exactly when someone else saved: not a change of ours.
        return any(name != "seen_version" for name in self.changed_data)

    def clean(self):
        cleaned = super().clean()
        seen = cleaned.get("seen_version")
        if not self.instance.pk or seen is None:
            return cleaned
        if (self.refuse_stale_when_unchanged or self.has_changed()) and current_version(self.instance) != seen:
            raise forms.ValidationError(self.conflict_error(seen), code="conflict")
        return cleaned

    def conflict_error(self, seen_version):
        """The message shown above the refused form; forms override it to link what changed."""
        return conflict_message(self.instance)
