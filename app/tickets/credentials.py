"""Where a connection's secret comes from: the OS keyring, or an environment variable named on the connection.

The secret is read at the moment of a call and handed to the HTTP session only:
it never goes into the database, the settings, a log line or an audit row.
"""

from __future__ import annotations

import contextlib
import os

from app.tickets.base import Connection, TicketError

SERVICE = "issue-ledger"


class MissingSecret(TicketError):
    """No secret to sign in with: the keyring has none for the connection, or its variable is unset."""




def secret_for(conn: Connection) -> str:
    """The connection's secret, or ``MissingSecret`` saying where it was looked for."""
    if conn.secret_env:
        value = os.environ.get(conn.secret_env)
        if not value:
            raise MissingSecret(f"{conn.name}: the environment variable {conn.secret_env} is not set")
        return value
    import keyring
    from keyring.errors import KeyringError

    try:
        value = keyring.get_password(SERVICE, conn.name)
    except KeyringError as exc:
        raise MissingSecret(f"{conn.name}: the keyring cannot be read ({type(exc).__name__}); "
                            "use --secret-env VAR instead") from None
    if not value:
        raise MissingSecret(f"{conn.name}: no secret in the keyring (service {SERVICE!r}); add the connection again "
                            "or use --secret-env VAR")
    return value


def store(name: str, secret: str) -> None:
    """Keep ``secret`` in the keyring under the connection's name; a keyring that cannot store it is named."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, name, secret)
    except KeyringError as exc:
        raise MissingSecret(f"{name}: the keyring cannot store the secret ({type(exc).__name__}); "
                            "use --secret-env VAR instead") from None


def forget(name: str) -> None:
    """Remove the connection's secret from the keyring (nothing to remove is fine)."""
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    with contextlib.suppress(PasswordDeleteError, KeyringError):
        keyring.delete_password(SERVICE, name)
