"""Role groups get their model permissions after every migrate, once all permissions exist."""

from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def give_role_groups_their_permissions(sender, **kwargs) -> None:
    if sender.name != "core":
        return
    from core.roles import sync_role_groups

    sync_role_groups()
