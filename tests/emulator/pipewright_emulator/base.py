"""Shared base for the JSON response classes of this package."""

from __future__ import annotations

import json
from typing import Any

from moto.core.exceptions import JsonRESTError
from moto.core.responses import BaseResponse


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
        headers = dict(self.response_headers)
        headers["Content-Type"] = f"application/x-amz-json-{self.json_version}"
        headers["status"] = 200
        return body, headers
