"""needlecare: the dry needling service of a physical-therapy practice."""
