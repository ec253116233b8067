"""The purposes of the signed links in scheduling's messages (each link opens one thing only)."""

VISIT_SCREENING = "visit_screening"  # the reminder's "nothing has changed" link
WAITLIST_ACCEPT = "waitlist_accept"  # a waitlist offer's accept link
