"""The listed select writes Django's own select markup, faster (issue 22)."""

import pytest
from django import forms
from django.utils import translation
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from employers.choices import EmployerStatus
from portal.forms import EmployerFilterForm
from portal.widgets import ListedSelect

CHOICES = [
    ("", "—"),
    (1, "Ale"),
    (2, "Alingsås & <Vårgårda>"),
    ("x\"y'", "Quotes \" and '"),
    (None, "None as value"),
    (3, mark_safe("<b>Safe</b>")),
    *EmployerStatus.choices,
]


def both(choices, value, attrs=None, required=False):
    django, listed = forms.Select(choices=choices), ListedSelect(choices=choices)
    django.is_required = listed.is_required = required
    return (
        django.render("municipality", value, attrs=attrs),
        listed.render("municipality", value, attrs=attrs),
    )


@pytest.mark.parametrize("value", [None, "", 1, "1", "2", "x\"y'", "active", "nothing", ["1", "2"]])
@pytest.mark.parametrize("language", ["sv", "en"])
def test_same_markup_as_djangos_select(value, language):
    with translation.override(language):
        django, listed = both(CHOICES, value, attrs={"id": "id_municipality"})
    assert listed == django
    if value in (1, "1"):
        assert '<option value="1" selected>Ale</option>' in listed


def test_the_first_matching_option_only_is_selected_and_attributes_are_kept():
    choices = [("a", "First"), ("a", "Second"), ("b", "Other")]
    django, listed = both(choices, "a", attrs={"id": "x", "aria-invalid": "true"}, required=True)
    assert listed == django
    assert listed.count(" selected") == 1
    assert 'aria-invalid="true"' in listed


def test_labels_follow_the_language():
    widget = ListedSelect(choices=EmployerStatus.choices)
    with translation.override("sv"):
        swedish = widget.render("status", None)
    with translation.override("en"):
        english = widget.render("status", None)
    assert ">Möjlig</option>" in swedish
    assert ">Prospect</option>" in english


def test_grouped_choices_are_left_to_djangos_widget():
    choices = [("Väst", [(1, "Ale"), (2, "Alingsås")]), (3, "Borås")]
    django, listed = both(choices, "2")
    assert listed == django
    assert "<optgroup" in listed


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.text(max_size=8), st.text(max_size=12)), max_size=8),
    st.one_of(st.none(), st.text(max_size=8)),
)
def test_any_choices_and_value_give_djangos_markup(choices, value):
    django, listed = both(choices, value)
    assert listed == django


@pytest.mark.django_db
def test_the_employer_search_form_uses_it_and_keeps_the_chosen_status():
    form = EmployerFilterForm({"status": "active"}, unit=None)
    html = str(form["status"])
    assert isinstance(form.fields["municipality"].widget, ListedSelect)
    assert '<option value="active" selected>' in html
