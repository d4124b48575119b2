"""Search and filter on the two ranked match lists (a participant's profiles on the participant's
page, a profile's participants on the profile's page): the same service as the matches API
(``matching.services.suggestions.rank_page``), filtered on the server in rank order and paged."""

from __future__ import annotations

from django.utils.http import urlencode

from core.exceptions import DomainError
from matching.services.suggestions import MatchFilter, rank_page
from portal.matching_forms import MatchFilterForm

FILTER_KEYS = ("q", "kind", "municipality", "state")


def _page_number(request) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1


def filtered_matches(
    request, *, participant=None, profile=None, municipalities=(), page_size: int = 10
) -> dict:
    """The filter form and, when the person searched, filtered or asked for excluded ones, one page
    of the filtered ranked list. ``matches`` is None when nothing was asked for: the page then
    shows its usual short list of the best included matches."""
    legacy_excluded = request.GET.get("excluded") == "1"
    active = legacy_excluded or any(request.GET.get(k) for k in FILTER_KEYS)
    form = MatchFilterForm(
        request.GET if active else None,
        municipalities=municipalities,
        with_kind=participant is not None,
    )
    result = {"filter_form": form, "matches": None, "pager": None, "not_matched": None}
    if not active:
        return result
    if not form.is_valid():
        result["matches"] = []
        return result
    data = form.cleaned_data
    state = data["state"] or ("all" if legacy_excluded else "included")
    number = _page_number(request)
    try:
        total, matches = rank_page(
            participant=participant,
            profile=profile,
            page=number,
            page_size=page_size,
            kind=data.get("kind") or None,
            filters=MatchFilter(
                text=data["q"], municipality=data["municipality"] or None, state=state
            ),
        )
    except DomainError as exc:
        result.update(matches=[], not_matched=exc.message)
        return result
    kept = [(k, request.GET[k]) for k in (*FILTER_KEYS, "excluded") if request.GET.get(k)]
    result["matches"] = matches
    result["pager"] = {
        "number": number,
        "previous": number - 1 if number > 1 else None,
        "next": number + 1 if number * page_size < total else None,
        "total": total,
        "query": urlencode(kept),
    }
    result["include_excluded"] = state != "included"
    return result
