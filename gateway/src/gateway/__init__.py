"""The API gateway: routing to the services, token checks, rate limits, the web faces. No business logic."""
