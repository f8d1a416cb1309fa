"""What members read: queries on the read models, no domain objects (reads skip the domain)."""
