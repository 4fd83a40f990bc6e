"""A Source row's outlet: picked from the list as before, or typed as a new name, without the popup.

The admin's autocomplete (select2) is switched to its "tags" mode, in which a typed name that is
not in the list can be chosen as it is; the posted value is then the name instead of a key. The
name is matched to an existing outlet whatever its width, case and spacing, and only created when
the page is saved (in the row's ``save``), so a page refused for another reason creates nothing.
"""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect

from ..models import Outlet
from ..models.sources import normalize_outlet_name
from .source_lines import outlets_for

FORBIDDEN = set("<>{}[]【】")


class OutletChoiceField(forms.ModelChoiceField):
    """A key of an existing outlet, or the name of a new or existing one."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if text.isdigit():
            return super().to_python(text)
        name = normalize_outlet_name(text)
        limit = Outlet._meta.get_field("name").max_length
        if len(name) > limit:
            raise forms.ValidationError(f"媒体名称超过 {limit} 字。", code="too_long")
        if FORBIDDEN & set(name) or any(ord(char) < 32 for char in name):
            raise forms.ValidationError("媒体名称不能包含尖括号、方括号或控制字符。", code="bad_name")
        return Outlet(name=name)  # saved (or matched) with the row, see SourceRowForm.save

    def has_changed(self, initial, data):
        if data not in self.empty_values and not str(data).strip().isdigit():
            return True
        return super().has_changed(initial, data)


class TypedNameAutocomplete(AutocompleteSelect):
    """The admin's autocomplete, in which a typed name can be chosen; a page shown again after an
    error shows the typed name still chosen."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.attrs["data-tags"] = "true"  # select2 reads its options from data-* attributes

    def optgroups(self, name, value, attr=None):
        keys = [v for v in value if str(v).isdigit()]
        typed = [str(v) for v in value if v not in (None, "") and not str(v).isdigit()]
        groups = super().optgroups(name, keys, attr)
        options = groups[0][1]
        for text in typed:
            options.append(self.create_option(name, text, text, {text}, len(options)))
        return groups


def outlet_formfield(field, admin_site):
    """The inline's outlet field as ``ModelAdmin.formfield_for_foreignkey`` made it, made to take names."""
    widget = field.widget
    return OutletChoiceField(
        queryset=field.queryset,
        required=field.required,
        label=field.label,
        help_text="可从列表选择，也可直接输入新的媒体名称后按回车。",
        widget=TypedNameAutocomplete(widget.field, admin_site, attrs=widget.attrs, using=widget.db),
    )


class SourceRowForm(forms.ModelForm):
    def _get_validation_exclusions(self):
        # A typed new outlet has no key until the row is saved; the model's not-null check of the
        # outlet would refuse it (the field itself has already checked the name).
        excluded = super()._get_validation_exclusions()
        outlet = self.cleaned_data.get("outlet")
        if outlet is not None and outlet.pk is None:
            excluded.add("outlet")
        return excluded

    def save(self, commit=True):
        outlet = self.instance.outlet
        if outlet is not None and outlet.pk is None:
            self.instance.outlet = next(iter(outlets_for([outlet.name]).values()))
        return super().save(commit)
