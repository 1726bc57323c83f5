"""logwarden stream package."""
