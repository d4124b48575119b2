"""The guide's "not suitable" decision and phase change, and the administrators' matching weights, in
the pages: per role, through the same services as the API, bad input refused with a message."""

import pytest

from matching.models import MatchDecision, MatchWeights, PhaseChange

pytestmark = pytest.mark.django_db


def _client(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("guide", 302),
        ("colleague_guide", 403),
        ("coordinator", 403),
        ("manager", 403),
        ("employer_user", 403),
        ("foreign_guide", 404),
    ],
)
def test_only_the_assigned_guide_declines_a_match(
    request, client, role, status, participant, task_profile
):
    user = request.getfixturevalue(role)
    response = _client(client, user).post(
        f"/deltagare/{participant.pk}/inte-aktuell/",
        {"task_profile": task_profile.pk, "reason": "distance", "note": "för långt"},
    )
    assert response.status_code == status
    decided = MatchDecision.objects.filter(participant=participant, task_profile=task_profile)
    if status == 302:
        row = decided.get()
        assert (row.decision, row.reason, row.note, row.decided_by) == (
            "not_suitable",
            "distance",
            "för långt",
            user,
        )
    else:
        assert not decided.exists()


def test_declining_without_a_reason_is_refused_and_nothing_saved(
    client, guide, participant, task_profile
):
    response = _client(client, guide).post(
        f"/deltagare/{participant.pk}/inte-aktuell/", {"task_profile": task_profile.pk}, follow=True
    )
    assert "Varför inte: " in response.content.decode()
    assert not MatchDecision.objects.exists()


def test_the_participant_page_offers_not_suitable_and_lists_the_decision(
    client, guide, participant, task_profile
):
    from core.models import Adaptation
    from matching import features

    task_profile.site.offered_adaptations.add(Adaptation.objects.get(code="quiet-space"))
    features.forget()
    page = _client(client, guide).get(f"/deltagare/{participant.pk}/").content.decode()
    assert "Markera som passar inte" in page and 'name="reason"' in page
    client.post(
        f"/deltagare/{participant.pk}/inte-aktuell/",
        {"task_profile": task_profile.pk, "reason": "hours"},
    )
    page = client.get(f"/deltagare/{participant.pk}/").content.decode()
    assert "Passar inte" in page
    assert MatchDecision.objects.get(participant=participant).get_reason_display() in page


def test_the_match_cards_speak_the_users_language_and_carry_working_forms(
    client, guide, colleague_guide, participant, task_profile
):
    """The cards are rendered by Jinja2 (portal/jinja2/): the same catalogue, one CSRF token per
    form, the decline form's address, and no forms for a guide who may only read."""
    import re

    from core.models import Adaptation
    from matching import features

    task_profile.site.offered_adaptations.add(Adaptation.objects.get(code="quiet-space"))
    features.forget()
    page = _client(client, guide).get(f"/deltagare/{participant.pk}/").content.decode()
    card = page[page.index('<article class="card match"') :]
    assert task_profile.title in card
    assert "Föreslå en placering" in card and "Markera som passar inte" in card
    assert "Planerad start" in card and "Varför inte" in card
    assert len(re.findall(r'name="csrfmiddlewaretoken"', card)) == 2
    assert f'action="/deltagare/{participant.pk}/inte-aktuell/"' in card
    english = client.get(f"/en/deltagare/{participant.pk}/").content.decode()
    assert "Propose a placement" in english and "Mark as not suitable" in english
    assert "Föreslå en placering" not in english
    client.logout()
    read_only = _client(client, colleague_guide).get(f"/deltagare/{participant.pk}/")
    html = read_only.content.decode()
    assert task_profile.title in html and "csrfmiddlewaretoken" not in html[html.index("match") :]


def test_anonymous_is_sent_to_login(client, participant):
    assert client.get(f"/deltagare/{participant.pk}/fas/").status_code == 302
    assert client.get("/matchningsvikter/").status_code == 302


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("guide", 200),
        ("colleague_guide", 403),
        ("coordinator", 403),
        ("manager", 403),
        ("foreign_guide", 404),
    ],
)
def test_phase_page_per_role(request, client, role, status, participant):
    response = _client(client, request.getfixturevalue(role)).get(
        f"/deltagare/{participant.pk}/fas/"
    )
    assert response.status_code == status


def test_the_guide_changes_the_phase_with_a_reason(client, guide, participant):
    url = f"/deltagare/{participant.pk}/fas/"
    page = _client(client, guide).get(url).content.decode()
    # only the phases the rules allow from finna are offered, with labels
    assert 'value="fa"' in page and 'value="behalla"' not in page
    refused = client.post(url, {"phase": "fa", "reason": ""})
    assert (
        refused.status_code == 200
        and 'role="alert"' in refused.content.decode()
        or "måste" in refused.content.decode()
    )
    assert not PhaseChange.objects.filter(participant=participant).exists()
    assert client.post(url, {"phase": "fa", "reason": "Anställd utanför Brygga"}).status_code == 302
    participant.refresh_from_db()
    change = PhaseChange.objects.get(participant=participant)
    assert participant.phase == "fa" and (change.reason, change.by) == (
        "Anställd utanför Brygga",
        guide,
    )


def test_a_phase_the_rules_do_not_allow_is_refused(client, guide, participant):
    response = _client(client, guide).post(
        f"/deltagare/{participant.pk}/fas/", {"phase": "behalla", "reason": "x"}
    )
    assert response.status_code == 200
    participant.refresh_from_db()
    assert participant.phase == "finna"


def test_the_service_refuses_another_guides_phase_change(colleague_guide, participant):
    from core.exceptions import DomainError
    from matching.participants.services.participants import participant_set_phase

    with pytest.raises(DomainError):
        participant_set_phase(participant=participant, phase="fa", reason="x", by=colleague_guide)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin_user", 200),
        ("coordinator", 403),
        ("guide", 403),
        ("manager", 403),
        ("employer_user", 403),
    ],
)
def test_weights_page_is_for_administrators(request, client, role, status):
    assert (
        _client(client, request.getfixturevalue(role)).get("/matchningsvikter/").status_code
        == status
    )


def test_the_administrator_saves_weights_and_bad_values_are_refused(client, admin_user):
    _client(client, admin_user)
    values = {
        "skills": "0,5",
        "validations": "0,1",
        "geography": "0,2",
        "adaptations_hours": "0,1",
        "preferences": "0,05",
        "load": "0,05",
    }
    assert client.post("/matchningsvikter/", values).status_code == 302
    row = MatchWeights.objects.get(unit=admin_user.unit)
    assert row.skills == 0.5 and row.updated_by == admin_user
    zeros = dict.fromkeys(values, "0")
    response = client.post("/matchningsvikter/", zeros)
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    huge = {**values, "skills": "1e308"}
    assert client.post("/matchningsvikter/", huge).status_code == 200
    row.refresh_from_db()
    assert row.skills == 0.5


# --- search and filter on the two match lists (issue 19) ----------------------------------------


@pytest.fixture
def many_profiles(employer, other_employer, participant):
    """30 open profiles that fit the participant (the site offers the quiet space she needs),
    two of them at the bakery in Nybro, one a study visit, and one that is out of reach."""
    from core.models import Adaptation, Municipality
    from matching import features
    from tests.factories.employers import SiteFactory, TaskProfileFactory

    quiet = Adaptation.objects.get(code="quiet-space")
    kalmar = SiteFactory(employer=employer, name="Lagret")
    kalmar.offered_adaptations.add(quiet)
    nybro = SiteFactory(
        employer=other_employer, name="Bageriet", municipality=Municipality.objects.get(code="0881")
    )
    nybro.offered_adaptations.add(quiet)
    far = SiteFactory(employer=employer, name="Västervik", latitude=57.7584, longitude=16.6373)
    far.offered_adaptations.add(quiet)
    made = {
        "warehouse": [
            TaskProfileFactory(employer=employer, site=kalmar, title=f"Lagerplock {i:02d}")
            for i in range(27)
        ],
        "bakery": [
            TaskProfileFactory(employer=other_employer, site=nybro, title="Bagerihjälp morgon"),
            TaskProfileFactory(employer=other_employer, site=nybro, title="Diskare"),
        ],
        "visit": TaskProfileFactory(
            employer=employer, site=kalmar, title="Studiebesök lager", kind="study_visit"
        ),
        "far": TaskProfileFactory(employer=employer, site=far, title="Lagerplock långt bort"),
    }
    features.forget()
    return made


def _cards(html: str) -> list[str]:
    import re

    return re.findall(r'<article class="card match" aria-label="([^"]*)"', html)


def _ranked_titles(participant) -> list[str]:
    """The engine's full ranking of the participant's profiles (excluded too), as titles."""
    from employers.models import TaskProfile
    from matching.services.suggestions import rank_page

    _total, ranked = rank_page(participant=participant, page=1, page_size=1000)
    titles = dict(TaskProfile.objects.values_list("pk", "title"))
    return [titles[m["task_profile"]] for m in ranked]


def test_a_guide_finds_a_profile_by_employer_or_title_in_rank_order(
    client, guide, participant, many_profiles
):
    url = f"/deltagare/{participant.pk}/"
    _client(client, guide)
    html = client.get(url, {"q": "nybro bageri"}).content.decode()
    ranked = [t for t in _ranked_titles(participant) if t in ("Bagerihjälp morgon", "Diskare")]
    assert _cards(html) == ranked and len(ranked) == 2  # the employer's name, rank order kept
    assert 'value="nybro bageri"' in html and "Sök" in html and "Typ av plats" in html
    html = client.get(url, {"q": "BAGERIHJÄLP"}).content.decode()
    assert _cards(html) == ["Bagerihjälp morgon"]
    html = client.get(url, {"q": "finns inte"}).content.decode()
    assert _cards(html) == [] and "Inga profiler matchar sökningen." in html


def test_match_filters_by_kind_municipality_and_excluded(client, guide, participant, many_profiles):
    url = f"/deltagare/{participant.pk}/"
    _client(client, guide)
    assert _cards(client.get(url, {"kind": "study_visit"}).content.decode()) == [
        "Studiebesök lager"
    ]
    nybro = _cards(client.get(url, {"municipality": "0881"}).content.decode())
    assert sorted(nybro) == ["Bagerihjälp morgon", "Diskare"]
    excluded = client.get(url, {"q": "lagerplock", "state": "excluded"}).content.decode()
    assert _cards(excluded) == ["Lagerplock långt bort"] and "Utesluten" in excluded
    included = _cards(client.get(url, {"q": "långt", "state": "included"}).content.decode())
    assert included == []
    # Bad input is a form error on the page, never a 500.
    response = client.get(url, {"kind": "rocket", "municipality": "9999"})
    assert response.status_code == 200 and _cards(response.content.decode()) == []


def test_filtered_matches_are_paged_with_the_filter_kept(client, guide, participant, many_profiles):
    url = f"/deltagare/{participant.pk}/"
    _client(client, guide)
    first = client.get(url, {"q": "lagerplock", "state": "included"}).content.decode()
    ranked = [
        t
        for t in _ranked_titles(participant)
        if t.startswith("Lagerplock") and t != "Lagerplock långt bort"
    ]
    assert _cards(first) == ranked[:10]
    assert "q=lagerplock&amp;state=included&amp;page=2" in first
    assert "Sida 1 · 27 profiler" in first
    third = client.get(url, {"q": "lagerplock", "state": "included", "page": "3"}).content.decode()
    assert _cards(third) == ranked[20:] and "page=4" not in third


def test_a_profiles_participants_are_searched_and_filtered(
    client, coordinator, participant, task_profile, unit, guide
):
    from core.models import Adaptation, Municipality
    from matching import features
    from tests.factories.matching import ParticipantFactory

    task_profile.site.offered_adaptations.add(Adaptation.objects.get(code="quiet-space"))
    nybro = ParticipantFactory(
        unit=unit, guide=guide, municipality=Municipality.objects.get(code="0881")
    )
    others = [ParticipantFactory(unit=unit, guide=guide) for _ in range(3)]
    features.forget()
    _client(client, coordinator)
    url = f"/kravprofiler/{task_profile.pk}/"
    html = client.get(url, {"q": participant.code.lower()}).content.decode()
    assert _cards(html) == [participant.code] and "Typ av plats" not in html
    html = client.get(url, {"municipality": "0881"}).content.decode()
    assert _cards(html) == [nybro.code]
    everyone = _cards(client.get(url).content.decode())
    assert set(everyone) == {participant.code, nybro.code, *(p.code for p in others)}
    assert "Amina" not in html


def test_the_matches_api_takes_the_same_filters(api, guide, participant, many_profiles):
    client = api(guide)
    rows = client.get(
        f"/api/v1/participants/{participant.pk}/matches/", {"q": "Nybro Bageri"}
    ).json()
    assert {r["task_profile"] for r in rows} == {p.pk for p in many_profiles["bakery"]}
    page = client.get(
        f"/api/v1/participants/{participant.pk}/matches/",
        {"include_excluded": "true", "state": "excluded", "page_size": 5},
    ).json()
    assert page["count"] == 1 and page["results"][0]["task_profile"] == many_profiles["far"].pk
    assert (
        client.get(
            f"/api/v1/participants/{participant.pk}/matches/", {"state": "maybe"}
        ).status_code
        == 400
    )
