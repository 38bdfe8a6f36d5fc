"""IAM look-ups shared by the CodeBuild and CodePipeline checks."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from moto.iam.models import iam_backends
from moto.utilities.utils import get_partition


def find_role(account: str, region: str, role: str) -> Any | None:
    iam = iam_backends[account][get_partition(region)]
    try:
        if role.startswith("arn:"):
            return iam.get_role_by_arn(role)
        return iam.get_role(role)
    except Exception:
        return None


def role_trusts(role: Any, service_principal: str) -> bool:
    """True if the role's trust policy lets `service_principal` assume it.

    Accepts the principal as a string or a list (real IAM accepts both)."""
    doc = role.assume_role_policy_document
    try:
        policy = json.loads(doc) if isinstance(doc, str) else doc
    except ValueError:
        try:
            policy = json.loads(unquote(doc))
        except ValueError:
            return False
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    for st in statements:
        if st.get("Effect", "Allow") != "Allow":
            continue
        actions = st.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        if not any(a in ("sts:AssumeRole", "sts:*", "*") for a in actions):
            continue
        principal = st.get("Principal", {})
        if principal == "*":
            return True
        services = principal.get("Service", []) if isinstance(principal, dict) else []
        services = [services] if isinstance(services, str) else services
        if service_principal in services:
            return True
    return False
