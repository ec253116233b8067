"""FHIR R4 (4.0.1): plain values in, JSON-ready resource dictionaries out."""
