"""The purpose of the signed link in the next-day check-in message."""

CHECK_IN = "check_in"
