"""What the demo BPO looks like: clients, sites, hosts and the messages their machines write."""

from __future__ import annotations

# client -> site -> host prefixes on that floor
CLIENTS: dict[str, dict[str, list[str]]] = {
    "Acme Telecom": {
        "Manila Site A": ["agent-ws-mna", "sbc-mna", "crm-mna"],
        "Manila Site B": ["agent-ws-mnb", "sbc-mnb", "fw-mnb"],
    },
    "Globex Retail": {
        "Cebu Floor 3": ["agent-ws-ceb", "dialer-ceb", "fw-ceb"],
    },
    "Initech Bank": {
        "Pune Site 1": ["agent-ws-pun", "crm-pun", "dc-pun"],
        "Pune Site 2": ["agent-ws-pn2", "vpn-pn2"],
    },
}

# (log_type, component, severity, weight, message template); {n} {ip} {user} {ms} {id} {port} are filled in.
TEMPLATES: list[tuple[str, str, int, int, str]] = [
    ("application", "crm", 1, 60, "Case {id} saved by {user} in {ms} ms"),
    ("application", "crm", 3, 10, "Slow query on customer lookup: {ms} ms for case {id}"),
    ("application", "crm", 4, 4, "NullPointerException in CaseController.save for case {id}"),
    ("application", "softphone", 1, 40, "Agent {user} registered softphone extension {n}"),
    ("application", "softphone", 3, 8, "Call {id} jitter {n} ms above threshold"),
    ("application", "softphone", 4, 3, "Call {id} dropped: RTP timeout after {n} s"),
    ("application", "dialer", 0, 20, "Dialer pacing ratio recalculated to 1.{n}"),
    ("application", "dialer", 2, 6, "Campaign {id} paused by supervisor {user}"),
    ("system", "kernel", 1, 25, "CPU temperature normal at {n} C"),
    ("system", "systemd", 2, 15, "Started Session {n} of user {user}."),
    ("system", "disk", 3, 6, "Filesystem /var at {n}% capacity"),
    ("system", "disk", 4, 2, "I/O error on device sda, logical block {id}"),
    ("system", "kernel", 5, 1, "Out of memory: Killed process {n} (java)"),
    ("network", "ifmgr", 1, 15, "Interface eth0 link up, 1000 Mbps full duplex"),
    ("network", "ifmgr", 3, 6, "Interface eth0 link flapped {n} times in 5 minutes"),
    ("network", "sip", 4, 4, "SIP trunk to {ip} unreachable: 503 Service Unavailable"),
    ("network", "dhcpd", 0, 20, "DHCPACK on {ip} to 00:1a:2b:{n}:4d:5e"),
    ("network", "vpn", 4, 3, "IPsec tunnel to {ip} down: DPD timeout"),
    ("network", "fw", 2, 10, "Blocked outbound connection to {ip}:{port}"),
    ("security", "sshd", 1, 12, "Accepted publickey for {user} from {ip} port {port} ssh2"),
    ("security", "sshd", 3, 10, "Failed password for invalid user admin from {ip} port {port} ssh2"),
    ("security", "sudo", 2, 6,
     "{user} : TTY=pts/0 ; PWD=/home/{user} ; USER=root ; COMMAND=/usr/bin/systemctl restart crm"),
    ("security", "pam", 4, 2, "pam_unix(sshd:auth): authentication failure; rhost={ip} user=root"),
    ("security", "av", 5, 1, "Malware quarantined on workstation: Trojan.GenericKD.{id}"),
    ("error", "crm", 4, 6, "Unhandled exception in worker {n}: TimeoutError talking to {ip}"),
    ("error", "payments", 5, 1, "Payment gateway returned HTTP 500 for batch {id}"),
    ("error", "reporting", 4, 3, "Report job {id} failed: disk quota exceeded"),
    ("audit", "ad", 2, 10, "User {user} added to group Team-Leads by admin"),
    ("audit", "crm", 1, 15, "Customer record {id} exported by {user}"),
    ("audit", "ad", 3, 3, "Password policy override for {user}"),
    ("event", "eventlog", 1, 20, "Service Windows Update entered the running state"),
    ("event", "eventlog", 3, 5, "The Desktop Window Manager exited with code {n}"),
    ("event", "eventlog", 4, 2, "Application Error: faulting application softphone.exe, code 0xc0000005"),
]

# Outage patterns: (log_type, component, severity, message) repeated densely for an hour or so.
OUTAGES: list[tuple[str, str, str, list[tuple[str, str, int, str]]]] = [
    ("Acme Telecom", "Manila Site B", "SIP trunk outage at Manila Site B", [
        ("network", "sip", 5, "SIP trunk to {ip} unreachable: 503 Service Unavailable"),
        ("application", "softphone", 4, "Call {id} dropped: RTP timeout after {n} s"),
    ]),
    ("Initech Bank", "Pune Site 1", "CRM database unavailable at Pune Site 1", [
        ("error", "crm", 5, "Unhandled exception in worker {n}: TimeoutError talking to {ip}"),
        ("application", "crm", 4, "Connection pool exhausted: {n} waiting"),
    ]),
    ("Globex Retail", "Cebu Floor 3", "Firewall failover loop at Cebu Floor 3", [
        ("network", "fw", 4, "HA failover triggered: peer {ip} heartbeat lost"),
        ("network", "ifmgr", 3, "Interface eth1 link flapped {n} times in 5 minutes"),
    ]),
]

USERS = ["jdelacruz", "msantos", "rpatel", "akumar", "lreyes", "tnguyen", "sgarcia", "bwilson", "kokafor", "ymori"]
TEAMS = ["Service Desk L1", "Network Ops", "Desktop Support", "Apps Support", "Security Ops"]
CATEGORIES = {
    "application": ("Software", "CRM"), "system": ("Hardware", "Workstation"),
    "network": ("Network", "Telephony"), "security": ("Security", "Access"),
    "error": ("Software", "Integration"), "audit": ("Compliance", "Access review"),
    "event": ("Software", "Windows"),
}
RESOLUTION_CODES = ["Solved (Permanently)", "Solved (Work Around)", "Not Reproducible", "Closed by Caller"]
