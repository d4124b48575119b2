"""Reporting: what a unit reports about its participants, computed from the records and never stored.

- ``statistics/`` — results and ESF figures, defined once (``cells``, ``scope``, ``figures``, ``scb``)
- ``exports`` — the statistics-shaped reports as CSV and XLSX, with the sharing suppression
- ``progression`` — progression statistics from the participants' self-rated measurements
- ``fidelity`` — fidelity to Supported Employment (IPS) per guide, unit and quarter
- ``sus`` — the monthly SUS list for units funded through a samordningsförbund
- ``api/`` — the endpoints: ``statistics`` (statistics, ESF, SCB, exit follow-ups, history import)
  and ``method`` (fidelity, SUS, progression)
"""
