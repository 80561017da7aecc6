"""The form for an organization's wording of one message in one language (ADM-SET)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class MessageTemplateForm(forms.Form):
    """Only shape checks here; whether the text is a usable template is the service's call."""

    subject = forms.CharField(
        label=_("Email subject"),
        required=False,
        max_length=250,
        widget=forms.TextInput(attrs={"spellcheck": "true", "autocomplete": "off"}),
    )
    body_html = forms.CharField(
        label=_("Email with layout (HTML)"),
        required=False,
        max_length=20000,
        help_text=_(
            'Paragraphs, bold text, lists and links. A link with class="button" is shown '
            "as a button. Scripts, styles and images are removed."
        ),
        widget=forms.Textarea(attrs={"rows": 14, "class": "mono", "spellcheck": "false"}),
    )
    body_text = forms.CharField(
        label=_("Email as plain text"),
        required=False,
        max_length=20000,
        help_text=_("For mail programs that do not show layout."),
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "true"}),
    )
    sms_text = forms.CharField(
        label=_("SMS and WhatsApp"),
        required=False,
        max_length=1000,
        help_text=_(
            "Keep it short: up to 160 characters is one SMS. Characters such as emoji "
            "lower that to 70."
        ),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "true"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def texts(self) -> dict[str, str]:
        """The four texts as typed."""
        return {name: self.cleaned_data.get(name, "") for name in self.fields}
