"""Editable rules: log type from the component (and message), client and site from the host name.

Rules are plain JSON-able dicts so the settings table can keep them and a
person can edit them; look-ups are cached per component or host because an
import asks the same question a million times.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from typing import Any

from app.domain.vocab import LOG_TYPES

DEFAULT_TYPE_RULES: list[dict[str, str]] = [
    {"component": "sshd*", "log_type": "security"},
    {"component": "sudo", "log_type": "security"},
    {"component": "su", "log_type": "security"},
    {"component": "pam*", "log_type": "security"},
    {"component": "*(pam_unix)", "log_type": "security"},
    {"component": "login", "log_type": "security"},
    {"component": "systemd-logind", "log_type": "security"},
    {"component": "polkitd", "log_type": "security"},
    {"component": "auditd", "log_type": "audit"},
    {"component": "audit*", "log_type": "audit"},
    {"component": "dhclient*", "log_type": "network"},
    {"component": "dhcpd", "log_type": "network"},
    {"component": "NetworkManager*", "log_type": "network"},
    {"component": "named", "log_type": "network"},
    {"component": "ntpd", "log_type": "network"},
    {"component": "chronyd", "log_type": "network"},
    {"component": "avahi*", "log_type": "network"},
    {"component": "wpa_supplicant", "log_type": "network"},
    {"component": "openvpn*", "log_type": "network"},
    {"component": "ifup", "log_type": "network"},
    {"component": "ifdown", "log_type": "network"},
    {"component": "xinetd", "log_type": "network"},
    {"component": "kernel", "message": r"\b(link (is )?(up|down)|eth\d|ens\d+|NIC|carrier)\b", "log_type": "network"},
]


def check_type_rule(rule: dict[str, Any]) -> dict[str, str]:
    """A rule as the user gave it, checked; raises ValueError with what is wrong."""
    if rule.get("log_type") not in LOG_TYPES:
        raise ValueError(f"log type must be one of {', '.join(LOG_TYPES)}")
    if not rule.get("component"):
        raise ValueError("a log-type rule needs a component pattern (a glob such as sshd*)")
    if rule.get("message"):
        re.compile(str(rule["message"]))
    return {k: str(v) for k, v in rule.items() if k in ("component", "message", "log_type") and v}


def check_host_rule(rule: dict[str, Any]) -> dict[str, str]:
    if not rule.get("host"):
        raise ValueError("a host rule needs a host pattern (a glob such as agent-ws1*)")
    if not (rule.get("client") or rule.get("site")):
        raise ValueError("a host rule needs a client, a site or both")
    return {k: str(v) for k, v in rule.items() if k in ("host", "client", "site") and v}


@dataclass
class TypeRules:
    """First matching rule wins; None means "use the format's default"."""

    rules: list[dict[str, str]] = field(default_factory=lambda: list(DEFAULT_TYPE_RULES))

    def __post_init__(self) -> None:
        self._compiled = [(re.compile(fnmatch.translate(r["component"]), re.IGNORECASE),
                           re.compile(r["message"]) if r.get("message") else None, r["log_type"])
                          for r in self.rules]
        self._cache: dict[str | None, tuple[str | None, list[tuple[re.Pattern[str], str]]]] = {}

    def resolve(self, component: str | None, message: str) -> str | None:
        entry = self._cache.get(component)
        if entry is None:
            entry = self._entry(component)
            self._cache[component] = entry
        plain, by_message = entry
        for rx, log_type in by_message:
            if rx.search(message):
                return log_type
        return plain

    def _entry(self, component: str | None) -> tuple[str | None, list[tuple[re.Pattern[str], str]]]:
        by_message: list[tuple[re.Pattern[str], str]] = []
        if component is None:
            return None, by_message
        for comp_rx, msg_rx, log_type in self._compiled:
            if not comp_rx.match(component):
                continue
            if msg_rx is None:
                return log_type, by_message
            by_message.append((msg_rx, log_type))
        return None, by_message


@dataclass
class HostRules:
    """``agent-ws1*`` -> (Acme, Site B); first match wins."""

    rules: list[dict[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._compiled = [(re.compile(fnmatch.translate(r["host"]), re.IGNORECASE), r.get("client"), r.get("site"))
                          for r in self.rules]
        self._cache: dict[str | None, tuple[str | None, str | None]] = {}

    def resolve(self, host: str | None) -> tuple[str | None, str | None]:
        hit = self._cache.get(host)
        if hit is None:
            hit = (None, None)
            if host:
                for rx, client, site in self._compiled:
                    if rx.match(host):
                        hit = (client, site)
                        break
            self._cache[host] = hit
        return hit
