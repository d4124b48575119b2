"""The hiring signal: importing historical job ads for a region's register."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.choices import Role
from core.exceptions import NotAllowed
from core.models import Region, User
from core.roles import role_of
from employers.importing.historical_ads import HistoricalAdsReport, import_historical_ads


def historical_ads_import(
    *,
    by: User | None,
    content: bytes,
    dry_run: bool,
    region: Region | None = None,
    max_bytes: int | None = None,
) -> HistoricalAdsReport:
    """Import (or, with ``dry_run``, only check) a file of historical ads into a region. The
    ads are the region's, like its register: a coordinator imports into their own unit's region,
    an administrator into any (``region``, else their own unit's). ``by=None`` is the operator's
    management command, which names the region itself."""
    role = role_of(by) if by is not None else Role.ADMIN
    if role not in (Role.COORDINATOR, Role.ADMIN):
        raise NotAllowed(_("Only coordinators and administrators may import job ads."))
    own_region = by.unit.region if by is not None and by.unit_id else None
    if role == Role.COORDINATOR or region is None:
        region = own_region
    if region is None:
        raise NotAllowed(_("Choose the region the ads are imported for."))
    return import_historical_ads(
        content=content, region=region, dry_run=dry_run, max_bytes=max_bytes
    )
