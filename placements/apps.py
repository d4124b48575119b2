from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "placements"

    def ready(self) -> None:
        from matching.retention import register_participant_eraser
        from placements.retention import participant_notes_erase

        register_participant_eraser(participant_notes_erase)
