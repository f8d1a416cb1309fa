"""svckit: the process plumbing every service shares (no domain, no payloads)."""
