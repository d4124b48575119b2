"""A consent to another unit names that unit (issue 20): it used to cover every unit of the
region. Existing consents to another unit are linked to the unit of the region whose name they
give; one that names no unit of the region (e.g. "Annan enhet") is left without a unit and so
covers nobody until the guide records a consent naming the unit."""

import django.db.models.deletion
from django.db import migrations, models


def link_named_units(apps, schema_editor):
    Consent = apps.get_model("matching", "Consent")
    Unit = apps.get_model("core", "Unit")
    for consent in Consent.objects.filter(recipient_kind="other_unit").select_related(
        "participant__unit"
    ):
        own = consent.participant.unit
        unit = (
            Unit.objects.filter(name__iexact=consent.agency.strip(), region_id=own.region_id)
            .exclude(pk=own.pk)
            .first()
        )
        if unit is not None:
            consent.recipient_unit = unit
            consent.agency = unit.name
            consent.save(update_fields=["recipient_unit", "agency"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_retention_run"),
        ("matching", "0009_merge_20261126_0039"),
    ]

    operations = [
        migrations.AddField(
            model_name="consent",
            name="recipient_unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.unit",
                verbose_name="receiving unit",
            ),
        ),
        migrations.RunPython(link_named_units, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="consent",
            constraint=models.CheckConstraint(
                condition=models.Q(("recipient_unit__isnull", True))
                | models.Q(("employer__isnull", True), ("recipient_kind", "other_unit")),
                name="consent_unit_is_other_unit",
                violation_error_message="Only a consent to another unit names a unit.",
            ),
        ),
    ]
