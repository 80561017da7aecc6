"""Forms of the incident page: composer, files, tasks and the status dialog."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from meldpunt.accounts.models import StaffRole, User
from meldpunt.common.uploads import PhotosField
from meldpunt.incidents.models import Message, Phase


def staff_users() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role__in=StaffRole.values).order_by(
        "first_name", "last_name", "username"
    )


class Rows:
    """A queryset read at most once, however many fields offer it and however often
    they are drawn: the incident page draws the staff in three selects (handler,
    responsible, task assignee), and Django draws a required select twice (once to
    decide on the ``required`` attribute)."""

    def __init__(self, queryset: QuerySet[Any]) -> None:
        self.queryset = queryset
        self._rows: list[Any] | None = None

    def _read(self) -> list[Any]:
        if self._rows is None:
            self._rows = list(self.queryset)
        return self._rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self._read())

    def __len__(self) -> int:
        return len(self._read())


class _RowsIterator(ModelChoiceIterator):
    """The options of a ``RowsChoiceField``: its shared rows, not a fresh query."""

    @property
    def rows(self) -> Rows | None:
        return getattr(self.field, "rows", None)

    def __iter__(self) -> Iterator[Any]:
        rows = self.rows
        if rows is None:
            yield from super().__iter__()
            return
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in rows:
            yield self.choice(obj)

    def __len__(self) -> int:
        rows = self.rows
        if rows is None:
            return super().__len__()
        return len(rows) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self) -> bool:
        rows = self.rows
        if rows is None:
            return super().__bool__()
        return self.field.empty_label is not None or bool(len(rows))


class RowsChoiceField(forms.ModelChoiceField):
    """A model choice whose options come from ``offer(rows)``; submitted values are
    still checked against the queryset."""

    iterator = _RowsIterator
    rows: Rows | None = None

    def offer(self, queryset: QuerySet[Any], rows: Rows | None = None) -> None:
        self.rows = rows if rows is not None else Rows(queryset)
        self.queryset = queryset  # also hands the widget fresh choices


class StaffChoiceField(RowsChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class ComposerForm(forms.Form):
    EXTERNAL = "external"
    INTERNAL = "internal"
    NOTE = "note"
    KIND_CHOICES = [
        (INTERNAL, _("Internal message (staff only)")),
        (EXTERNAL, _("External message (sent to the tenant)")),
        (NOTE, _("Note")),
    ]

    kind = forms.ChoiceField(
        label=_("Type"), choices=KIND_CHOICES, initial=INTERNAL, widget=forms.RadioSelect
    )
    body = forms.CharField(
        label=_("Message"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    photos = PhotosField(label=_("Photos or PDFs"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "composer")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not (cleaned.get("body") or "").strip() and "body" not in self.errors:
            self.add_error("body", _("Write a message first."))
        if cleaned.get("kind") == self.NOTE and cleaned.get("photos"):
            self.add_error("photos", _("Add files to a message; a note holds text only."))
        return cleaned

    @property
    def visibility(self) -> str:
        kind = self.cleaned_data["kind"]
        return Message.Visibility.EXTERNAL if kind == self.EXTERNAL else Message.Visibility.INTERNAL


class UploadForm(forms.Form):
    photos = PhotosField(label=_("Photos or PDFs"), required=True)
    visibility = forms.ChoiceField(
        label=_("Who may see them"),
        choices=[
            (Message.Visibility.INTERNAL, _("Staff only")),
            (Message.Visibility.EXTERNAL, _("Staff and tenant")),
        ],
        initial=Message.Visibility.INTERNAL,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "upload")
        super().__init__(*args, **kwargs)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    assignee = StaffChoiceField(
        label=_("Assignee"), queryset=User.objects.none(), required=False, empty_label=_("Nobody")
    )
    due_on = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, staff: Rows | None = None, **kwargs: Any) -> None:
        """``staff``: the staff rows of the page, shared with the status form."""
        kwargs.setdefault("prefix", "task")
        super().__init__(*args, **kwargs)
        users = staff_users()
        self.fields["assignee"].offer(users, staff if staff is not None else Rows(users))  # type: ignore[attr-defined]


class StatusForm(forms.Form):
    phase = RowsChoiceField(label=_("Phase"), queryset=Phase.objects.none(), empty_label=None)
    handler = StaffChoiceField(
        label=_("Handler"), queryset=User.objects.none(), required=False, empty_label=_("Nobody")
    )
    responsible = StaffChoiceField(
        label=_("Responsible"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody"),
    )
    note = forms.CharField(
        label=_("Note (staff only)"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        current_phase_id: int | None = None,
        staff: Rows | None = None,
        **kwargs: Any,
    ) -> None:
        """``staff``: the staff rows of the page, shared with the task form."""
        kwargs.setdefault("prefix", "status")
        super().__init__(*args, **kwargs)
        # A phase taken out of use stays choosable for the incidents still in it.
        phases = Phase.objects.filter(Q(active=True) | Q(pk=current_phase_id))
        self.fields["phase"].offer(phases)  # type: ignore[attr-defined]
        users = staff_users()
        staff = staff if staff is not None else Rows(users)
        self.fields["handler"].offer(users, staff)  # type: ignore[attr-defined]
        self.fields["responsible"].offer(users, staff)  # type: ignore[attr-defined]
