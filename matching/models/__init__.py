"""Participant side of Brygga and the matching results. Each submodule owns one area."""
