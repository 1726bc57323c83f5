"""logwarden classifiers package."""
