"""The register extract (registerutdrag, GDPR art. 15): ``sections`` gathers everything held on one
participant, ``document`` is the readable document and its JSON and XLSX forms."""
