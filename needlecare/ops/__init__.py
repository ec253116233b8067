"""Operations on a whole installation: backup and restore (see backup.py, restore.py).

Not a Django app (no models): the `needlecare backup` and `needlecare restore` commands in
web/management/commands are thin wrappers over these modules.
"""
