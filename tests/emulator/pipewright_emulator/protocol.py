"""Working out which AWS service/operation/account a raw WSGI request is for, and
rendering errors in the wire format of that service's protocol (so SDKs parse the code)."""

from __future__ import annotations

import functools
import io
import json
import os
import re
from typing import Any
from urllib.parse import parse_qs
from uuid import uuid4

from xml.sax.saxutils import escape

_CRED_RE = re.compile(r"Credential=([^/,\s]+)/([^/]+)/([^/]+)/([^/]+)/aws4_request")
_ACCOUNT_RE = re.compile(r"^\d{12}$")

# signing name -> botocore service name, where they differ
_SIGNING_TO_SERVICE = {
    "monitoring": "cloudwatch",
    "email": "ses",
    "states": "stepfunctions",
    "execute-api": "apigateway",
    "events": "events",
}


@functools.lru_cache(maxsize=None)
def service_model(service: str) -> Any | None:
    """botocore ServiceModel for a service name, or None."""
    try:
        session = _botocore_session()
        name = _SIGNING_TO_SERVICE.get(service, service)
        model = session.get_service_model(name)
        return model
    except Exception:
        return None


@functools.lru_cache(maxsize=1)
def _botocore_session() -> Any:
    import botocore.session

    return botocore.session.get_session()


class RequestInfo:
    """Identity of an incoming AWS request, worked out before moto sees it."""

    def __init__(self) -> None:
        self.service: str | None = None  # signing name, e.g. "codepipeline"
        self.region: str | None = None
        self.access_key: str | None = None
        self.account: str | None = None
        self.operation: str | None = None
        self.protocol: str = "json"
        self.json_version: str = "1.1"
        self.request_is_json = False


def _read_body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= 0:
        return b""
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def identify(environ: dict[str, Any]) -> RequestInfo:
    info = RequestInfo()
    auth = environ.get("HTTP_AUTHORIZATION", "")
    m = _CRED_RE.search(auth)
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    if not m and "X-Amz-Credential" in query:
        m = re.match(r"([^/]+)/([^/]+)/([^/]+)/([^/]+)/aws4_request", query["X-Amz-Credential"][0])
    if m:
        info.access_key, info.region, info.service = m.group(1), m.group(3), m.group(4).lower()
    info.account = resolve_account(environ, info.access_key)

    content_type = (environ.get("CONTENT_TYPE") or "").lower()
    info.request_is_json = "json" in content_type
    target = environ.get("HTTP_X_AMZ_TARGET")
    model = service_model(info.service) if info.service else None
    if model is not None:
        info.protocol = model.protocol
        info.json_version = model.metadata.get("jsonVersion", "1.1")
    if target:
        info.operation = target.rsplit(".", 1)[-1]
        info.protocol = "json" if info.protocol not in ("json", "rest-json") else info.protocol
    elif "Action" in query:
        info.operation = query["Action"][0]
    elif content_type.startswith("application/x-www-form-urlencoded"):
        body = _read_body(environ)
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
            if "Action" in form:
                info.operation = form["Action"][0]
        except UnicodeDecodeError:
            pass
    if info.operation is None and model is not None and info.service:
        info.operation = _rest_operation(info.service, environ)
    if info.request_is_json and info.protocol in ("query", "ec2"):
        # awsQueryCompatible services called with the JSON protocol answer in JSON
        info.protocol = "json"
    return info


def _rest_operation(service: str, environ: dict[str, Any]) -> str | None:
    try:
        from moto.core.request import Request
        from moto.core.routing import get_service_router

        env = dict(environ)
        env["wsgi.input"] = io.BytesIO(b"")
        env["CONTENT_LENGTH"] = "0"
        router = get_service_router(_SIGNING_TO_SERVICE.get(service, service))
        operation, _ = router.match(Request(env))
        return str(operation.name)
    except Exception:
        return None


def resolve_account(environ_or_headers: Any, access_key: str | None) -> str:
    """Same priority as moto, plus: a 12-digit access key id *is* the account id."""
    if "MOTO_ACCOUNT_ID" in os.environ:
        return os.environ["MOTO_ACCOUNT_ID"]
    if isinstance(environ_or_headers, dict) and "HTTP_X_MOTO_ACCOUNT_ID" in environ_or_headers:
        return environ_or_headers["HTTP_X_MOTO_ACCOUNT_ID"]
    if access_key and _ACCOUNT_RE.match(access_key):
        return access_key
    from moto.core import DEFAULT_ACCOUNT_ID

    if access_key:
        try:
            from moto.iam.models import get_account_id_from

            return get_account_id_from(access_key)
        except Exception:
            return DEFAULT_ACCOUNT_ID
    return DEFAULT_ACCOUNT_ID


def error_response(
    info: RequestInfo, code: str, message: str, status: int, extra: dict[str, str] | None = None
) -> tuple[int, list[tuple[str, str]], bytes]:
    """Render an AWS error in the request's protocol (`extra`: more elements of an S3 XML <Error>,
    e.g. BucketName)."""
    request_id = str(uuid4())
    headers = [("x-amzn-RequestId", request_id), ("x-amz-request-id", request_id)]
    if info.protocol in ("json", "rest-json", None) or info.request_is_json:
        ctype = (
            f"application/x-amz-json-{info.json_version}" if info.protocol == "json" else "application/json"
        )
        body = json.dumps({"__type": code, "message": message}).encode()
        headers += [("Content-Type", ctype), ("x-amzn-ErrorType", code)]
        if info.protocol == "json":
            # awsQueryCompatible services also look at this header
            headers.append(("x-amzn-query-error", f"{code};{'Sender' if status < 500 else 'Receiver'}"))
        return status, headers, body
    code_x, msg_x = escape(code), escape(message)
    if info.protocol == "ec2":
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{code_x}</Code>'
            f"<Message>{msg_x}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>"
        ).encode()
    elif info.protocol == "rest-xml":
        more = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in (extra or {}).items())
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code_x}</Code><Message>{msg_x}</Message>'
            f"{more}<RequestId>{request_id}</RequestId></Error>"
        ).encode()
    else:  # query
        kind = "Sender" if status < 500 else "Receiver"
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error><Type>{kind}</Type>'
            f"<Code>{code_x}</Code><Message>{msg_x}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
    headers.append(("Content-Type", "text/xml"))
    return status, headers, body


def service_display_name(service: str | None) -> str:
    """Human name used in NotImplemented messages, e.g. 'CodePipeline'."""
    if not service:
        return "Unknown"
    model = service_model(service)
    if model is not None:
        words = str(model.metadata.get("serviceId", service)).split()
        return "".join(w[:1].upper() + w[1:] for w in words)
    return service
