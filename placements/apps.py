from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "placements"

    def ready(self) -> None:
        from matching.participants.extract.sections import register_extract_section
        from matching.participants.retention import register_participant_eraser
        from placements.extract import placements_reads, placements_section
        from placements.retention import participant_notes_erase

        register_participant_eraser(participant_notes_erase)
        register_extract_section(50, placements_reads, placements_section)
