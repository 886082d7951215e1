"""The base of the tracker's own errors: a refusal worth a message to the user, not a bug."""


class TrackerError(Exception):
    """Raised by the tracker's domain code for what a user can correct or retry."""
