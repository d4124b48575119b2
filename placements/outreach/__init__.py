"""Whom to approach next (issue 25): the employer coordinator's weekly list of employers to
contact, with reasons in words, and what it learns from which suggestions led to a profile.

It lives in ``placements`` because it reads participants (matching) and placements; the hiring
signal it reads (historical job ads) and the register and contact log it writes to are the
employers app's.

- ``scoring`` — the pure math (numpy, no Django): the five components, the score, learning the
  weights from outcomes (scikit-learn), kept explainable.
- ``models`` — ``OutreachSuggestion``: each suggestion shown or acted on, with its components,
  reasons, when it was contacted and whether a profile followed.
- ``selectors`` — the week's list for a unit: gathers the inputs, scores, words the reasons.
- ``services`` — record what was shown, log a call, add an employer from the ads to the register,
  settle outcomes.
- ``api`` — the API for coordinators (managers read).
"""
