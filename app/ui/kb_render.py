"""Text the window shows for the knowledge base: an article as Markdown, suggestions as HTML.

Links use the schemes the panes handle: ``pattern:12`` (the pattern's events),
``incident:INC-000123`` (the incident dialog) and ``article:7`` (the Knowledge page).
No Qt here beyond what the callers pass in: these are plain strings.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from app.domain import timeutil

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def md_escape(text: str) -> str:
    """Text shown as typed inside Markdown (a template's ``<*>``, an underscore in a host name)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def article_markdown(article: dict[str, Any], zone: dt.tzinfo) -> str:
    """The reader pane's text: title, a line of facts, the body as written, then the linked patterns and incidents."""
    facts = [f"by {md_escape(article.get('author') or 'unknown')}"]
    if article.get("updated_at"):
        facts.append(f"updated {timeutil.display(article['updated_at'], zone)}")
    if article.get("tags"):
        facts.append(f"tags: {md_escape(article['tags'])}")
    source = article.get("source_incident")
    if source:
        facts.append(f"drafted from [{source}](incident:{source})")
    parts = [f"# {md_escape(article['title'])}", "*" + " · ".join(facts) + "*", (article.get("body") or "").strip()]
    patterns = article.get("patterns") or []
    if patterns:
        parts.append("---\n\n**Linked patterns** (click to list their events)")
        parts.append("\n".join(
            f"- [Pattern #{p['id']}](pattern:{p['id']}): {md_escape(p.get('template') or '(no events yet)')}"
            for p in patterns))
    incidents = article.get("incidents") or []
    if incidents:
        parts.append("**Linked incidents**")
        parts.append("\n".join(f"- [{i['number']}](incident:{i['number']}) {md_escape(i['title'])} ({i['status']})"
                               for i in incidents))
    return "\n\n".join(p for p in parts if p) + "\n"


def fixes_html(found: dict[str, list[dict[str, Any]]], heading: str = "h4") -> str:
    """"Known fixes": the articles (with how often they fixed it) and past incidents; "" when there are none."""
    articles, incidents = found.get("articles") or [], found.get("incidents") or []
    if not articles and not incidents:
        return ""
    esc = html.escape
    items = [f'<li>Article <a href="article:{a["id"]}">{esc(a["title"])}</a> — {_fixed(a["score"])}</li>'
             for a in articles]
    for i in incidents:
        code = f" · <b>{esc(i['resolution_code'])}</b>" if i.get("resolution_code") else ""
        notes = f" — {esc(_short(i['notes']))}" if i.get("notes") else ""
        items.append(f'<li>Resolved <a href="incident:{esc(i["number"])}">{esc(i["number"])}</a> '
                     f"{esc(i['title'])}{code}{notes}</li>")
    return f"<{heading}>Known fixes</{heading}><ul>{''.join(items)}</ul>"


def _fixed(score: int) -> str:
    return f"fixed {score} past incident{'' if score == 1 else 's'}" if score else "written for this problem"


def _short(text: str, limit: int = 240) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"
