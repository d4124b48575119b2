"""Writes of placements, by thing: ``placements`` (proposal, agreement and slots, start, end,
withdrawal), ``phases`` (practice evaluations and extensions, få, behålla), ``exits`` (the exit and
the six-month check), ``followups`` (follow-ups, the employer's confirmation, reminders);
``_shared`` holds their private helpers."""
