"""Open311 GeoReport v2 views, one module per resource: discovery, services, requests, tokens."""
