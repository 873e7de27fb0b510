"""Fediverse Hit: a self-hosted, federated creative network over ActivityPub."""

__version__ = "0.1.0"
