"""Celery application.

With no ``CELERY_BROKER_URL`` the broker is kombu's ``filesystem://`` transport under ``var/celery``,
so a worker started with ``-B`` runs queued and periodic tasks with no server at all. Tests run tasks
eagerly (``CELERY_TASK_ALWAYS_EAGER`` in the test settings).
"""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from core.filesystem_broker import install as atomic_filesystem_broker  # noqa: E402

atomic_filesystem_broker()  # "filesystem://" publishes each message whole (core/filesystem_broker.py)

app = Celery("brygga")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

from core.outbox_signals import connect_celery as connect_outbox  # noqa: E402
from core.request_id import connect_celery  # noqa: E402

connect_celery()
connect_outbox()


@signals.worker_init.connect
def _import_engine_libraries(**kwargs) -> None:
    """In the worker's main process, before its pool forks: the children share scikit-learn
    instead of each importing it at its first engine build."""
    from matching.engine import import_libraries

    import_libraries()
