"""Role groups get their model permissions after every migrate, once all permissions exist; and
the signal for writes that send no model signal."""

from django.db.models.signals import post_migrate
from django.dispatch import Signal, receiver

# A write that sent no model signal (``QuerySet.update``, ``bulk_create``, ``bulk_update``, an
# import) to rows other apps keep derived state of: ``sender`` is the model, ``pks`` the rows' keys
# or None for "any of them". Sent inside the write's transaction. Matching's engines patch those
# rows after the commit (matching/engine_version.py); without it they would stay stale until the
# periodic full confirmation.
rows_written = Signal()


def announce_rows(model, pks=None) -> None:
    rows_written.send(sender=model, pks=None if pks is None else list(pks))


@receiver(post_migrate)
def give_role_groups_their_permissions(sender, **kwargs) -> None:
    if sender.name != "core":
        return
    from core.roles import sync_role_groups

    sync_role_groups()
