"""Application logs of the "time level [thread] logger - message" families.

log4j/logback, Python logging, Hadoop/HDFS/Zookeeper, Spark and Android
logcat ``threadtime`` share one idea: a time stamp, a level word, maybe a
thread in brackets, maybe a logger, then the message.
"""

from __future__ import annotations

import re

from app.ingest import levels
from app.ingest.formats.base import LineParser, ParseContext, Row

_W = levels.LEVEL_WORD
REST = re.compile(
    r"\s*(?:-\s+)?(?:\[(?P<t1>(?:[^\[\]]|\[[^\]]*\])*)\]\s+)?(?:(?P<pid>\d+)\s+(?:(?P<tid>\d+)\s+)?)?"
    r"(?:(?P<name>[\w.$]+)\s+-\s+)?(?P<lvl>" + _W + r")\b:?\s*(?:-\s+)?"
    r"(?:\[(?P<t2>(?:[^\[\]]|\[[^\]]*\])*)\]:?\s*)?(?:-\s+)?"
    r"(?:(?P<logger>[^\s:\[\]]+?)\s*(?::|\s-)(?:\s+|$))?(?P<msg>.*)",
    re.DOTALL | re.IGNORECASE)
ANDROID = re.compile(r"\s+(?P<pid>\d+)\s+(?P<tid>\d+)\s+(?P<lvl>[VDIWEFA])\s+(?P<logger>[^:]*?)\s*: ?(?P<msg>.*)",
                     re.DOTALL)
_CASE_OK = re.compile(r"[A-Z]+|[A-Z][a-z]+")


class AppLog(LineParser):
    name = "applog"
    default_type = "application"

    def __init__(self, ctx: ParseContext) -> None:
        super().__init__(ctx)
        from app.ingest.formats.generic import GenericText, NoStampFound

        try:  # a stamp that does not open the line: read it where the file keeps it, as the generic reader does
            self._elsewhere: GenericText | None = GenericText(ctx)
        except NoStampFound:
            self._elsewhere = None

    def parse(self, text: str) -> Row | None:
        found = self.stamps.read(text)
        if found is None:
            return self._elsewhere.parse(text) if self._elsewhere is not None else None
        ts, end = found
        m = ANDROID.match(text, end)
        if m is not None:
            lvl = m.group("lvl")
            return (ts, levels.ANDROID[lvl], lvl, None, m.group("logger") or None, int(m.group("pid")),
                    None, m.group("msg"), None)
        m = REST.match(text, end)
        if m is None or not _CASE_OK.fullmatch(m.group("lvl")):
            message = text[end:].strip(" -:\t")
            return (ts, levels.from_message(message), None, None, None, None, None, message or text, None)
        lvl = m.group("lvl")
        logger = m.group("logger") or m.group("name") or m.group("t2") or m.group("t1")
        pid = m.group("pid")
        return (ts, levels.from_word(lvl), lvl, None, logger, int(pid) if pid else None, None,
                m.group("msg"), None)
