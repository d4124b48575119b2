"""Writes of the employers app, one module per thing. Every rule about employers, sites, contacts,
the contact log and task profiles lives here; the API, the pages, the importer and the demo all call
these. Import from the module that holds what you need; this package re-exports nothing.

- ``identifiers`` — organisation and phone numbers in their stored form, employer names folded for
  comparison.
- ``employers`` — create and update employers (one register per region), employer-user memberships.
- ``duplicates`` — possible duplicates, pairs marked as not duplicates, merge with preview and history.
- ``sites`` — sites, placed by the offline gazetteer and optionally the online geocoder.
- ``contacts`` — contact persons.
- ``contact_log`` — the contact log (interactions) with next steps.
- ``profiles`` — task profiles (kravprofiler): create, update, status transitions, requirements.
- ``profile_requests`` — profiles employer users ask for, routed to their coordinator and handled.
- ``imports`` — background spreadsheet imports: start, run, rescue.
- ``_shared`` — what the modules share: who may write what (``ensure_*``) and ``set_fields``.
"""
