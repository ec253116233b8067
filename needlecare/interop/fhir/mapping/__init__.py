"""The FHIR mappers, one module per family of resources; all pure."""
