"""Security plumbing shared by every app (issue 13): audit masking, sessions, tokens, headers."""
