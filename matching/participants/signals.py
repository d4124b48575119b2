"""What the participants package announces to the rest of matching.

A participant's profile changed (skills, hours, home, needs …): ``matching/receivers.py`` listens and
schedules the refresh of their suggestions. The package itself knows nothing of the engine, so it
sits below it and imports nothing from it.
"""

from django.dispatch import Signal

# Sent inside the write's transaction with ``participant_id``; receivers that start background work
# must record it in the same transaction (the outbox does).
participant_changed = Signal()
