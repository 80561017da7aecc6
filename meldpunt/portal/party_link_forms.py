"""The forms on the supplier's and owner's personal page (SPEC INC-9, INC-10).

Each action has its own small form. ``auto_id`` gives every form its own
element ids, so the forms can share one page while the posted field names
stay short. The services check everything again; these forms only give the
first, friendly message next to the field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meldpunt.common.uploads import PhotosField
from meldpunt.incidents.sub_incidents import BODY_MAX, PLANNED_AHEAD_MAX, REASON_MAX


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why can you not take this work order?"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Tell us why you cannot take this work order.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "reject_%s")
        super().__init__(*args, **kwargs)


class PlanForm(forms.Form):
    planned_on = forms.DateField(
        label=_("Date you will do the work"),
        help_text=_("Choose a date from today up to a year ahead."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Choose a date."),
            "invalid": _("Enter a valid date."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "plan_%s")
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        attrs = self.fields["planned_on"].widget.attrs
        attrs["min"] = today.isoformat()
        attrs["max"] = (today + PLANNED_AHEAD_MAX).isoformat()


class CompleteForm(forms.Form):
    note = forms.CharField(
        label=_("What did you do?"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say in a few words what was done.")},
    )
    before = PhotosField(label=_("Photos before the work (optional)"))
    after = PhotosField(label=_("Photos after the work (optional)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "complete_%s")
        super().__init__(*args, **kwargs)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=BODY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photos = PhotosField(label=_("Add photos or PDF files (optional)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "comment_%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_text = bool((cleaned.get("body") or "").strip())
        if not has_text and not cleaned.get("photos") and not self.errors:
            self.add_error("body", _("Write a message or add a file."))
        return cleaned


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you not give permission?"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Tell us why you do not give permission.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "decline_%s")
        super().__init__(*args, **kwargs)
