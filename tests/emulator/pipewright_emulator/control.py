"""The WSGI layer in front of moto: control endpoints under /_pipewright/, request counting,
fault injection, lazy progression of simulated services, and protocol-correct errors for
operations moto does not implement (instead of moto's HTML 500, which SDKs retry)."""

from __future__ import annotations

import json
import sys
import time
import traceback
from typing import Any, Callable, Iterable
from urllib.parse import parse_qs

from . import state
from .protocol import error_response, identify, service_display_name
from .s3owner import owner_mismatch
from .validation import validate_request
from .util import now

SIMULATED = {"codepipeline", "codebuild", "logs", "codestar-connections", "codeconnections", "ecs"}

StartResponse = Callable[..., Any]


def sync(account: str | None, region: str | None) -> None:
    """Advance every simulation of (account, region) to now."""
    if not account or not region:
        return
    from .codebuild import codebuild_backends
    from .codepipeline import codepipeline_backends

    t = now()
    acct = dict.get(codepipeline_backends, account)
    if acct is not None and region in acct.keys():
        acct[region].sync(t)
    acct = dict.get(codebuild_backends, account)
    if acct is not None and region in acct.keys():
        acct[region].flush_logs(t)
    from . import ecs

    ecs.advance_all(account, region, t)


class ControlError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class EmulatorApp:
    def __init__(self, inner: Callable[[dict[str, Any], StartResponse], Iterable[bytes]]):
        self.inner = inner

    # ------------------------------------------------------------------ WSGI entry
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or ""
        if path.startswith("/_pipewright"):
            return self.control(environ, start_response)
        if path.startswith("/moto-api") or path == "/favicon.ico" or path.startswith("/latest/"):
            return self.inner(environ, start_response)

        info = identify(environ)
        service = info.service or "s3"
        operation = info.operation or environ.get("REQUEST_METHOD", "GET")
        state.REQUESTS.record(info.account, f"{state.normalise_service(service)}.{operation}")

        # The simulated round trip: outside state.LOCK, and time.sleep releases the GIL, so concurrent
        # requests wait side by side on the threaded server, as round trips to AWS overlap.
        latency_ms = state.SETTINGS.latency_for(info.account)
        if latency_ms > 0:
            time.sleep(latency_ms / 1000)

        fault = state.take_fault(service, operation, info.account, info.region)
        if fault is not None:
            return self._send(start_response, *error_response(info, fault.code, fault.message, fault.status))

        if info.service and not self._has_backend(environ):
            name = service_display_name(service)
            return self._send(start_response, *error_response(
                info, "NotImplemented", f"{name}.{operation} is not implemented by the Pipewright emulator "
                f"(no emulation of the {service} service)", 501))

        # AWS's API rules (botocore's models), before any handler runs: the one place requests are validated
        if state.SETTINGS.validate and info.service:
            try:
                rejection = validate_request(info, environ)
            except Exception:  # a validator bug must not take the request down: say so, let it through
                traceback.print_exc(file=sys.stderr)
                rejection = None
            if rejection is not None:
                # one line on stderr per refusal, so a client's refused requests are easy to find in a log
                print(f"pipewright emulator: refused {service}.{operation} (account {info.account}): "
                      f"{rejection.code}: {rejection.message[:2000]}", file=sys.stderr, flush=True)
                return self._send(start_response, *error_response(
                    info, rejection.code, rejection.message, rejection.status, rejection.extra))

        if service == "s3":
            mismatch = owner_mismatch(environ)
            if mismatch is not None:
                bucket, message = mismatch
                return self._send(start_response, *error_response(
                    info, "AccessDenied", message, 403, {"BucketName": bucket}))

        try:
            if service in SIMULATED:
                with state.LOCK:
                    sync(info.account, info.region)
                    return self._call_inner(environ, start_response)
            return self._call_inner(environ, start_response)
        except NotImplementedError as e:
            name = service_display_name(service)
            message = f"{name}.{operation} is not implemented by the Pipewright emulator"
            detail = str(e)
            if detail and "has not been implemented" not in detail:
                message += f" ({detail})"
            return self._send(start_response, *error_response(info, "NotImplemented", message, 501))
        except Exception as e:  # an emulator bug: say so in the protocol's format
            traceback.print_exc(file=sys.stderr)
            return self._send(
                start_response,
                *error_response(info, "InternalFailure", f"Pipewright emulator error: {type(e).__name__}: {e}", 500),
            )

    def _has_backend(self, environ: dict[str, Any]) -> bool:
        """Whether moto's dispatcher would find a backend for this signed request."""
        infer = getattr(self.inner, "infer_service_region_host", None)
        lookup = getattr(self.inner, "get_backend_for_host", None)
        if infer is None or lookup is None:
            return True
        try:
            host = infer(environ, environ.get("PATH_INFO", ""))
            return host is None or lookup(host) is not None
        except Exception:
            return True

    def _call_inner(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
            captured["status"], captured["headers"] = status, headers
            return lambda _data: None

        body_iter = self.inner(environ, capture)
        try:
            body = b"".join(body_iter)
        finally:
            if hasattr(body_iter, "close"):
                body_iter.close()  # type: ignore[union-attr]
        start_response(captured["status"], captured["headers"])
        return [body]

    @staticmethod
    def _send(start_response: StartResponse, status: int, headers: list[tuple[str, str]], body: bytes) -> list[bytes]:
        reason = {400: "Bad Request", 404: "Not Found", 409: "Conflict", 500: "Internal Server Error",
                  501: "Not Implemented", 503: "Service Unavailable", 429: "Too Many Requests"}.get(status, "Error")
        headers = [h for h in headers if h[0].lower() != "content-length"] + [("Content-Length", str(len(body)))]
        start_response(f"{status} {reason}", headers)
        return [body]

    # ------------------------------------------------------------------ control endpoints
    def control(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        path = environ.get("PATH_INFO", "").rstrip("/")
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        try:
            body = self._json_body(environ) if method in ("POST", "PUT", "DELETE") else {}
            with state.LOCK:
                status, payload = self.route(method, path, body, query)
        except ControlError as e:
            status, payload = e.status, {"error": e.message}
        except (ValueError, KeyError, TypeError) as e:
            status, payload = 400, {"error": f"{type(e).__name__}: {e}"}
        data = json.dumps(payload, indent=None).encode()
        return self._send(start_response, status, [("Content-Type", "application/json")], data)

    @staticmethod
    def _json_body(environ: dict[str, Any]) -> dict[str, Any]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        raw = environ["wsgi.input"].read(length) if length > 0 else b""
        if not raw.strip():
            return {}
        try:
            data = json.loads(raw)
        except ValueError:
            raise ControlError(400, "body must be JSON")
        if not isinstance(data, dict):
            raise ControlError(400, "body must be a JSON object")
        return data

    def route(self, method: str, path: str, body: dict[str, Any], query: dict[str, str]) -> tuple[int, Any]:
        routes: dict[tuple[str, str], Callable[[dict[str, Any], dict[str, str]], tuple[int, Any]]] = {
            ("GET", "/_pipewright/health"): self.health,
            ("GET", "/_pipewright"): self.health,
            ("POST", "/_pipewright/connections/complete"): self.complete_connection,
            ("GET", "/_pipewright/faults"): self.list_faults,
            ("POST", "/_pipewright/faults"): self.add_fault,
            ("DELETE", "/_pipewright/faults"): self.clear_faults,
            ("GET", "/_pipewright/builds/next-outcome"): self.list_outcomes,
            ("POST", "/_pipewright/builds/next-outcome"): self.add_outcome,
            ("DELETE", "/_pipewright/builds/next-outcome"): self.clear_outcomes,
            ("GET", "/_pipewright/config"): self.get_config,
            ("GET", "/_pipewright/deployments/next-outcome"): self.list_deploy_outcomes,
            ("POST", "/_pipewright/deployments/next-outcome"): self.add_deploy_outcome,
            ("DELETE", "/_pipewright/deployments/next-outcome"): self.clear_deploy_outcomes,
            ("POST", "/_pipewright/config"): self.set_config,
            ("GET", "/_pipewright/requests"): self.get_requests,
            ("POST", "/_pipewright/requests/reset"): self.reset_requests,
            ("POST", "/_pipewright/seed"): self.seed,
            ("POST", "/_pipewright/logs/append"): self.append_logs,
        }
        handler = routes.get((method, path))
        if handler is None:
            if any(p == path for (_, p) in routes):
                raise ControlError(405, f"{method} is not allowed on {path}")
            raise ControlError(404, f"unknown control endpoint {path}; see tests/emulator/README.md")
        return handler(body, query)

    def health(self, body: dict[str, Any], query: dict[str, str]) -> tuple[int, Any]:
        import moto

        return 200, {"ok": True, "moto": moto.__version__, "stepSeconds": state.SETTINGS.step_seconds,
                     "latencyMs": state.SETTINGS.latency_ms, "validate": state.SETTINGS.validate}

    def complete_connection(self, body: dict[str, Any], query: dict[str, str]) -> tuple[int, Any]:
        from .codestar_connections import find_connection_anywhere

        arn = body.get("connectionArn") or body.get("ConnectionArn")
        if not arn:
            raise ControlError(400, "connectionArn is required")
        status = str(body.get("status", "AVAILABLE")).upper()
        if status not in ("AVAILABLE", "ERROR", "PENDING"):
            raise ControlError(400, "status must be AVAILABLE, ERROR or PENDING")
        conn = find_connection_anywhere(arn)
        if conn is None:
            raise ControlError(404, f"connection {arn} not found")
        conn.status = status
        return 200, {"connection": conn.to_dict()}

    def list_faults(self, body: dict[str, Any], query: dict[str, str]) -> tuple[int, Any]:
        return 200, {"faults": [f.to_dict() for f in state.FAULTS]}

    def add_fault(self, body: dict[str, Any], query: dict[str, str]) -> tuple[int, Any]:
        if not body.get("service") or not body.get("operation"):
            raise ControlError(400, "service and operation are required")
        count = body.get("count", 1)
        if count is not None and (not isinstance(count, int) or count < 1):
            raise ControlError(400, "count must be a positive integer")
        after = body.get("after", 0)
        if isinstance(after, bool) or not isinstance(after, int) or after < 0:
            raise ControlError(400, "after must be a whole number of calls to let through first")
        if body.get("status") is not None and not (400 <= int(body["status"]) <= 599):
            raise ControlError(400, "status must be an HTTP error status (400-599)")
        fault = state.Fault(body)
        state.FAULTS.append(fault)
        return 200, {"fault": fault.to_dict()}

    def clear_faults(self, body: dict[str, Any], query: dict[str, str]) -> tuple[int, Any]:
        n = len(state.FAULTS)
        state.FAULTS.clear()
        return 200, {"cleared": n}

    def list_outcomes(self, body: dict[str, Any], query: dict[str, str]) -> tuple[int, Any]:
        return 200, {"outcomes": [o.to_dict() for o in state.BUILD_OUTCOMES]}

    def add_outcome(self, body: dict[str, Any], query: dict[str, str]) -> tuple[int, Any]:
        if not body.get("project"):
            raise ControlError(400, "project is required")
        count = body.get("count", 1)
        if count is not None and (not isinstance(count, int) or count < 1):
            raise ControlError(400, "count must be a positive integer")
        phase = str(body.get("phase") or "BUILD").upper()
        from .codebuild import PHASE_ORDER

        if phase not in PHASE_ORDER[1:-1]:
            raise ControlError(400, f"phase must be one of {', '.join(PHASE_ORDER[1:-1])}")
        try:
            outcome = state.BuildOutcome(body)
        except ValueError as e:
            raise ControlError(400, str(e))
        state.BUILD_OUTCOMES.append(outcome)
        return 200, {"outcome": outcome.to_dict()}

    def clear_outcomes(self, body: dict[str, Any], query: dict[str, str]) -> tuple[int, Any]:
        n = len(state.BUILD_OUTCOMES)
        state.BUILD_OUTCOMES.clear()
        return 200, {"cleared": n}

    def list_deploy_outcomes(self, body: dict[str, Any], query: dict[str, str]) -> tuple[int, Any]:
        from . import ecs

        return 200, {"outcomes": [o.to_dict() for o in ecs.DEPLOY_OUTCOMES]}

    def add_deploy_outcome(self, body: dict[str, Any], query: dict[str, str]) -> tuple[int, Any]:
        from . import ecs

        try:
            outcome = ecs.DeployOutcome(body)
        except ValueError as e:
            raise ControlError(400, str(e))
        with state.LOCK:
            ecs.DEPLOY_OUTCOMES.append(outcome)
        return 200, {"outcome": outcome.to_dict()}

    def clear_deploy_outcomes(self, body: dict[str, Any], query: dict[str, str]) -> tuple[int, Any]:
        from . import ecs

        with state.LOCK:
            n = len(ecs.DEPLOY_OUTCOMES)
            ecs.DEPLOY_OUTCOMES.clear()
        return 200, {"cleared": n}

    def get_config(self, body: dict[str, Any], query: dict[str, str]) -> tuple[int, Any]:
        return 200, state.SETTINGS.to_dict()

    def set_config(self, body: dict[str, Any], query: dict[str, str]) -> tuple[int, Any]:
        s = state.SETTINGS
        account = str(body["account"]) if body.get("account") else None
        changes: dict[str, Any] = {}
        if "stepSeconds" in body:
            step = float(body["stepSeconds"])
            if step < 0 or step > 3600:
                raise ControlError(400, "stepSeconds must be between 0 and 3600")
            changes["stepSeconds"] = step
        if "autoStartOnCreate" in body:
            if not isinstance(body["autoStartOnCreate"], bool):
                raise ControlError(400, "autoStartOnCreate must be true or false")
            changes["autoStartOnCreate"] = body["autoStartOnCreate"]
        if "latencyMs" in body:
            latency = body["latencyMs"]
            if isinstance(latency, bool) or not isinstance(latency, int) or not 0 <= latency <= state.MAX_LATENCY_MS:
                raise ControlError(400, f"latencyMs must be an integer number of milliseconds between 0 and "
                                        f"{state.MAX_LATENCY_MS}")
            changes["latencyMs"] = latency
        unknown = set(body) - {"stepSeconds", "autoStartOnCreate", "latencyMs", "account"}
        if unknown:
            raise ControlError(400, f"unknown config keys: {', '.join(sorted(unknown))}")
        if account:
            s.account_overrides.setdefault(account, {}).update(changes)
        else:
            if "stepSeconds" in changes:
                s.step_seconds = changes["stepSeconds"]
            if "autoStartOnCreate" in changes:
                s.auto_start_on_create = changes["autoStartOnCreate"]
            if "latencyMs" in changes:
                s.latency_ms = changes["latencyMs"]
        return 200, s.to_dict()

    def get_requests(self, body: dict[str, Any], query: dict[str, str]) -> tuple[int, Any]:
        return 200, state.REQUESTS.to_dict(query.get("account"))

    def reset_requests(self, body: dict[str, Any], query: dict[str, str]) -> tuple[int, Any]:
        account = body.get("account") or query.get("account")
        state.REQUESTS.reset(str(account) if account else None)
        return 200, {"ok": True}

    def append_logs(self, body: dict[str, Any], query: dict[str, str]) -> tuple[int, Any]:
        """Appends lines to a CloudWatch log stream (creating group and stream if needed), e.g. to
        put hostile text into a build log for the UI's rendering tests."""
        import time as _time

        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.logs.models import logs_backends

        from .codebuild import _append_log_events

        account = str(body.get("account") or DEFAULT_ACCOUNT_ID)
        region = str(body.get("region") or "us-east-1")
        group_name, stream_name = body.get("group"), body.get("stream")
        lines = body.get("lines")
        if not group_name or not stream_name or not isinstance(lines, list):
            raise ControlError(400, 'need "group", "stream" and a list of "lines"')
        logs = logs_backends[account][region]
        if group_name not in logs.groups:
            logs.ensure_log_group(group_name)
        group = logs.groups[group_name]
        if stream_name not in group.streams:
            group.create_log_stream(stream_name)
        now = int(_time.time() * 1000)
        _append_log_events(group.streams[stream_name],
                           [{"timestamp": now + i, "message": str(line)} for i, line in enumerate(lines)])
        return 200, {"appended": len(lines)}

    def seed(self, body: dict[str, Any], query: dict[str, str]) -> tuple[int, Any]:
        from moto.core import DEFAULT_ACCOUNT_ID

        from .seed import SeedConflict, seed_demo

        account = str(body.get("account") or DEFAULT_ACCOUNT_ID)
        if not account.isdigit() or len(account) != 12:
            raise ControlError(400, "account must be a 12-digit account id")
        region = str(body.get("region") or "us-east-1")
        builds = int(body.get("builds", 300))
        executions = int(body.get("executions", 40))
        if not 0 <= builds <= 20000 or not 0 <= executions <= 2000:
            raise ControlError(400, "builds must be 0..20000 and executions 0..2000")
        if executions > builds:
            raise ControlError(400, "executions cannot exceed builds (each execution runs one build)")
        only = body.get("only")
        if only is not None and (not isinstance(only, list) or not set(only) <= {"ecr", "ecs"}):
            raise ControlError(400, 'only must be a list drawn from ["ecr", "ecs"]')
        try:
            result = seed_demo(account, region, builds=builds, executions=executions, seed=body.get("seed"),
                               only=only)
        except SeedConflict as e:
            raise ControlError(409, str(e))
        return 200, result
