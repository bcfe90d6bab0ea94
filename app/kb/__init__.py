"""The knowledge base: articles saying how a recurring problem was recognised and fixed, without Qt.

``articles`` writes and reads them (every change audited), ``draft`` writes one from a
resolved incident, ``suggest`` finds the articles and past fixes for an event. The SQL is
in ``app.store.kb``; the CLI and the window's Knowledge page call these services.
"""


class KbError(ValueError):
    """Input the knowledge base cannot take (an unknown id, an incident not yet resolved); one line for the user."""
