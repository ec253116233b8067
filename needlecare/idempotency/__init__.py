"""Safe retries: an `Idempotency-Key` on an API POST answers the first result again."""
