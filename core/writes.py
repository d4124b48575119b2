"""The signal for writes that send no model signal.

``QuerySet.update``, ``bulk_create``, ``bulk_update`` and imports save no model and so send no
``post_save``; other apps that keep derived state of those rows (matching's engines,
matching/engine_version.py) learn of them from ``announce_rows``. Its own module, imported by the
services that write: ``core.signals`` must be imported only from ``CoreConfig.ready`` (its
``post_migrate`` receiver has to run after Django's own ones that create the permissions)."""

from django.dispatch import Signal

# ``sender`` is the model, ``pks`` the rows' keys or None for "any of them". Sent inside the write's
# transaction; receivers act after the commit.
rows_written = Signal()


def announce_rows(model, pks=None) -> None:
    rows_written.send(sender=model, pks=None if pks is None else list(pks))
