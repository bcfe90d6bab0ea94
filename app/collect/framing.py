"""Cutting a TCP syslog stream into messages (RFC 6587): octet counting or newline framing, frame by frame.

A frame that starts with a length and a space (``57 <34>1 ...``) is octet-counted;
any other frame ends at a newline (``\\n``; a ``\\r`` before it and NUL bytes are
dropped). Senders mix them only in theory, but deciding per frame costs nothing.
"""

from __future__ import annotations

MAX_FRAME = 1 << 20  # a message longer than this is cut off and rejected, and the rest of it skipped
_MAX_DIGITS = 7  # enough for MAX_FRAME


class FrameTooLong(Exception):
    """A frame over ``MAX_FRAME``; carries its head for the reject."""

    def __init__(self, head: bytes, length: int | None) -> None:
        super().__init__(f"message longer than {MAX_FRAME} bytes" + (f" (octet count {length})" if length else ""))
        self.head = head


class Framer:
    """Feeds bytes in, takes whole messages out; one per TCP connection.

    ``feed`` returns the complete messages and the frames that were too long
    (as ``FrameTooLong``); ``close`` returns a last frame the peer did not end.
    """

    def __init__(self) -> None:
        self._buf = bytearray()
        self._skip = 0  # bytes of an over-long counted frame still to drop
        self._skip_line = False  # dropping the rest of an over-long newline frame

    def feed(self, data: bytes) -> list[bytes | FrameTooLong]:
        buf = self._buf
        buf += data
        out: list[bytes | FrameTooLong] = []
        while buf:
            if self._skip:
                n = min(self._skip, len(buf))
                del buf[:n]
                self._skip -= n
                continue
            if self._skip_line:
                nl = buf.find(b"\n")
                if nl < 0:
                    buf.clear()
                    break
                del buf[:nl + 1]
                self._skip_line = False
                continue
            first = buf[0]
            if first in b"\r\n\x00 ":  # blank between frames
                del buf[0]
                continue
            if 0x31 <= first <= 0x39:  # 1-9: perhaps an octet count
                sp = buf.find(b" ", 0, _MAX_DIGITS + 2)
                head = bytes(buf[:sp]) if sp > 0 else bytes(buf[:_MAX_DIGITS + 1])
                if sp > 0 and head.isdigit():
                    length = int(head)
                    if length > MAX_FRAME:
                        out.append(FrameTooLong(bytes(buf[sp + 1:sp + 1 + 200]), length))
                        del buf[:sp + 1]
                        self._skip = length
                        continue
                    end = sp + 1 + length
                    if len(buf) < end:
                        break
                    out.append(bytes(buf[sp + 1:end]))
                    del buf[:end]
                    continue
                if sp < 0 and head.isdigit() and len(head) <= _MAX_DIGITS:
                    break  # digits so far and no space yet: wait for more
            nl = buf.find(b"\n")
            if nl < 0:
                if len(buf) > MAX_FRAME:
                    out.append(FrameTooLong(bytes(buf[:200]), None))
                    buf.clear()
                    self._skip_line = True
                break
            out.append(bytes(buf[:nl]).rstrip(b"\r\x00"))
            del buf[:nl + 1]
        return out

    def close(self) -> bytes | None:
        """What is left when the connection ends: a last message without its newline, if any."""
        rest = bytes(self._buf).strip(b"\r\n\x00 ")
        self._buf.clear()
        return rest if rest and not self._skip and not self._skip_line else None
