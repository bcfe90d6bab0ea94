"""What the common Windows event IDs mean, for the first line of an event's message.

An event ID means something only together with its provider (ID 1 is a clock
change from Kernel-General and something else elsewhere), so names are looked up
by provider. Some names take values from the event's data (``{param1}``); when a
value is missing the plain name is used.
"""

from __future__ import annotations

from collections.abc import Mapping

SECURITY = {
    "1102": "The audit log was cleared",
    "4608": "Windows is starting up",
    "4616": "The system time was changed",
    "4624": "An account was successfully logged on",
    "4625": "An account failed to log on",
    "4634": "An account was logged off",
    "4647": "A user initiated logoff",
    "4648": "A logon was attempted using explicit credentials",
    "4672": "Special privileges were assigned to a new logon",
    "4688": "A new process has been created",
    "4697": "A service was installed in the system",
    "4719": "The system audit policy was changed",
    "4720": "A user account was created",
    "4722": "A user account was enabled",
    "4723": "An attempt was made to change an account's password",
    "4724": "An attempt was made to reset an account's password",
    "4725": "A user account was disabled",
    "4726": "A user account was deleted",
    "4728": "A member was added to a security-enabled global group",
    "4729": "A member was removed from a security-enabled global group",
    "4732": "A member was added to a security-enabled local group",
    "4733": "A member was removed from a security-enabled local group",
    "4738": "A user account was changed",
    "4740": "A user account was locked out",
    "4756": "A member was added to a security-enabled universal group",
    "4767": "A user account was unlocked",
    "4768": "A Kerberos authentication ticket (TGT) was requested",
    "4769": "A Kerberos service ticket was requested",
    "4771": "Kerberos pre-authentication failed",
    "4776": "The computer attempted to validate the credentials for an account",
    "4778": "A session was reconnected to a Window Station",
    "4779": "A session was disconnected from a Window Station",
    "4800": "The workstation was locked",
    "4801": "The workstation was unlocked",
}
EVENT_LOG = {
    "6005": "The Event Log service was started",
    "6006": "The Event Log service was stopped",
    "6008": "The previous system shutdown was unexpected",
    "6009": "Operating system version at boot",
    "6013": "System uptime",
}
SERVICE_CONTROL_MANAGER = {
    "7000": "A service failed to start",
    "7001": "A service depends on a service that failed to start",
    "7009": "A timeout was reached while waiting for a service to connect",
    "7011": "A timeout was reached while waiting for a service to respond",
    "7023": "A service terminated with an error",
    "7024": "A service terminated with a service-specific error",
    "7031": "A service terminated unexpectedly; a recovery action was taken",
    "7034": "A service terminated unexpectedly",
    "7036": "The {param1} service entered the {param2} state|A service changed state",
    "7040": "The start type of the {param1} service was changed from {param2} to {param3}"
            "|The start type of a service was changed",
    "7045": "A service was installed: {ServiceName}|A service was installed",
}
BY_PROVIDER: dict[str, dict[str, str]] = {
    "microsoft-windows-security-auditing": SECURITY,
    "microsoft-windows-eventlog": {"104": "An event log was cleared", "1102": SECURITY["1102"],
                                   "105": "An event log was backed up automatically"},
    "eventlog": EVENT_LOG,
    "service control manager": SERVICE_CONTROL_MANAGER,
    "microsoft-windows-kernel-power": {
        "41": "The system rebooted without cleanly shutting down first",
        "42": "The system is entering sleep",
        "109": "The kernel power manager started a shutdown",
    },
    "microsoft-windows-kernel-general": {
        "1": "The system time was changed",
        "12": "The operating system started",
        "13": "The operating system is shutting down",
    },
    "user32": {"1074": "A process initiated a restart or shutdown",
               "1076": "The reason for an unexpected shutdown was given"},
    "microsoft-windows-winlogon": {"7001": "A user logged on (Customer Experience notification)",
                                   "7002": "A user logged off (Customer Experience notification)"},
    "microsoft-windows-wer-systemerrorreporting": {"1001": "The computer rebooted from a bugcheck"},
}


def event_name(provider: str | None, event_id: str | None, data: Mapping[str, str] | None = None) -> str | None:
    """``"An account failed to log on (4625)"`` for a known provider and ID, else None."""
    names = BY_PROVIDER.get((provider or "").strip().lower())
    entry = names.get((event_id or "").strip()) if names else None
    if entry is None:
        return None
    template, _, plain = entry.partition("|")
    try:
        text = template.format_map(dict(data or {}))  # a missing value raises KeyError
    except (KeyError, ValueError, IndexError):
        text = plain or template
    return f"{text} ({event_id})"
