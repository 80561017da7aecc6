"""Steps 3 to 5 of the repair wizard: costs, photos with a description, contact
(SPEC REP-7, REP-8, REP-9).

Everything here is kept on the pass until the request is sent: the costs the
tenant agreed to, the photos (checked, scaled to the organization's short
side and quality, metadata dropped, kept as pending uploads under the pass's
``photo_batch``) and the contact details for this request.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from meldpunt.common.models import PendingUpload
from meldpunt.common.uploads import IMAGE, MAX_FILES, upload_clean
from meldpunt.intake.models import RepairSettings, RepairWizard
from meldpunt.intake.services import (
    DESCRIPTION_MAX,
    _clean_contact,
    pending_upload_add,
    pending_upload_remove,
)
from meldpunt.intake.wizard import (
    Step,
    WizardIdentity,
    costs_state,
    first_missing,
    repair_settings_current,
    step_done,
    step_reach,
    wizard_lock,
    wizard_save,
)

# ---------------------------------------------------------------- step 3: costs


def wizard_costs_accept(
    *, wizard: RepairWizard, consent: bool, now: datetime | None = None
) -> RepairWizard:
    """REP-7: the tenant read the costs step; when they pay, they must agree."""
    now = now or timezone.now()
    with transaction.atomic():
        wizard_lock(wizard, now)
        costs = costs_state(wizard)
        if not costs or not costs.get("shown") or first_missing(wizard, Step.COSTS):
            raise ValidationError(_("First choose what is wrong."), code="no_costs")
        if costs.get("tenant_pays") and not consent:
            raise ValidationError(
                {"consent": _("Tick the box to agree to the costs, or call us.")},
                code="required",
            )
        costs["consent_at"] = now.isoformat() if costs.get("tenant_pays") else None
        wizard.state["costs"] = costs
        step_done(wizard, Step.COSTS)
        step_reach(wizard, Step.PHOTOS)
        wizard_save(wizard, now)
    return wizard


# ---------------------------------------------------------------- step 4: photos and text


def wizard_photos(wizard: RepairWizard) -> list[PendingUpload]:
    if not wizard.photo_batch:
        return []
    return list(PendingUpload.objects.filter(batch=wizard.photo_batch).order_by("created_at", "id"))


def wizard_photos_add(
    *,
    wizard: RepairWizard,
    files: Sequence[UploadedFile],
    repair_settings: RepairSettings | None = None,
    now: datetime | None = None,
) -> list[str]:
    """REP-8: check each photo by content, scale it to the configured short side and
    quality (metadata dropped) and keep it with the pass. Returns a message per photo
    that was refused; the good ones are kept either way."""
    now = now or timezone.now()
    repair_settings = repair_settings or repair_settings_current()
    errors: list[str] = []
    cleaned = []
    for upload in files:
        try:
            cleaned.append(
                upload_clean(
                    data=upload,
                    original_name=upload.name or "",
                    allowed=frozenset({IMAGE}),
                    short_side=repair_settings.photo_short_side,
                    quality=repair_settings.photo_quality,
                )
            )
        except ValidationError as error:
            errors.extend(f"{upload.name}: {message}" for message in error.messages)
    with transaction.atomic():
        wizard_lock(wizard, now)
        kept = PendingUpload.objects.filter(batch=wizard.photo_batch).count()
        for clean in cleaned:
            if kept >= MAX_FILES:
                errors.append(
                    gettext("You can add at most %(count)s photos.") % {"count": MAX_FILES}
                )
                break
            pending_upload_add(batch=wizard.photo_batch, upload=clean)
            kept += 1
        wizard_save(wizard, now)
    return errors


def wizard_photo_remove(
    *, wizard: RepairWizard, upload_id: int, now: datetime | None = None
) -> bool:
    now = now or timezone.now()
    with transaction.atomic():
        wizard_lock(wizard, now)
        removed = pending_upload_remove(batch=wizard.photo_batch, upload_id=upload_id)
        wizard_save(wizard, now)
    return removed


def wizard_photos_draft(
    *, wizard: RepairWizard, description: str, now: datetime | None = None
) -> RepairWizard:
    """Keep the extra description typed so far (when a photo is added or removed)."""
    now = now or timezone.now()
    with transaction.atomic():
        wizard_lock(wizard, now)
        wizard.state["description"] = (description or "").strip()[:DESCRIPTION_MAX]
        wizard_save(wizard, now)
    return wizard


def wizard_photos_save(
    *, wizard: RepairWizard, description: str, now: datetime | None = None
) -> RepairWizard:
    """REP-8: the extra description (required when the organization says so)."""
    now = now or timezone.now()
    description = (description or "").strip()
    if repair_settings_current().description_required and not description:
        raise ValidationError(
            {"description": _("Describe the problem in a few words.")}, code="required"
        )
    if len(description) > DESCRIPTION_MAX:
        raise ValidationError(
            {
                "description": _("Keep the description under %(limit)s characters.")
                % {"limit": DESCRIPTION_MAX}
            },
            code="max_length",
        )
    with transaction.atomic():
        wizard_lock(wizard, now)
        if first_missing(wizard, Step.PHOTOS):
            raise ValidationError(_("First finish the earlier steps."), code="order")
        wizard.state["description"] = description
        step_done(wizard, Step.PHOTOS)
        step_reach(wizard, Step.CONTACT)
        wizard_save(wizard, now)
    return wizard


# ---------------------------------------------------------------- step 5: contact


def contact_initial(wizard: RepairWizard, identity: WizardIdentity) -> dict[str, str]:
    """What the contact step shows: what was typed, else the household's details when the
    tenant proved who they are. An anonymous visitor never sees anyone's details."""
    typed = wizard.state.get("contact")
    if typed:
        return {key: str(typed.get(key) or "") for key in ("name", "email", "phone")}
    household = identity.household if identity.household_known else None
    if household is None:
        return {"name": "", "email": "", "phone": ""}
    return {"name": household.name, "email": household.email, "phone": household.phone}


def contact_update_offered(identity: WizardIdentity) -> bool:
    """Whether "also update my details" is offered: only to a tenant whose household is known."""
    return identity.household_known


def email_change_offered(identity: WizardIdentity) -> bool:
    """Whether the contact step asks the password to change the account's email (ACC-9)."""
    return identity.household_known and identity.email_change_now is not None


def _email_change_now(
    identity: WizardIdentity, wizard: RepairWizard, email: str, password: str
) -> bool:
    """ACC-9 at the contact step: a changed address with "also update my details" gets a
    confirmation link now (the password is checked, never stored). True when one was sent."""
    household = identity.household
    change = identity.email_change_now
    if change is None or household is None or not email:
        return False
    if email.lower() == (household.email or "").lower():
        return False
    typed = wizard.state.get("contact") or {}
    if typed.get("email_change_sent") and str(typed.get("email", "")).lower() == email.lower():
        return True  # sent on an earlier visit of this step; not again
    if not password:
        raise ValidationError(
            {"password": _("Fill in your password to change your email address.")},
            code="required",
        )
    try:
        change(email, password)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise ValidationError(
                {
                    "email" if key == "new_email" else "password" if key == "password" else key: (
                        messages
                    )
                    for key, messages in error.error_dict.items()
                }
            ) from None
        raise
    return True


def wizard_contact_save(
    *,
    wizard: RepairWizard,
    identity: WizardIdentity,
    name: str,
    email: str,
    phone: str,
    update_household: bool = False,
    password: str = "",
    country: str = "NL",
    now: datetime | None = None,
) -> RepairWizard:
    """REP-9: name, email and phone for this request. ``update_household`` (portal only)
    also stores a changed phone number on the household when the request is sent; a
    changed email address goes through the account's confirmation: at once with the
    ``password`` (``email_change_now``), or when the request is sent (``email_change``)."""
    now = now or timezone.now()
    name, email, phone = _clean_contact(name=name, email=email, phone=phone, region=country)
    update = bool(update_household and contact_update_offered(identity))
    sent = update and _email_change_now(identity, wizard, email, password)
    with transaction.atomic():
        wizard_lock(wizard, now)
        if first_missing(wizard, Step.CONTACT):
            raise ValidationError(_("First finish the earlier steps."), code="order")
        wizard.state["contact"] = {
            "name": name,
            "email": email,
            "phone": phone,
            "update_household": update,
        }
        if sent:
            wizard.state["contact"]["email_change_sent"] = True
        step_done(wizard, Step.CONTACT)
        step_reach(wizard, Step.SUMMARY)
        wizard_save(wizard, now)
    return wizard
