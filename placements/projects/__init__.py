"""Projects (an ESF project or cohort a unit runs), enrolments in them and starts in work or studies.

- ``models`` — ``Project``, ``ProjectEnrolment``, ``ParticipantStart`` (imported by ``placements.models``)
- ``services`` — create a project, enrol a participant, record a start; the shared selectors
- ``api`` — the endpoints
"""
