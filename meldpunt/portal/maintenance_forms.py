"""The forms of the portal's maintenance pages: changing and withdrawing a repair request
(SPEC REP-13, REP-14). They check the shape of the input; the services decide."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from meldpunt.common.uploads import MAX_FILES, MultipleFileInput
from meldpunt.intake.forms import PublicReportForm
from meldpunt.intake.models import RepairRequest
from meldpunt.intake.repair_request_selectors import WithdrawReason
from meldpunt.intake.repair_request_services import EXPLANATION_MAX
from meldpunt.intake.services import DESCRIPTION_MAX

_REPORT_FIELDS = PublicReportForm.base_fields
ACCEPT_PHOTOS = "image/jpeg,image/png,image/gif,image/tiff"


class MultiplePhotoField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_PHOTOS}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("You can add at most %(count)s photos.") % {"count": MAX_FILES}
            )
        return list(files)


class RequestChangeForm(forms.Form):
    """REP-13: photos, extra description, preferred date and part of day, contact."""

    description = forms.CharField(
        label=_("Extra description"),
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
    )
    preferred_date = forms.DateField(
        label=_("Preferred date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"],
        error_messages={"invalid": _("Enter a date like 2026-03-14.")},
    )
    preferred_part = forms.ChoiceField(
        label=_("Preferred time"),
        required=False,
        choices=RepairRequest.PartOfDay.choices,
    )
    contact_name = forms.CharField(label=_("Name"), max_length=160, required=False)
    contact_email = _REPORT_FIELDS["email"]
    contact_phone = _REPORT_FIELDS["phone"]
    photos = MultiplePhotoField(
        label=_("Add photos"),
        required=False,
        help_text=_("JPEG, PNG, GIF or TIFF; you can choose several."),
    )
    remove_photos = forms.MultipleChoiceField(
        label=_("Remove photos"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        dates_changeable: bool = True,
        photos: Sequence[Any] = (),
        earliest: date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.dates_changeable = dates_changeable
        self.fields["remove_photos"].choices = [  # type: ignore[attr-defined]
            (photo.public_id, photo.original_name) for photo in photos
        ]
        if not photos:
            del self.fields["remove_photos"]
        if not dates_changeable:
            # After the limit the dates are shown, not offered (REP-13).
            del self.fields["preferred_date"]
            del self.fields["preferred_part"]
        elif earliest is not None:
            self.fields["preferred_date"].widget.attrs["min"] = earliest.isoformat()


class WithdrawForm(forms.Form):
    """REP-14: why the request is withdrawn."""

    reason = forms.ChoiceField(
        label=_("Why do you withdraw the request?"),
        widget=forms.RadioSelect,
        choices=WithdrawReason.choices,
        error_messages={
            "required": _("Choose why you withdraw the request."),
            "invalid_choice": _("Choose why you withdraw the request."),
        },
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        max_length=EXPLANATION_MAX,
        required=False,
        help_text=_("Needed when you choose “Another reason”."),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
