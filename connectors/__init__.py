"""logwarden connectors package."""
