"""Sites: create and update, placed by the offline gazetteer, and the optional online geocoder."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core import outbox
from core.choices import CoordinatePrecision, GeocodeStatus
from core.geography import gazetteer_lookup
from core.models import User
from core.writes import announce_rows
from employers.models import Employer, Site
from employers.services._shared import ensure_in_region, ensure_own_unit, set_fields
from employers.signals import site_moved

SITE_FIELDS = ("name", "address", "postal_code", "locality", "municipality", "accessibility_notes")


def _place_site(site: Site, *, manual: bool) -> None:
    if manual:
        site.coordinate_precision = CoordinatePrecision.MANUAL
        return
    place = gazetteer_lookup(
        locality=site.locality, municipality_code=site.municipality_id, postal_code=site.postal_code
    )
    if place is None:
        site.latitude = site.longitude = None
        site.coordinate_precision = CoordinatePrecision.NONE
    else:
        site.latitude, site.longitude = place.latitude, place.longitude
        site.coordinate_precision = place.precision


def _after_site_saved(site: Site) -> None:
    """Ask the online geocoder (if configured) for a better position, in the background."""
    from django.conf import settings

    if (
        settings.GEOCODER
        and site.address
        and site.coordinate_precision != CoordinatePrecision.MANUAL
    ):
        Site.objects.filter(pk=site.pk).update(
            geocode_status=GeocodeStatus.PENDING, geocode_error=""
        )
        # Named, not imported: the tasks module imports these services.
        outbox.enqueue("employers.tasks.geocode_site", args=[site.pk])


@transaction.atomic
def site_create(*, employer: Employer, by: User, offered_adaptations=None, **data) -> Site:
    ensure_in_region(by, employer)
    site = Site(employer=employer, unit_id=by.unit_id or employer.unit_id)
    set_fields(site, data, SITE_FIELDS)
    manual = data.get("latitude") is not None or data.get("longitude") is not None
    site.latitude, site.longitude = data.get("latitude"), data.get("longitude")
    _place_site(site, manual=manual)
    site.full_clean()
    site.save()
    if offered_adaptations is not None:
        site.offered_adaptations.set(offered_adaptations)
    _after_site_saved(site)
    return site


@transaction.atomic
def site_update(*, site: Site, by: User, offered_adaptations=None, **data) -> Site:
    ensure_own_unit(by, site.unit_id)
    before = (site.latitude, site.longitude)
    place_changed = any(
        f in data and data[f] != getattr(site, f if f != "municipality" else "municipality")
        for f in ("address", "postal_code", "locality", "municipality")
    )
    set_fields(site, data, SITE_FIELDS)
    if data.get("latitude") is not None or data.get("longitude") is not None:
        site.latitude, site.longitude = data.get("latitude"), data.get("longitude")
        _place_site(site, manual=True)
    elif place_changed and site.coordinate_precision != CoordinatePrecision.MANUAL:
        _place_site(site, manual=False)
    moved = (site.latitude, site.longitude) != before
    site.full_clean()
    site.save()
    if offered_adaptations is not None:
        site.offered_adaptations.set(offered_adaptations)
    if place_changed:
        _after_site_saved(site)
    if moved:
        site_moved.send(sender=Site, site_id=site.pk)
    return site


def site_geocode_online(*, site_id: int, geocoder=None) -> Site:
    """Look the site's address up with the configured geopy geocoder (cached, rate limited).
    A failure is recorded on the site and never raised: the site keeps its gazetteer position."""
    from employers.geocoding import geocode_address

    site = Site.objects.select_related("municipality").get(pk=site_id)
    query = ", ".join(
        p
        for p in (
            site.address,
            f"{site.postal_code} {site.locality}".strip(),
            site.municipality.name,
            "Sverige",
        )
        if p
    )
    try:
        result = geocode_address(query, geocoder=geocoder)
    except Exception as exc:  # noqa: BLE001 - any geocoder failure is reported, not raised
        Site.objects.filter(pk=site.pk).update(
            geocode_status=GeocodeStatus.FAILED, geocode_error=str(exc)[:300]
        )
        site.refresh_from_db()
        return site
    if result is None:
        Site.objects.filter(pk=site.pk).update(
            geocode_status=GeocodeStatus.FAILED, geocode_error=_("The address was not found.")
        )
    else:
        Site.objects.filter(pk=site.pk).update(
            latitude=result[0],
            longitude=result[1],
            coordinate_precision=CoordinatePrecision.ADDRESS,
            geocode_status=GeocodeStatus.DONE,
            geocode_error="",
        )
        announce_rows(Site, [site.pk])
        site_moved.send(sender=Site, site_id=site.pk)
    site.refresh_from_db()
    return site
