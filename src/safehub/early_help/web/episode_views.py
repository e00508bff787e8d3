"""The episode list, the episode page, adding to the family, changing the lead professional and
closing early help (issue 9, items 1 and 3).

Every page reads its episode through `episode_get`, which starts from the episode policy: a
partner professional who is not a current member of the family's team gets the same 404 as for
an episode that does not exist (R18, R19).
"""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from safehub.accounts.constants import Capability
from safehub.people.selectors import PersonSearch, person_get, person_search
from safehub.platform import clock
from safehub.platform.errors import ConflictError, NotFoundOrForbidden
from safehub.platform.web.permissions import capability_required

from ..constants import MemberRole
from ..policies import episode_policy
from ..selectors import episode_get, episode_list
from ..services.episodes import episode_close, episode_member_add
from ..services.taf import lead_professional_change
from . import presenters
from .forms import (
    CloseForm,
    EpisodeFilterForm,
    FamilyMemberAddForm,
    FamilyMemberSearchForm,
    MemberChoiceForm,
    add_service_errors,
    early_help_teams,
    show_conflict,
)


@capability_required(Capability.VIEW_EARLY_HELP)
@require_GET
def episode_list_view(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    teams = early_help_teams()
    form = EpisodeFilterForm(request.GET or None, teams=teams)
    filters = form.filters()
    page = episode_list(
        actor=actor,
        team_id=filters["team"] or None,
        worker_id=actor.pk if filters["mine"] else None,
        open_only=filters["status"] != "closed",
        page=filters["page"],
    )
    today = clock.today()
    rows = [
        {
            "episode": e,
            "status": presenters.status_tag(e),
            "children": [m.person for m in e.members.all() if m.role == MemberRole.CHILD],
            "workers": sorted(
                {
                    str(m.involvement.worker)
                    for m in e.members.all()
                    if m.involvement and m.involvement.worker_id
                }
            ),
            "opened_on": presenters.format_date(e.opened_on),
            "next_due": presenters.format_date(e.next_due_on),  # type: ignore[attr-defined]
            "next_tag": presenters.due_tag(e.next_due_on, today),  # type: ignore[attr-defined]
        }
        for e in page.episodes
    ]
    query = {"status": filters["status"], "team": filters["team"], "mine": "on" if filters["mine"] else ""}
    base_query = "&".join(f"{k}={v}" for k, v in query.items() if v)
    context = {"form": form, "page": page, "rows": rows, "base_query": base_query}
    return render(request, "early_help/episode/list.html", context)


def _links(actor: Any, page: presenters.EpisodePage) -> dict[str, str]:
    """The forms the actor may use now on this episode, by name."""
    episode = page.episode
    if not episode.is_open:
        return {}
    pk = episode.pk
    links: dict[str, str] = {}

    def url(name: str, *args: Any) -> str:
        return reverse(f"early_help:{name}", args=[pk, *args])

    if episode_policy.can(actor, "record", episode):
        links |= {
            "consent": url("consent_record"),
            "team_add": url("taf_member_add"),
            "meeting": url("meeting_record"),
            "action_add": url("action_add"),
        }
        if page.open_assessment is None:
            links["assessment_start"] = url("assessment_start")
        else:
            links["assessment_edit"] = url("assessment_edit")
            links["assessment_complete"] = url("assessment_complete")
        if page.plan is None:
            links["plan_start"] = url("plan_start")
        else:
            links["goal_add"] = url("goal_add")
            links["review"] = url("plan_review")
    if episode_policy.can(actor, "manage", episode):
        links |= {
            "member_add": url("member_add"),
            "lead": url("lead_change"),
            "close": url("close"),
        }
        if not page.step_up_waiting:
            # Step-up goes through the front door (its page is wired there: ADR 0007 §6).
            links["step_up"] = reverse("early_help_front_door:step_up", args=[pk])
    return links


@capability_required(Capability.VIEW_EARLY_HELP)
@require_GET
def episode(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = episode_get(actor=actor, id=id, section="episode")
    page = presenters.episode_page(found)
    links = _links(actor, page)
    context = {
        "page": page,
        "episode": found,
        "status": presenters.status_tag(found),
        "consent": presenters.consent_tag(page.consent),
        "links": links,
        "can_record": "consent" in links,
        "today": clock.today(),
    }
    return render(request, "early_help/episode/episode.html", context)


def _form_page(request: HttpRequest, episode: Any, template: str, **context: Any) -> HttpResponse:
    return render(request, f"early_help/{template}", {"episode": episode, **context})


@capability_required(Capability.MANAGE_EARLY_HELP)
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = episode_get(actor=actor, id=id, action="manage", section="episode_close")
    if request.method != "POST":
        form = CloseForm(initial={"version": found.version, "closed_on": clock.today()})
    else:
        form = CloseForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                episode_close(
                    actor=actor,
                    episode=found,
                    expected_version=data["version"],
                    closed_on=data["closed_on"],
                    end_reason=data["end_reason"],
                    summary=data["summary"],
                )
            except ConflictError as error:
                show_conflict(form, error, presenters.conflict_message(error, "This episode"))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Early help for {found.family_name} is closed.")
                return redirect("early_help:episode", id=found.pk)
    return _form_page(request, found, "episode/close.html", form=form)


@capability_required(Capability.MANAGE_EARLY_HELP)
@require_http_methods(["GET", "POST"])
def lead_change(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = episode_get(actor=actor, id=id, action="manage", section="lead_professional")
    current = [m for m in found.taf_members.all() if m.left_on is None]
    form = MemberChoiceForm(request.POST or None, members=current)
    if request.method == "POST" and form.is_valid():
        try:
            lead_professional_change(actor=actor, episode=found, member=form.cleaned_data["member"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['member'].name} is now the lead professional.")
            return redirect("early_help:episode", id=found.pk)
    return _form_page(request, found, "episode/lead.html", form=form, has_members=bool(current))


@capability_required(Capability.MANAGE_EARLY_HELP)
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    """Find the person in the index (a specific-enough search, R45), then add them with their place."""
    actor: Any = request.user
    found = episode_get(actor=actor, id=id, action="manage", section="members")
    search = FamilyMemberSearchForm(request.GET or None)
    people: list[Any] = []
    searched = False
    if search.is_bound and search.is_valid():
        data = search.cleaned_data
        criteria = PersonSearch(
            family_name=data["family_name"],
            given_name=data["given_name"],
            date_of_birth=data["date_of_birth"],
        )
        if criteria.is_specific_enough():
            people = person_search(actor=actor, criteria=criteria).people
            searched = True
        else:
            search.add_error("family_name", "Enter a family name with a given name or a date of birth")
    if request.method == "POST":
        # The choices are the people the search found, repeated in the form so the POST can check them.
        chosen_ids = request.POST.getlist("person")
        people = people or _people_by_id(actor, chosen_ids)
    form = FamilyMemberAddForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            episode_member_add(
                actor=actor,
                episode=found,
                person=data["person"],
                role=data["role"],
                joined_on=data["joined_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{data['person']} was added to the family.")
            return redirect("early_help:episode", id=found.pk)
    context = {
        "search": search,
        "form": form,
        "people": people,
        "searched": searched or request.method == "POST",
    }
    return _form_page(request, found, "episode/member_add.html", **context)


def _people_by_id(actor: Any, ids: list[str]) -> list[Any]:
    """The person chosen on the search results, read again through the people policy (R19)."""
    people = []
    for pk in ids[:1]:
        try:
            people.append(person_get(actor=actor, id=uuid.UUID(pk), purpose="early_help_member"))
        except (ValueError, NotFoundOrForbidden):
            continue
    return people
