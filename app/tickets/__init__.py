"""Tickets in Jira, ServiceNow and Zendesk: connections, pushes through an outbox, pulls (no Qt here)."""
