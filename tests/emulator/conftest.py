"""Fixtures shared by the emulator's test modules: one emulator server process per session
(validation on, as by default), a fresh 12-digit account per test, and boto3 clients whose JSON
responses are checked against botocore's output shapes."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from typing import Any

import boto3
import pytest
from botocore.config import Config

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKED_PROTOCOLS = {"json", "rest-json"}


# --------------------------------------------------------------------------- server fixture


class Server:
    def __init__(self, url: str, proc: subprocess.Popen, log_path: str):
        self.url = url
        self.proc = proc
        self.log_path = log_path
        self.schema_errors: list[str] = []

    def ctl(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def client(self, service: str, account: str = "123456789012", region: str = "us-east-1",
               retries: int = 1, validate: bool = True, client_validation: bool = True) -> Any:
        """A boto3 client for the emulator. `validate`: check 200 responses against botocore's output
        shapes; `client_validation=False`: boto3 sends parameters it would itself refuse, so that a
        request breaking AWS's rules reaches the emulator."""
        key = account if account != "testing" else "testing"
        c = boto3.client(service, endpoint_url=self.url, region_name=region, aws_access_key_id=key,
                         aws_secret_access_key="secret",
                         config=Config(retries={"total_max_attempts": retries, "mode": "standard"},
                                       parameter_validation=client_validation))
        if validate:
            c.meta.events.register("before-parse", self._validator)
        return c

    def _validator(self, operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        protocol = operation_model.metadata.get("protocol")
        if protocol not in CHECKED_PROTOCOLS or response_dict.get("status_code") != 200:
            return
        body = response_dict.get("body") or b"{}"
        data = json.loads(body or b"{}")
        shape = operation_model.output_shape
        if shape is None:
            return
        errors: list[str] = []
        check_shape(shape, data, operation_model.name, errors)
        self.schema_errors.extend(errors)
        assert not errors, "response does not match botocore model:\n" + "\n".join(errors)


def check_shape(shape: Any, value: Any, path: str, errors: list[str]) -> None:
    t = shape.type_name
    if value is None:
        errors.append(f"{path}: null value")
        return
    if t == "structure":
        if not isinstance(value, dict):
            errors.append(f"{path}: expected object, got {type(value).__name__}")
            return
        members = shape.members
        for key, sub in value.items():
            if key not in members:
                errors.append(f"{path}.{key}: not in model")
                continue
            check_shape(members[key], sub, f"{path}.{key}", errors)
        for req in shape.required_members:
            if req not in value:
                errors.append(f"{path}.{req}: required member missing")
    elif t == "list":
        if not isinstance(value, list):
            errors.append(f"{path}: expected list")
            return
        for i, item in enumerate(value):
            check_shape(shape.member, item, f"{path}[{i}]", errors)
    elif t == "map":
        if not isinstance(value, dict):
            errors.append(f"{path}: expected map")
            return
        for k, v in value.items():
            check_shape(shape.value, v, f"{path}[{k}]", errors)
    elif t == "string":
        if not isinstance(value, str):
            errors.append(f"{path}: expected string, got {value!r}")
        elif shape.enum and value not in shape.enum:
            errors.append(f"{path}: {value!r} not in enum")
    elif t in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            errors.append(f"{path}: expected integer, got {value!r}")
    elif t == "boolean":
        if not isinstance(value, bool):
            errors.append(f"{path}: expected boolean, got {value!r}")
    elif t == "timestamp":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            errors.append(f"{path}: timestamp must be epoch seconds (aws-sdk-rust), got {value!r}")
    elif t in ("double", "float"):
        if not isinstance(value, (int, float)):
            errors.append(f"{path}: expected number")


@pytest.fixture(scope="session")
def server():
    log = tempfile.NamedTemporaryFile(prefix="pipewright-emulator-", suffix=".log", delete=False)
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env.pop("PIPEWRIGHT_EMULATOR_STEP_SECONDS", None)
    env.pop("PIPEWRIGHT_EMULATOR_VALIDATE", None)  # the suite runs with AWS's API rules enforced (the default)
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipewright_emulator", "--port", "0", "--step-seconds", "0.1"],
        cwd=HERE, stdout=subprocess.PIPE, stderr=log, text=True, env=env,
    )
    line = proc.stdout.readline()  # type: ignore[union-attr]
    if not line.startswith("PIPEWRIGHT_EMULATOR_URL="):
        proc.kill()
        raise RuntimeError("emulator did not start:\n" + open(log.name).read())
    srv = Server(line.split("=", 1)[1].strip(), proc, log.name)
    yield srv
    proc.send_signal(signal.SIGTERM)
    rc = proc.wait(timeout=15)
    assert rc == 0, "emulator did not exit cleanly on SIGTERM:\n" + open(log.name).read()[-4000:]


_used_accounts: set[str] = set()


@pytest.fixture
def account(server) -> str:
    while True:
        acct = str(random.randint(100000000000, 999999999999))
        if acct not in _used_accounts and acct != "123456789012":
            _used_accounts.add(acct)
            return acct
