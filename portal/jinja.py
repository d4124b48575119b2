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
from django.urls import reverse
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext
from jinja2 import ChainableUndefined, Environment


def date(value, arg=None) -> str:
    """Django's ``date`` filter, in the current time zone as Django's templates show it (they
    convert an aware datetime before the filter sees it)."""
    return defaultfilters.date(template_localtime(value), arg)


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options) -> Environment:
    from portal.templatetags.brygga import label, labels, phone

    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    # A missing value renders as nothing, also down a chain (``employer.industry.label`` without an
    # industry), as in Django's templates (the backend's default in DEBUG prints the lookup).
    options["undefined"] = ChainableUndefined
    env = Environment(**options)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.globals["url"] = url
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
