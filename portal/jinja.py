"""The Jinja2 environment for the pages' hot loops (issue 22).

Django's template language costs about 0.6 ms per match card on the participant page; the same
markup through Jinja2's compiled templates costs a fraction of it. The few partials that repeat per
row live in ``portal/jinja2/`` and are included from the Django templates with
``{% jinja "name" %}`` (``portal.templatetags.brygga``), with that template's context. They use the
same helpers as the Django templates: Django's gettext (the same msgids, so the same catalogue),
``url()`` for ``reverse``, and Django's own ``date`` and ``floatformat`` filters (Swedish dates and
decimal commas) and the ``label``/``labels`` filters."""

from __future__ import annotations

from django.conf import settings
from django.template import defaultfilters
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext, ngettext
from jinja2 import ChainableUndefined, Environment


def date(value, arg=None) -> str:
    """Django's ``date`` filter, in the current time zone as Django's templates show it (they
    convert an aware datetime before the filter sees it)."""
    return defaultfilters.date(template_localtime(value), arg)


def url(name: str, *args, **kwargs) -> str:
    """``reverse``, for rows: a route given only whole numbers (a row's id) is reversed once per
    route, language, script prefix and URL configuration, with markers where the numbers go, and
    each later call puts its numbers in their places (``reverse`` costs ~30 µs, so a list of 200
    rows with four links each spent 24 ms in it). A route whose path does not show each number
    once, as given and in order, is reversed every time."""
    if kwargs or not args or not all(type(a) is int and a >= 0 for a in args):
        return reverse(name, args=args or None, kwargs=kwargs or None)
    key = (name, len(args), get_script_prefix(), get_urlconf(), get_language())
    pieces = _ROUTES.get(key)
    if pieces is None:
        pieces = _ROUTES[key] = _route_pieces(name, len(args))
    if not pieces:
        return reverse(name, args=args)
    parts = [pieces[0]]
    for arg, piece in zip(args, pieces[1:], strict=True):
        parts.append(str(arg))
        parts.append(piece)
    return "".join(parts)


_ROUTES: dict[tuple, tuple[str, ...]] = {}
_ROUTE_MARKER = 7_390_061_423  # no row's id


def _route_pieces(name: str, count: int) -> tuple[str, ...]:
    """The route's path cut where its numbers go, or ``()`` when it cannot be cut so."""
    markers = [str(_ROUTE_MARKER + i) for i in range(count)]
    try:
        path = reverse(name, args=[_ROUTE_MARKER + i for i in range(count)])
    except NoReverseMatch:
        return ()
    pieces, rest = [], path
    for marker in markers:
        before, found, rest = rest.partition(marker)
        if not found or any(m in before for m in markers):
            return ()
        pieces.append(before)
    if any(m in rest for m in markers):
        return ()
    return (*pieces, rest)


def environment(**options) -> Environment:
    from matching.participants.selectors import participant_state
    from portal.matching_forms import match_filter_html
    from portal.templatetags.brygga import label, labels, phone
    from portal.templatetags.placement_tags import participant_placements

    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    # A missing value renders as nothing, also down a chain (``employer.industry.label`` without an
    # industry), as in Django's templates (the backend's default in DEBUG prints the lookup).
    options["undefined"] = ChainableUndefined
    env = Environment(**options)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.globals["url"] = url
    env.globals["participant_state"] = participant_state
    env.globals["participant_placements"] = participant_placements
    env.globals["match_filter_html"] = match_filter_html
    env.globals["site_languages"] = settings.LANGUAGES
    env.filters.update(
        date=date,
        floatformat=defaultfilters.floatformat,
        linebreaksbr=defaultfilters.linebreaksbr,
        label=label,
        labels=labels,
        phone=phone,
    )
    return env
