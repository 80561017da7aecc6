"""The tenant's reply form on their personal incident page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from meldpunt.common.uploads import PhotosField


class TenantReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    photos = PhotosField(label=_("Add photos (optional)"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_text = bool((cleaned.get("body") or "").strip())
        if not has_text and not cleaned.get("photos") and not self.errors:
            self.add_error("body", _("Write a reply or add a photo."))
        return cleaned
