"""The web app: the bots' webhooks, health, and (next) the staff console."""
