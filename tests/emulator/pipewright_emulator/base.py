"""Shared base for the JSON response classes of this package."""

from __future__ import annotations

import json
from typing import Any

from moto.core.exceptions import JsonRESTError
from moto.core.responses import BaseResponse
from moto.utilities.aws_headers import gen_amzn_requestid_long


class ServiceError(JsonRESTError):
    """A JSON-protocol AWS error: {"__type": code, "message": ...} with an HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(code, message)
        self.code = status


class JsonResponse(BaseResponse):
    """Parses the JSON body once and renders dict results as awsJson bodies."""

    json_version = "1.1"

    @property
    def params(self) -> dict[str, Any]:  # type: ignore[override]
        cached = getattr(self, "_pw_params", None)
        if cached is None:
            try:
                cached = json.loads(self.body) if self.body else {}
                if not isinstance(cached, dict):
                    cached = {}
            except (ValueError, TypeError):
                cached = {}
            self._pw_params = cached
        return cached

    @params.setter
    def params(self, value: Any) -> None:
        self._pw_params = value

    def p(self, name: str, default: Any = None) -> Any:
        value = self.params.get(name, default)
        return default if value is None else value

    def require(self, name: str) -> Any:
        value = self.params.get(name)
        if value is None or value == "":
            raise ServiceError(
                "ValidationException",
                f"1 validation error detected: Value at '{name}' failed to satisfy constraint: Member must not be null",
            )
        return value

    def reply(self, data: dict[str, Any] | None) -> tuple[str, dict[str, Any]]:
        body = json.dumps({k: v for k, v in (data or {}).items() if v is not None})
        return body, self._reply_headers()

    def reply_json(self, members: dict[str, str]) -> tuple[str, dict[str, Any]]:
        """Like reply(), for member values that are already JSON text (see json_array): the body is
        byte-for-byte what reply() renders for the parsed values (json.dumps' default separators)."""
        body = "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in members.items()) + "}"
        return body, self._reply_headers()

    def _reply_headers(self) -> dict[str, Any]:
        headers = dict(self.response_headers)
        headers["Content-Type"] = f"application/x-amz-json-{self.json_version}"
        headers["status"] = 200
        return headers

    @staticmethod
    def _enrich_response(headers: dict[str, Any], body: Any) -> tuple[dict[str, Any], Any]:  # type: ignore[override]
        """moto's version also runs a regex over the whole body to fill in an XML <RequestId>, which
        JSON bodies do not have (~4 ms for a BatchGetBuilds of 100 builds)."""
        if isinstance(body, str) and body.startswith("<"):
            return BaseResponse._enrich_response(headers, body)
        if "status" in headers:
            headers["status"] = str(headers["status"])
        gen_amzn_requestid_long(headers)
        return headers, body


def json_array(items: list[str]) -> str:
    """JSON text of a list whose items are already JSON text, as json.dumps would render it."""
    return "[" + ", ".join(items) + "]"
