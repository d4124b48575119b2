"""Import of coordinators' spreadsheets (CSV or XLSX) and of job ads (JobTech JSON) into the
employer register, through the same services as the API. Import from the module that holds what
you need; this package re-exports nothing.

- ``reading`` — the file format: columns, Swedish and English header aliases, reading rows (bounded).
- ``ads`` — JobTech JobSearch ads turned into the same rows.
- ``employers`` — ``import_employers``: each row's cells checked and written as an employer, site,
  contact and task profile, with dry run and valid-rows-only.
- ``report`` — the report of an import, personnummer masked.
"""
