from needlecare.common.testing.charting import NEEDLE, ONE_DAY, Visit, sign, visit  # noqa: F401
