"""Small helpers shared by the emulator modules."""

from __future__ import annotations

import base64
import hashlib
import json
import random
import time
import uuid
from datetime import datetime, timezone
from typing import Any


def now() -> float:
    """Current wall-clock time as epoch seconds (float)."""
    return time.time()


def ts(value: float | None) -> float | None:
    """Epoch seconds as sent in AWS JSON protocols (awsJson timestamps are epoch numbers)."""
    if value is None:
        return None
    return round(value, 3)


def iso(value: float) -> str:
    return datetime.fromtimestamp(value, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def new_uuid() -> str:
    return str(uuid.uuid4())


def rng_for(*parts: Any) -> random.Random:
    """A deterministic RNG seeded from the given parts (so repeated reads agree)."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def fake_sha(*parts: Any) -> str:
    """A realistic 40-hex git commit id, deterministic for the given parts."""
    return hashlib.sha1("|".join(str(p) for p in parts).encode()).hexdigest()


def encode_token(offset: int, scope: str = "") -> str:
    raw = json.dumps({"o": offset, "s": scope}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str | None, scope: str = "") -> int | None:
    """Returns the offset encoded in a pagination token, or None if it is invalid."""
    if not token:
        return 0
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if data.get("s", "") != scope:
            return None
        offset = int(data["o"])
        return offset if offset >= 0 else None
    except Exception:
        return None


def put_truthy(d: dict[str, Any], **members: Any) -> dict[str, Any]:
    """Adds to `d`, in order, each of `members` whose value is truthy (empty members are left out)."""
    d.update((k, v) for k, v in members.items() if v)
    return d


def drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


def arn_parts(arn: str) -> dict[str, str] | None:
    """Split an ARN into partition/service/region/account/resource."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return {
        "partition": parts[1],
        "service": parts[2],
        "region": parts[3],
        "account": parts[4],
        "resource": parts[5],
    }
