"""The password rules the organization chose (SPEC ACC-11, C-1).

One Django password validator reads ``Organization.password_policy`` each time
it runs, so a change in the back office applies to the next password set:

- "modern" (default, OWASP ASVS 5.0 level 2): at least 12 characters, no
  composition rules, not a common password, not similar to the username or
  email address;
- "classic" (the seed rule): at least 8 characters with an upper-case and a
  lower-case letter, a digit and another character.

Both refuse the username itself and anything longer than 128 characters (so
at least 64 are always allowed). Refusing the *old* password is the change
form's job: a validator never sees it. Pasting is always allowed.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import (
    CommonPasswordValidator,
    NumericPasswordValidator,
    UserAttributeSimilarityValidator,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meldpunt.organization.models import PasswordPolicy
from meldpunt.organization.selectors import organization_current

MODERN_MIN_LENGTH = 12
CLASSIC_MIN_LENGTH = 8
MAX_LENGTH = 128


def password_policy_current() -> str:
    """The organization's policy, "modern" when none is configured."""
    return organization_current().password_policy or PasswordPolicy.MODERN


def _too_short(minimum: int) -> ValidationError:
    return ValidationError(
        ngettext(
            "Use at least %(min_length)d character.",
            "Use at least %(min_length)d characters.",
            minimum,
        )
        % {"min_length": minimum},
        code="password_too_short",
    )


def _classic_errors(password: str) -> list[ValidationError]:
    missing = []
    if not any(char.isupper() for char in password):
        missing.append(_("an upper-case letter"))
    if not any(char.islower() for char in password):
        missing.append(_("a lower-case letter"))
    if not any(char.isdigit() for char in password):
        missing.append(_("a digit"))
    if all(char.isalnum() for char in password):
        missing.append(_("a special character such as ! ? # or a space"))
    if not missing:
        return []
    return [
        ValidationError(
            _("The password needs %(missing)s.") % {"missing": ", ".join(str(m) for m in missing)},
            code="password_composition",
        )
    ]


class OrganizationPasswordValidator:
    """``AUTH_PASSWORD_VALIDATORS`` entry applying the organization's password policy."""

    def __init__(self, max_length: int = MAX_LENGTH) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        policy = password_policy_current()
        errors: list[ValidationError] = []
        if len(password) > self.max_length:
            errors.append(
                ValidationError(
                    _("Use at most %(max_length)d characters.") % {"max_length": self.max_length},
                    code="password_too_long",
                )
            )
        if policy == PasswordPolicy.CLASSIC:
            if len(password) < CLASSIC_MIN_LENGTH:
                errors.append(_too_short(CLASSIC_MIN_LENGTH))
            errors.extend(_classic_errors(password))
        else:
            if len(password) < MODERN_MIN_LENGTH:
                errors.append(_too_short(MODERN_MIN_LENGTH))
            for validator in (
                CommonPasswordValidator(),
                NumericPasswordValidator(),
                UserAttributeSimilarityValidator(),
            ):
                try:
                    validator.validate(password, user)
                except ValidationError as error:
                    errors.extend(error.error_list)
        username = getattr(user, "username", "") if user is not None else ""
        same_as_username = bool(username) and password.casefold() == username.casefold()
        if same_as_username and not any(e.code == "password_too_similar" for e in errors):
            errors.append(
                ValidationError(
                    _("The password may not be the same as the username."),
                    code="password_is_username",
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        if password_policy_current() == PasswordPolicy.CLASSIC:
            return _(
                "At least %(min_length)d characters, with an upper-case and a lower-case "
                "letter, a digit and a special character."
            ) % {"min_length": CLASSIC_MIN_LENGTH}
        return _(
            "At least %(min_length)d characters. A sentence of a few words is easy to "
            "remember and hard to guess. Avoid common passwords and your name."
        ) % {"min_length": MODERN_MIN_LENGTH}
