"""Staff tasks raised by interactions (SPEC ACC-3, A-15): the open ones, earliest
due first, for everyone or only the signed-in staff member, and marking one done."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from meldpunt.accounts.models import User
from meldpunt.accounts.permissions import staff_required
from meldpunt.backoffice.household_forms import TaskFilterForm
from meldpunt.common.actors import Actor
from meldpunt.common.pagination import keyset_page
from meldpunt.interactions.models import Interaction
from meldpunt.interactions.selectors import interaction_tasks_open
from meldpunt.interactions.services import interaction_task_done

# Tasks per page, due first; further pages by cursor.
TASKS_SHOWN = 100


def _actor(request: HttpRequest) -> Actor:
    return Actor.staff(cast(User, request.user))


@require_safe
@staff_required()
def interaction_tasks(request: HttpRequest) -> HttpResponse:
    """Open tasks, earliest due first, a page at a time. One query, however many rows."""
    form = TaskFilterForm(request.GET)
    tasks = interaction_tasks_open()
    if form.mine:
        tasks = tasks.filter(task_assignee=cast(User, request.user))
    page = keyset_page(
        tasks, order_field="task_due_on", cursor=request.GET.get("cursor"), size=TASKS_SHOWN
    )
    context = {
        "form": form,
        "tasks": page.items,
        "page": page,
        "today": timezone.localdate(),
        "user_id": request.user.pk,
    }
    return render(request, "backoffice/households/tasks.html", context)


def _task_get(public_id: str) -> Interaction:
    """An interaction that is, or was, a staff task; 404 for any other id."""
    task = (
        Interaction.objects.filter(public_id=public_id)
        .filter(Q(task_open=True) | Q(task_done_at__isnull=False))
        .first()
    )
    if task is None:
        raise Http404("no such task")
    return task


@require_POST
@staff_required()
def interaction_task_mark_done(request: HttpRequest, public_id: str) -> HttpResponse:
    task = _task_get(public_id)
    if task.task_open:
        interaction_task_done(actor=_actor(request), interaction=task)
        messages.success(request, _("The task is done."))
    else:
        messages.info(request, _("This task was already done."))
    url = reverse("backoffice:interaction_tasks")
    if request.POST.get("show") == TaskFilterForm.MINE:
        url += f"?show={TaskFilterForm.MINE}"
    return redirect(url)
