"""An article's Markdown: the ``## Symptoms`` / ``## Cause`` / ``## Resolution`` sections, read and written.

The body is the article as its author wrote it; the three sections are also kept as
fields, so suggestions and the Knowledge page can show the fix without parsing text.
"""

from __future__ import annotations

import re

SECTIONS = ("symptoms", "cause", "resolution")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")
_NAMES = {"symptoms": "symptoms", "symptom": "symptoms", "cause": "cause", "root cause": "cause",
          "causes": "cause", "resolution": "resolution", "fix": "resolution", "solution": "resolution",
          "workaround": "resolution"}


def sections(body: str) -> dict[str, str]:
    """The text under each known heading (``## Symptoms`` etc., any level, case ignored); absent ones left out.

    A section runs to the next heading of the same or a higher level; text inside fenced code is not a heading.
    """
    out: dict[str, list[str]] = {}
    current: str | None = None
    level = 0
    fenced = False
    for line in body.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        heading = None if fenced else _HEADING.match(line)
        if heading:
            depth = len(line) - len(line.lstrip("#"))
            name = _NAMES.get(heading.group(1).strip().rstrip(":").lower())
            if name is not None:
                current, level = name, depth
                out.setdefault(name, [])
                continue
            if current is not None and depth <= level:
                current = None
        if current is not None:
            out[current].append(line)
    return {k: "\n".join(v).strip() for k, v in out.items()}


def compose(intro: str, symptoms: str, cause: str, resolution: str) -> str:
    """A body from its parts, with the headings ``sections`` reads back."""
    parts = [intro.strip()] if intro.strip() else []
    for heading, text in (("Symptoms", symptoms), ("Cause", cause), ("Resolution", resolution)):
        parts.append(f"## {heading}\n\n{text.strip() or '_Not recorded._'}")
    return "\n\n".join(parts) + "\n"
