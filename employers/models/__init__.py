"""Employers and what a coordinator keeps about them: sites, contact persons, the contact log, and
task/requirement profiles (kravprofiler) with their slots. One module per thing; every model is
imported here, so ``from employers.models import TaskProfile`` (and Django) find them all."""

from employers.models.contact_log import Interaction, InteractionQuerySet
from employers.models.contacts import ContactPerson
from employers.models.duplicates import NotDuplicate
from employers.models.employers import (
    Employer,
    EmployerMembership,
    EmployerQuerySet,
    EmployerScopedQuerySet,
)
from employers.models.hiring import HistoricalAd
from employers.models.imports import ImportJob
from employers.models.profiles import (
    TaskProfile,
    TaskProfileKgaRequirement,
    TaskProfileOcnRequirement,
    TaskProfileQuerySet,
    TaskProfileSkill,
)
from employers.models.sites import Site

__all__ = [
    "ContactPerson",
    "Employer",
    "EmployerMembership",
    "EmployerQuerySet",
    "EmployerScopedQuerySet",
    "HistoricalAd",
    "ImportJob",
    "Interaction",
    "InteractionQuerySet",
    "NotDuplicate",
    "Site",
    "TaskProfile",
    "TaskProfileKgaRequirement",
    "TaskProfileOcnRequirement",
    "TaskProfileQuerySet",
    "TaskProfileSkill",
]
