"""A kravprofil's working day (issue 24: the trip arrives by its start, the last trip home leaves
after its end): written as HH:MM in the API and the coordinator's form; a day that ends before it
starts is refused with a message on the field, and nothing is written."""

import datetime as dt

import pytest
from django.test import Client

from employers.models import TaskProfile

pytestmark = pytest.mark.django_db


def test_the_api_takes_and_shows_the_day_as_hours_and_minutes(api, coordinator, task_profile):
    url = f"/api/v1/task-profiles/{task_profile.pk}/"
    response = api(coordinator).patch(url, {"start_time": "07:30", "end_time": "16:00"})
    assert response.status_code == 200, response.json()
    assert (response.json()["start_time"], response.json()["end_time"]) == ("07:30", "16:00")
    task_profile.refresh_from_db()
    assert (task_profile.start_time, task_profile.end_time) == (dt.time(7, 30), dt.time(16, 0))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"start_time": "16:00", "end_time": "08:00", "title": "Nytt"}, "end_time"),
        ({"start_time": "08:00", "end_time": "08:00", "title": "Nytt"}, "end_time"),
        ({"start_time": "25:00", "title": "Nytt"}, "start_time"),
    ],
)
def test_the_api_refuses_a_day_that_does_not_run_forward(
    api, coordinator, task_profile, body, field
):
    response = api(coordinator).patch(f"/api/v1/task-profiles/{task_profile.pk}/", body)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    task_profile.refresh_from_db()
    assert task_profile.title != "Nytt" and task_profile.start_time is None


def test_the_coordinators_form_says_so_on_the_field(coordinator, task_profile):
    client = Client()
    client.force_login(coordinator)
    url = f"/kravprofiler/{task_profile.pk}/andra/"
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(offered_adaptations=[], ocn_modules=[], start_time="16:00", end_time="08:00")
    for i in range(form.skill_count):
        data.setdefault(f"skill_{i}_weight", 3)
        data.setdefault(f"skill_{i}_required", "0")
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the message on the field
    assert response.context["form"].errors["end_time"] == [
        "Arbetsdagen måste sluta efter att den börjar."
    ]
    assert 'type="time"' in response.content.decode()
    assert TaskProfile.objects.get(pk=task_profile.pk).end_time is None
    data.update(start_time="07:00", end_time="15:30")
    assert client.post(url, data).status_code == 302
    task_profile.refresh_from_db()
    assert (task_profile.start_time, task_profile.end_time) == (dt.time(7), dt.time(15, 30))
