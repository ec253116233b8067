"""The two ways screening input can be wrong: a bad intake, or a bad policy."""


class IntakeError(ValueError):
    """The intake cannot be screened; the message is one line naming the problem."""


class PolicyError(ValueError):
    """A policy (or one of its rules) is not valid; the message names the problem."""
