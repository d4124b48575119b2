"""What the employers app announces to the apps above it (matching, placements), which must not be
imported from here. Receivers are for side effects only; senders send inside their transaction."""

from django.dispatch import Signal

# A task profile was created or changed (fields, skills, requirements, status). ``profile_id``.
# Matching refreshes its stored suggestions for the profile (matching/receivers.py).
task_profile_changed = Signal()

# A site's position changed (edited, or placed by the gazetteer or the geocoder). ``site_id``.
# Matching computes its public-transport travel times again (matching/receivers.py).
site_moved = Signal()
