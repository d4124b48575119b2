"""The placement page and the follow-up pages, per role: what each gets, what it must not see, and
that every step goes through the services (nothing a service refuses is offered or saved)."""

import datetime as dt

import pytest
from django.test import Client

from matching.models import Consent
from placements.models import Exit, FollowUp, Placement

pytestmark = pytest.mark.django_db

STAFF_VIEWERS = ["guide", "colleague_guide", "coordinator", "manager"]


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def page(user, placement):
    return client_for(user).get(f"/placeringar/{placement.pk}/")


# --- who sees the placement page ------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF_VIEWERS)
def test_staff_of_the_unit_see_the_placement_and_its_history(request, role, portal_world):
    placement = portal_world["placement"]
    response = page(request.getfixturevalue(role), placement)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Plock och pack" in html and placement.participant.code in html
    assert f'href="/deltagare/{placement.participant_id}/"' in html  # the code links
    assert "Pågående" in html and "ongoing" not in html.replace('"ongoing', "")


def test_only_the_assigned_guide_is_offered_the_steps(
    guide, colleague_guide, coordinator, manager, portal_world
):
    placement = portal_world["placement"]
    mine = page(guide, placement).content.decode()
    for step in ("evaluate", "extend", "to_employment", "end", "exit"):
        assert f'data-step="{step}"' in mine
    for step in ("agree", "withdraw", "start", "hire"):  # not possible from “ongoing, finna”
        assert f'data-step="{step}"' not in mine
    for other in (colleague_guide, coordinator, manager):
        html = page(other, placement).content.decode()
        assert "data-step=" not in html and "/steg/" not in html


def test_other_units_guide_and_anonymous_get_nothing(foreign_guide, portal_world):
    placement = portal_world["placement"]
    assert page(foreign_guide, placement).status_code == 404
    anonymous = page(None, placement)
    assert anonymous.status_code == 302 and anonymous.url.startswith("/logga-in/")


def test_employer_user_sees_own_placement_with_consented_fields_only(employer_user, portal_world):
    placement = portal_world["placement"]
    Placement.objects.filter(pk=placement.pk).update(
        end_reason="Intern anteckning", goals_short="Klara plock"
    )
    html = page(employer_user, placement).content.decode()
    assert "Amina Yusuf" in html  # identity consented
    assert "Klara plock" in html  # plan consented
    assert "Intern anteckning" not in html and "Ljudkänslig" not in html
    assert "9805" not in html and "hjärnskada" not in html
    assert "data-step=" not in html and "Historik" not in html
    assert f'href="/deltagare/{placement.participant_id}/"' not in html


def test_employer_user_without_consent_sees_the_code_only(employer_user, placement):
    Placement.objects.filter(pk=placement.pk).update(goals_short="Klara plock")
    html = page(employer_user, placement).content.decode()
    assert placement.participant.code in html
    assert "Yusuf" not in html and "Klara plock" not in html


def test_other_employers_user_gets_404(other_employer_user, portal_world):
    assert page(other_employer_user, portal_world["placement"]).status_code == 404


# --- steps ------------------------------------------------------------------------------------------


def step(user, placement, name, data=None):
    return client_for(user).post(
        f"/placeringar/{placement.pk}/steg/{name}/",
        {f"{name}-{k}": v for k, v in (data or {}).items()},
    )


@pytest.mark.parametrize("role", ["colleague_guide", "coordinator", "manager", "employer_user"])
def test_nobody_but_the_assigned_guide_takes_a_step(request, role, placement):
    response = step(request.getfixturevalue(role), placement, "end", {"ended_on": "2026-11-24"})
    assert response.status_code in (403, 404)
    placement.refresh_from_db()
    assert placement.status == "ongoing"
    assert step(None, placement, "end").status_code == 302


def test_a_step_the_state_does_not_allow_is_refused_on_the_page(guide, placement):
    response = step(guide, placement, "agree")
    assert response.status_code == 400
    assert "Bara en föreslagen placering kan bli överenskommen" in response.content.decode()
    placement.refresh_from_db()
    assert placement.status == "ongoing"


def test_a_bad_step_shows_the_error_next_to_the_field(guide, placement):
    response = step(guide, placement, "extend", {"new_end": "2026-12-01", "reason": "Mer tid"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and "<details" in html and "open" in html
    placement.refresh_from_db()
    assert placement.planned_end == dt.date(2027, 1, 29)


def test_the_whole_method_through_the_page(guide, participant, task_profile):
    """propose (participant page) → agree → start → evaluate → extend → employment → hire → end
    early → back in matching, every step with who and when on the page."""
    client = client_for(guide)
    proposal = {
        "task_profile": task_profile.pk,
        "planned_start": "2026-10-01",
        "planned_end": "2026-12-01",
        "hours_per_week": 15,
    }
    assert client.post(f"/deltagare/{participant.pk}/", proposal).status_code == 302
    again = client.post(f"/deltagare/{participant.pk}/", proposal)
    assert again.status_code == 200
    assert "redan ett öppet förslag" in again.content.decode()
    placement = Placement.objects.get()
    for name, data in [
        ("agree", {}),
        ("start", {"started_on": "2026-10-01"}),
        ("evaluate", {"evaluated_on": "2026-10-20", "progress": "Lär sig snabbt", "rating": 4}),
        ("extend", {"new_end": "2027-01-15", "reason": "Mer tid med truck"}),
        ("to_employment", {"hours_per_week": 25, "subsidy_type": "lonestod"}),
        ("hire", {"hired_on": "2026-11-01"}),
        ("end", {"ended_on": "2026-11-20", "reason": "Verksamheten drogs ner"}),
    ]:
        response = step(guide, placement, name, data)
        assert response.status_code == 302, (name, response.content.decode()[:3000])
    placement.refresh_from_db()
    assert (placement.status, placement.ended_early, placement.subsidy_type) == (
        "ended",
        True,
        "lonestod",
    )
    html = page(guide, placement).content.decode()
    for text in (
        "Föreslagen",
        "Överenskommen (plats tagen)",
        "Startad",
        "Praktikutvärdering (4 av 5)",
        "Förlängd till 2027-01-15",
        "Mer tid med truck",
        "Anställning: fas få",
        "Anställd: fas behålla",
        "Åter i matchning",
    ):
        assert text in html, text
    assert html.count(guide.get_full_name()) >= 7
    assert "data-step=" in html and 'data-step="exit"' in html  # only the exit is left
    assert 'data-step="end"' not in html


def test_withdraw_and_exit_on_the_page(guide, participant, task_profile):
    client = client_for(guide)
    client.post(
        f"/deltagare/{participant.pk}/",
        {
            "task_profile": task_profile.pk,
            "planned_start": "2026-12-01",
            "planned_end": "2027-01-15",
            "hours_per_week": 10,
        },
    )
    placement = Placement.objects.get()
    bad = step(guide, placement, "withdraw", {"reason": "other"})
    assert bad.status_code == 400 and "Beskriv orsaken" in bad.content.decode()
    assert step(guide, placement, "withdraw", {"reason": "employer_declined"}).status_code == 302
    html = page(guide, placement).content.decode()
    assert "Förslaget drogs tillbaka: Arbetsgivaren tackade nej" in html
    assert "employer_declined" not in html
    today = dt.date.today().isoformat()
    assert (
        step(guide, placement, "exit", {"exited_on": today, "outcome": "studies"}).status_code
        == 302
    )
    assert Exit.objects.get(participant=participant).outcome == "studies"
    assert "Studier" in page(guide, placement).content.decode()


# --- follow-ups -----------------------------------------------------------------------------------


@pytest.fixture
def followup(placement):
    return FollowUp.objects.create(placement=placement, planned_on=dt.date.today())


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("guide", 200),
        ("colleague_guide", 403),
        ("coordinator", 403),
        ("manager", 403),
        ("foreign_guide", 404),
        ("employer_user", 403),
        ("other_employer_user", 403),
    ],
)
@pytest.mark.parametrize("path", ["registrera", "flytta"])
def test_followup_pages_per_role(request, role, status, path, followup):
    user = request.getfixturevalue(role)
    assert client_for(user).get(f"/uppfoljningar/{followup.pk}/{path}/").status_code == status


def test_followup_pages_send_anonymous_to_login(followup):
    for path in ("registrera", "flytta"):
        response = client_for(None).get(f"/uppfoljningar/{followup.pk}/{path}/")
        assert response.status_code == 302 and response.url.startswith("/logga-in/")


def test_the_record_form_has_no_ratings_chosen_and_explains_the_scale(guide, followup):
    html = client_for(guide).get(f"/uppfoljningar/{followup.pk}/registrera/").content.decode()
    assert 'type="radio"' in html and "checked" not in html.split("rating_tasks")[1][:2000]
    assert "<fieldset" in html and "<legend>Arbetsuppgifter</legend>" in html
    assert "5 – fungerar mycket bra" in html


def test_an_untouched_record_form_is_refused(guide, followup):
    response = client_for(guide).post(
        f"/uppfoljningar/{followup.pk}/registrera/",
        {"done_on": dt.date.today().isoformat(), "with_whom": "both"},
    )
    assert response.status_code == 400
    assert "minst ett betyg" in response.content.decode()
    followup.refresh_from_db()
    assert (followup.status, followup.rating_tasks) == ("planned", None)


def test_a_recorded_followup_is_listed_on_the_placement_and_participant_pages(guide, followup):
    client = client_for(guide)
    response = client.post(
        f"/uppfoljningar/{followup.pk}/registrera/",
        {
            "done_on": dt.date.today().isoformat(),
            "with_whom": "both",
            "rating_social": 4,
            "notes": "Trivs i laget",
        },
    )
    assert response.status_code == 302 and response.url == f"/placeringar/{followup.placement_id}/"
    for path in (
        f"/placeringar/{followup.placement_id}/",
        f"/deltagare/{followup.placement.participant_id}/",
    ):
        html = client.get(path).content.decode()
        assert "Trivs i laget" in html, path
    participant_html = client.get(
        f"/deltagare/{followup.placement.participant_id}/"
    ).content.decode()
    assert f'href="/placeringar/{followup.placement_id}/"' in participant_html


def test_moving_a_followup_needs_a_reason_and_keeps_the_history(guide, followup):
    client = client_for(guide)
    url = f"/uppfoljningar/{followup.pk}/flytta/"
    new_date = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    refused = client.post(url, {"planned_on": new_date})
    assert refused.status_code == 400 and FollowUp.objects.count() == 1
    assert (
        client.post(url, {"planned_on": new_date, "reason": "Handledaren sjuk"}).status_code == 302
    )
    followup.refresh_from_db()
    assert followup.status == "rescheduled" and followup.rescheduled_by == guide
    html = page(guide, followup.placement).content.decode()
    assert "Handledaren sjuk" in html and "flyttad" in html


def test_the_employer_is_asked_to_confirm_and_confirms_in_the_portal(
    guide, employer_user, other_employer_user, portal_world
):
    followup = portal_world["followup"]
    assert (
        client_for(employer_user)
        .post(f"/uppfoljningar/{followup.pk}/be-om-bekraftelse/")
        .status_code
        == 403
    )
    response = client_for(guide).post(f"/uppfoljningar/{followup.pk}/be-om-bekraftelse/")
    assert response.status_code == 302
    followup.refresh_from_db()
    assert followup.confirmation_requested_by == guide
    home = client_for(employer_user).get("/arbetsgivarportal/").content.decode()
    assert "Din bekräftelse efterfrågas" in home
    assert (
        "Din bekräftelse efterfrågas"
        not in client_for(other_employer_user).get("/arbetsgivarportal/").content.decode()
    )
    detail = page(employer_user, followup.placement).content.decode()
    assert f"/arbetsgivarportal/uppfoljning/{followup.pk}/bekrafta/" in detail
    client_for(employer_user).post(f"/arbetsgivarportal/uppfoljning/{followup.pk}/bekrafta/")
    followup.refresh_from_db()
    assert followup.confirmed_by == employer_user
    assert "bekräftad av arbetsgivaren" in page(guide, followup.placement).content.decode()


def test_a_done_followup_asked_for_confirmation_is_shown_to_the_employer(
    guide, employer_user, portal_world
):
    followup = portal_world["followup"]
    FollowUp.objects.filter(pk=followup.pk).update(
        status="done",
        done_on=dt.date.today() - dt.timedelta(days=30),
        planned_on=dt.date.today() - dt.timedelta(days=30),
    )
    client_for(guide).post(f"/uppfoljningar/{followup.pk}/be-om-bekraftelse/")
    home = client_for(employer_user).get("/arbetsgivarportal/").content.decode()
    assert f"/arbetsgivarportal/uppfoljning/{followup.pk}/bekrafta/" in home


def test_a_followup_of_an_ended_placement_awaiting_confirmation_is_shown_with_what_it_says(
    guide, employer_user, portal_world
):
    """The portal reads the ongoing placements once and the follow-ups' placements from them;
    an ended placement's follow-up still asked to be confirmed is read on its own (issue 22)."""
    from placements.models import Placement

    followup = portal_world["followup"]
    FollowUp.objects.filter(pk=followup.pk).update(
        status="done",
        done_on=dt.date.today() - dt.timedelta(days=30),
        planned_on=dt.date.today() - dt.timedelta(days=30),
        notes="Trivs i lagret.",
    )
    client_for(guide).post(f"/uppfoljningar/{followup.pk}/be-om-bekraftelse/")
    Placement.objects.filter(pk=followup.placement_id).update(status="ended")
    html = client_for(employer_user).get("/arbetsgivarportal/").content.decode()
    row = html[html.index(f'data-followup="{followup.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Trivs i lagret." in row and f"/uppfoljning/{followup.pk}/bekrafta/" in row
    assert "Amina Yusuf" in row  # the name, as the participant consented to share it


def test_consent_withdrawn_hides_the_name_on_the_employer_placement_page(
    employer_user, portal_world
):
    Consent.objects.filter(participant=portal_world["placement"].participant).update(
        withdrawn_on=dt.date.today()
    )
    html = page(employer_user, portal_world["placement"]).content.decode()
    assert "Yusuf" not in html


# --- every API write has its page ------------------------------------------------------------------

API_TO_PAGE = {
    # PlacementViewSet: action → the step on the placement page (or the page that proposes)
    ("placement", "create"): "participant_detail",
    ("placement", "agree"): "step:agree",
    ("placement", "withdraw"): "step:withdraw",
    ("placement", "start"): "step:start",
    ("placement", "evaluate"): "step:evaluate",
    ("placement", "extend"): "step:extend",
    ("placement", "to_employment"): "step:to_employment",
    ("placement", "hire"): "step:hire",
    ("placement", "end"): "step:end",
    ("exit", "create"): "step:exit",
    ("follow-up", "create"): "followup_create",
    ("follow-up", "record"): "followup_record",
    ("follow-up", "reschedule"): "followup_reschedule",
    ("follow-up", "request_confirmation"): "followup_request_confirmation",
    ("follow-up", "confirm"): "employer_confirm_followup",
}


def test_every_placement_api_write_has_a_page():
    from django.urls import reverse

    from placements.api import views as api_views
    from portal.views.placements import STEPS

    writes = set()
    for basename, viewset in (
        ("placement", api_views.PlacementViewSet),
        ("follow-up", api_views.FollowUpViewSet),
        ("exit", api_views.ExitViewSet),
    ):
        if hasattr(viewset, "create"):
            writes.add((basename, "create"))
        writes |= {
            (basename, a.__name__)
            for a in viewset.get_extra_actions()
            if "post" in a.mapping and a.__name__ != "mine"
        }
    assert writes == set(API_TO_PAGE)
    for target in API_TO_PAGE.values():
        if target.startswith("step:"):
            assert target[5:] in STEPS
        else:
            assert reverse(f"portal:{target}", args=[1])


def test_the_guide_plans_an_extra_followup_on_the_placement_page(guide, colleague_guide, placement):
    url = f"/placeringar/{placement.pk}/uppfoljning/"
    day = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    data = {"followup-planned_on": day, "followup-with_whom": "supervisor"}
    assert client_for(colleague_guide).post(url, data).status_code == 403
    assert client_for(guide).post(url, data).status_code == 302
    assert FollowUp.objects.get(placement=placement).with_whom == "supervisor"
    bad = client_for(guide).post(url, {"followup-with_whom": "supervisor"})
    assert bad.status_code == 400 and FollowUp.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("colleague_guide", 403),
        ("coordinator", 403),
        ("manager", 403),
        ("foreign_guide", 404),
        ("employer_user", 403),
        ("other_employer_user", 403),
        (None, 302),
    ],
)
def test_only_the_assigned_guide_plans_moves_or_asks_for_confirmation(
    request, role, status, followup
):
    user = request.getfixturevalue(role) if role else None
    client = client_for(user)
    day = (dt.date.today() + dt.timedelta(days=4)).isoformat()
    responses = [
        client.post(f"/uppfoljningar/{followup.pk}/be-om-bekraftelse/"),
        client.post(f"/uppfoljningar/{followup.pk}/flytta/", {"planned_on": day, "reason": "x"}),
        client.post(
            f"/placeringar/{followup.placement_id}/uppfoljning/",
            {"followup-planned_on": day, "followup-with_whom": "both"},
        ),
        client.post(f"/uppfoljningar/{followup.pk}/registrera/", {"done_on": day, "notes": "x"}),
    ]
    assert [r.status_code for r in responses] == [status] * 4
    followup.refresh_from_db()
    assert (followup.status, followup.confirmation_requested_at) == ("planned", None)
    assert FollowUp.objects.count() == 1


# --- issue 19: what the employer confirms, and only employers who can --------------------------


def test_the_employer_reads_what_the_followup_says_before_confirming(
    guide, employer_user, portal_world
):
    from placements.services.followups import followup_record, followup_request_confirmation

    followup = portal_world["followup"]
    FollowUp.objects.filter(pk=followup.pk).update(
        planned_on=dt.date.today() - dt.timedelta(days=2)
    )
    followup.refresh_from_db()
    followup_record(
        followup=followup,
        by=guide,
        done_on=dt.date.today() - dt.timedelta(days=1),
        rating_tasks=4,
        rating_attendance=5,
        notes="Klarar plocket själv nu.",
    )
    followup_request_confirmation(followup=followup, by=guide)
    for url in ("/arbetsgivarportal/", f"/placeringar/{followup.placement_id}/"):
        html = client_for(employer_user).get(url).content.decode()
        row = html[html.index(f'data-followup="{followup.pk}"') :]
        row = row[: row.index("</tr>")]
        assert "Klarar plocket själv nu." in row and "Arbetsuppgifter 4/5" in row
        assert "Närvaro 5/5" in row and "Vad den säger" in html
        assert row.index("Klarar plocket") < row.index("/bekrafta/")  # read, then confirm


def test_without_consent_to_the_plan_the_employer_sees_only_date_and_with_whom(
    guide, employer_user, portal_world
):
    from matching.models import Consent

    followup = portal_world["followup"]
    FollowUp.objects.filter(pk=followup.pk).update(notes="Hemlig anteckning", rating_tasks=2)
    Consent.objects.filter(participant=followup.placement.participant).update(scopes=["identity"])
    html = client_for(employer_user).get("/arbetsgivarportal/").content.decode()
    assert "Hemlig anteckning" not in html and "2/5" not in html
    assert "delas inte med er" in html


def test_no_confirmation_is_asked_of_an_employer_without_portal_user(guide, followup):
    from core.exceptions import DomainError
    from placements.services.followups import followup_request_confirmation

    html = page(guide, followup.placement).content.decode()
    assert "/be-om-bekraftelse/" not in html
    assert "arbetsgivaren har ingen användare i portalen" in html
    with pytest.raises(DomainError) as err:
        followup_request_confirmation(followup=followup, by=guide)
    assert "Kalmar Lager AB" in err.value.message and "portal" in err.value.message
    response = client_for(guide).post(
        f"/uppfoljningar/{followup.pk}/be-om-bekraftelse/", follow=True
    )
    assert "har ingen användare i arbetsgivarportalen" in response.content.decode()
    followup.refresh_from_db()
    assert followup.confirmation_requested_at is None


def test_the_api_refuses_too_with_a_clear_400(api, guide, followup):
    response = api(guide).post(f"/api/v1/follow-ups/{followup.pk}/request-confirmation/")
    assert response.status_code == 400
    assert "ingen användare i arbetsgivarportalen" in str(response.json()) or (
        "no user in the employer portal" in str(response.json())
    )
