"""The Partners Database: registration, profiles, approval and search."""
