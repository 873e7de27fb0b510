"""The web layer: routes, content negotiation, ActivityPub endpoints and HTML pages."""
