"""Process-wide emulator state that is not per account/region: settings, faults, counters.

Everything per account+region lives in moto BackendDicts (see codebuild.py, codepipeline.py,
codestar_connections.py).  The state here is cleared by POST /moto-api/reset as well.
"""

from __future__ import annotations

import os
import threading
from collections import Counter, defaultdict
from typing import Any, Callable

from .util import now, put_truthy

# One lock serialises every request to the services this package simulates (and the
# control endpoints), because progression is computed lazily on each read.
LOCK = threading.RLock()

_DEFAULT_STEP = 2.0


def _env_number(name: str, parse: Callable[[str], Any], ok: Callable[[Any], bool], default: Any) -> Any:
    """The environment variable `name` parsed, when it is set, parses and is `ok`; else `default`."""
    raw = os.environ.get(name)
    if raw:
        try:
            value = parse(raw)
            if ok(value):
                return value
        except ValueError:
            pass
    return default


def _env_step() -> float:
    return _env_number("PIPEWRIGHT_EMULATOR_STEP_SECONDS", float, lambda v: v >= 0, _DEFAULT_STEP)


MAX_LATENCY_MS = 60_000


def _env_latency() -> int:
    return _env_number("PIPEWRIGHT_EMULATOR_LATENCY_MS", int, lambda v: 0 <= v <= MAX_LATENCY_MS, 0)


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


class Settings:
    def __init__(self) -> None:
        self.startup_step: float = _env_step()
        self.startup_auto_start: bool = _env_bool("PIPEWRIGHT_EMULATOR_AUTO_START_ON_CREATE", True)
        self.startup_latency_ms: int = _env_latency()
        # AWS's API rules from botocore's models (validation.py); off only with PIPEWRIGHT_EMULATOR_VALIDATE=0
        from .validation import enabled_from_env

        self.validate: bool = enabled_from_env()
        self.reset()

    def reset(self) -> None:
        self.step_seconds: float = self.startup_step
        self.auto_start_on_create: bool = self.startup_auto_start
        # simulated network round trip added to every AWS API request (not the control endpoints)
        self.latency_ms: int = self.startup_latency_ms
        # per-account overrides: {"123456789012": {"stepSeconds": 0.5, "autoStartOnCreate": False, "latencyMs": 40}}
        self.account_overrides: dict[str, dict[str, Any]] = {}

    def step_for(self, account_id: str | None) -> float:
        return float(self.account_overrides.get(account_id or "", {}).get("stepSeconds", self.step_seconds))

    def auto_start_for(self, account_id: str | None) -> bool:
        return bool(self.account_overrides.get(account_id or "", {}).get("autoStartOnCreate", self.auto_start_on_create))

    def latency_for(self, account_id: str | None) -> int:
        return int(self.account_overrides.get(account_id or "", {}).get("latencyMs", self.latency_ms))

    def to_dict(self) -> dict[str, Any]:
        return {
            "stepSeconds": self.step_seconds,
            "autoStartOnCreate": self.auto_start_on_create,
            "latencyMs": self.latency_ms,
            "validate": self.validate,
            "accounts": {a: dict(o) for a, o in self.account_overrides.items()},
        }


SETTINGS = Settings()


class Fault:
    _next_id = 1

    def __init__(self, spec: dict[str, Any]):
        self.id = Fault._next_id
        Fault._next_id += 1
        self.service = normalise_service(str(spec["service"]))
        self.operation = str(spec["operation"])
        count = spec.get("count", 1)
        self.remaining = int(count) if count is not None else 1
        self.code = str(spec.get("code") or "InternalFailure")
        self.status = int(spec.get("status") or (500 if self.code in ("InternalFailure", "InternalError", "ServiceUnavailable", "InternalServerException") else 400))
        self.message = str(spec.get("message") or "Injected fault")
        self.account = spec.get("account")
        self.region = spec.get("region")
        # let this many matching calls through first (fail the 5th listing page: "after": 4)
        self.after = int(spec.get("after") or 0)
        self.hits = 0

    def matches(self, service: str, operation: str, account: str | None, region: str | None) -> bool:
        if self.remaining == 0:
            return False
        if normalise_service(service) != self.service:
            return False
        if operation.lower() != self.operation.lower() and self.operation != "*":
            return False
        if self.account and str(self.account) != str(account):
            return False
        if self.region and str(self.region) != str(region):
            return False
        return True

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "service": self.service,
            "operation": self.operation,
            "remaining": self.remaining,
            "code": self.code,
            "status": self.status,
            "message": self.message,
            "after": self.after,
            "hits": self.hits,
        }
        if self.account:
            d["account"] = str(self.account)
        if self.region:
            d["region"] = self.region
        return d


_SERVICE_ALIASES = {
    "codestarconnections": "codestar-connections",
    "codestar-connections": "codestar-connections",
    "codeconnections": "codestar-connections",
    "codestarnotifications": "codestar-notifications",
    "codestar-notifications": "codestar-notifications",
    "cloudwatchlogs": "logs",
    "monitoring": "cloudwatch",
}


def normalise_service(name: str) -> str:
    n = name.strip().lower()
    return _SERVICE_ALIASES.get(n, _SERVICE_ALIASES.get(n.replace("-", ""), n))


FAULTS: list[Fault] = []


def take_fault(service: str, operation: str, account: str | None, region: str | None) -> Fault | None:
    with LOCK:
        for fault in FAULTS:
            if fault.matches(service, operation, account, region):
                if fault.after > 0:
                    fault.after -= 1
                    return None
                if fault.remaining > 0:
                    fault.remaining -= 1
                fault.hits += 1
                if fault.remaining == 0:
                    FAULTS.remove(fault)
                return fault
    return None


class BuildOutcome:
    def __init__(self, spec: dict[str, Any]):
        self.project = str(spec["project"])
        self.outcome = str(spec.get("outcome") or "FAILED").upper()
        if self.outcome not in ("SUCCEEDED", "FAILED", "FAULT", "TIMED_OUT", "STOPPED"):
            raise ValueError(f"unknown outcome {self.outcome}")
        self.phase = str(spec.get("phase") or "BUILD").upper()
        self.message = spec.get("message")
        self.status_code = spec.get("statusCode")
        count = spec.get("count", 1)
        self.remaining = int(count) if count is not None else 1
        self.account = spec.get("account")

    def to_dict(self) -> dict[str, Any]:
        d = {
            "project": self.project,
            "outcome": self.outcome,
            "phase": self.phase,
            "remaining": self.remaining,
        }
        return put_truthy(d, message=self.message, statusCode=self.status_code,
                          account=self.account and str(self.account))


BUILD_OUTCOMES: list[BuildOutcome] = []


def take_first(queue: list[Any], matches: Callable[[Any], bool]) -> Any:
    """The first item of an outcome queue that `matches`, one use of it taken (it leaves the queue
    with its last use); None when none matches."""
    with LOCK:
        for item in queue:
            if matches(item):
                item.remaining -= 1
                if item.remaining <= 0:
                    queue.remove(item)
                return item
    return None


def take_build_outcome(account: str, project: str) -> BuildOutcome | None:
    return take_first(BUILD_OUTCOMES,
                      lambda item: item.project == project and (not item.account or str(item.account) == account))


class RequestCounter:
    def __init__(self) -> None:
        self.reset()

    def reset(self, account: str | None = None) -> None:
        if account is None:
            self.by_account: dict[str, Counter[str]] = defaultdict(Counter)
            self.since = now()
        else:
            self.by_account.pop(account, None)

    def record(self, account: str | None, key: str) -> None:
        with LOCK:
            self.by_account[account or "unknown"][key] += 1

    def to_dict(self, account: str | None = None) -> dict[str, Any]:
        with LOCK:
            accounts = {a: dict(sorted(c.items())) for a, c in self.by_account.items() if c}
            if account is not None:
                accounts = {a: c for a, c in accounts.items() if a == account}
            total: Counter[str] = Counter()
            for c in accounts.values():
                total.update(c)
            return {
                "since": round(self.since, 3),
                "total": sum(total.values()),
                "counts": dict(sorted(total.items())),
                "byAccount": accounts,
            }


REQUESTS = RequestCounter()


def reset_all() -> None:
    """Called on POST /moto-api/reset (after moto cleared every BackendDict)."""
    with LOCK:
        SETTINGS.reset()
        FAULTS.clear()
        BUILD_OUTCOMES.clear()
        REQUESTS.reset()
    from . import ecs

    ecs.reset()
