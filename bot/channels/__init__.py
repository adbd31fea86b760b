"""Channels: the outside worlds (Telegram, the terminal) translated to and from the service."""
