"""AWS CodeStar Notifications (rest-json): notification rules on pipelines and build projects.

A new moto service, routed by its SigV4 signing name. As on AWS:
- rule names are unique per account and region (ResourceAlreadyExistsException), except that a
  repeated CreateNotificationRule with the same ClientRequestToken answers the same rule;
- the resource must exist and every event type must be one of its service's (ValidationException);
- an SNS target must exist and its access policy must let codestar-notifications.amazonaws.com
  publish to it (ConfigurationException): the console adds that statement for you, the API does not.
"""

from __future__ import annotations

import json
import sys
import types
from typing import Any

from moto.core.base_backend import BackendDict, BaseBackend
from moto.core.common_models import BaseModel

from .base import JsonResponse, ServiceError
from .util import arn_parts, decode_token, encode_token, fake_sha, now, ts

# (event type id, event type name) per resource type.
EVENT_TYPES: dict[str, list[tuple[str, str]]] = {
    "codepipeline": [
        ("codepipeline-pipeline-action-execution-succeeded", "Action execution: Succeeded"),
        ("codepipeline-pipeline-action-execution-failed", "Action execution: Failed"),
        ("codepipeline-pipeline-action-execution-canceled", "Action execution: Canceled"),
        ("codepipeline-pipeline-action-execution-started", "Action execution: Started"),
        ("codepipeline-pipeline-stage-execution-started", "Stage execution: Started"),
        ("codepipeline-pipeline-stage-execution-succeeded", "Stage execution: Succeeded"),
        ("codepipeline-pipeline-stage-execution-resumed", "Stage execution: Resumed"),
        ("codepipeline-pipeline-stage-execution-canceled", "Stage execution: Canceled"),
        ("codepipeline-pipeline-stage-execution-failed", "Stage execution: Failed"),
        ("codepipeline-pipeline-pipeline-execution-failed", "Pipeline execution: Failed"),
        ("codepipeline-pipeline-pipeline-execution-canceled", "Pipeline execution: Canceled"),
        ("codepipeline-pipeline-pipeline-execution-started", "Pipeline execution: Started"),
        ("codepipeline-pipeline-pipeline-execution-resumed", "Pipeline execution: Resumed"),
        ("codepipeline-pipeline-pipeline-execution-succeeded", "Pipeline execution: Succeeded"),
        ("codepipeline-pipeline-pipeline-execution-superseded", "Pipeline execution: Superseded"),
        ("codepipeline-pipeline-manual-approval-failed", "Manual approval: Failed"),
        ("codepipeline-pipeline-manual-approval-needed", "Manual approval: Needed"),
        ("codepipeline-pipeline-manual-approval-succeeded", "Manual approval: Succeeded"),
    ],
    "codebuild": [
        ("codebuild-project-build-state-failed", "Build state: Failed"),
        ("codebuild-project-build-state-succeeded", "Build state: Succeeded"),
        ("codebuild-project-build-state-in-progress", "Build state: In-progress"),
        ("codebuild-project-build-state-stopped", "Build state: Stopped"),
        ("codebuild-project-build-phase-failure", "Build phase: Failure"),
        ("codebuild-project-build-phase-success", "Build phase: Success"),
    ],
}
SERVICE_NAMES = {"codepipeline": "CodePipeline", "codebuild": "CodeBuild"}
RESOURCE_TYPES = {"codepipeline": "pipeline", "codebuild": "project"}
MAX_RULES = 1000
PRINCIPAL = "codestar-notifications.amazonaws.com"


def err(code: str, message: str) -> ServiceError:
    return ServiceError(code, message)


class Rule(BaseModel):
    def __init__(self, account: str, region: str, spec: dict[str, Any], created_by: str, token: str | None):
        self.id = fake_sha(account, region, spec["Name"], now())
        self.arn = f"arn:aws:codestar-notifications:{region}:{account}:notificationrule/{self.id}"
        self.name = spec["Name"]
        self.event_type_ids: list[str] = list(spec["EventTypeIds"])
        self.resource = spec["Resource"]
        self.targets: list[dict[str, str]] = [dict(t) for t in spec["Targets"]]
        self.detail_type = spec["DetailType"]
        self.status = spec.get("Status") or "ENABLED"
        self.tags: dict[str, str] = dict(spec.get("Tags") or {})
        self.created_by = created_by
        self.created = now()
        self.modified = self.created
        self.token = token

    def describe(self) -> dict[str, Any]:
        service = (arn_parts(self.resource) or {}).get("service", "")
        names = dict(EVENT_TYPES.get(service, []))
        return {
            "Arn": self.arn,
            "Name": self.name,
            "EventTypes": [{"EventTypeId": e, "ServiceName": SERVICE_NAMES.get(service, service),
                            "EventTypeName": names.get(e, e), "ResourceType": RESOURCE_TYPES.get(service, "")}
                           for e in self.event_type_ids],
            "Resource": self.resource,
            "Targets": [{"TargetAddress": t["TargetAddress"], "TargetType": t.get("TargetType", "SNS"),
                         "TargetStatus": "ACTIVE"} for t in self.targets],
            "DetailType": self.detail_type,
            "CreatedBy": self.created_by,
            "Status": self.status,
            "CreatedTimestamp": ts(self.created),
            "LastModifiedTimestamp": ts(self.modified),
            "Tags": dict(self.tags),
        }


class CodeStarNotificationsBackend(BaseBackend):
    def __init__(self, region_name: str, account_id: str):
        super().__init__(region_name, account_id)
        self.rules: dict[str, Rule] = {}  # by ARN, creation order

    @property
    def _url_module(self) -> Any:  # type: ignore[override]
        return URLS

    def _check_resource(self, resource: str, event_type_ids: list[str]) -> None:
        parts = arn_parts(resource)
        service = parts["service"] if parts else ""
        if service not in EVENT_TYPES or not parts or parts["account"] != self.account_id:
            raise err("ValidationException", f"Resource {resource} is not a resource CodeStar Notifications supports")
        exists = False
        if service == "codepipeline":
            from .codepipeline import codepipeline_backends

            backend = codepipeline_backends[self.account_id][parts["region"]]
            exists = parts["resource"] in backend.pipelines
        else:
            from .codebuild import codebuild_backends

            name = parts["resource"].split("/", 1)[-1]
            exists = name in codebuild_backends[self.account_id][parts["region"]].projects
        if not exists:
            raise err("ValidationException", f"Resource {resource} does not exist")
        if not event_type_ids:
            raise err("ValidationException", "EventTypeIds must not be empty")
        known = {e for e, _ in EVENT_TYPES[service]}
        for e in event_type_ids:
            if e not in known:
                raise err("ValidationException", f"Event type {e} is not valid for resource {resource}")

    def _check_targets(self, targets: list[dict[str, str]]) -> None:
        if not 1 <= len(targets) <= 10:
            raise err("ValidationException", "A notification rule needs between 1 and 10 targets")
        from moto.sns.models import sns_backends

        for t in targets:
            kind, address = t.get("TargetType", ""), t.get("TargetAddress", "")
            if kind != "SNS":
                continue  # Amazon Q Developer chat clients are not emulated: accepted as they come
            parts = arn_parts(address)
            if not parts or parts["service"] != "sns":
                raise err("ValidationException", f"Target address {address} is not an SNS topic ARN")
            topic = sns_backends[parts["account"]][parts["region"]].topics.get(address)
            if topic is None:
                raise err("ConfigurationException", f"The SNS topic {address} does not exist")
            if not _allows_notifications(json.loads(topic.policy), address):
                raise err("ConfigurationException",
                          f"The access policy of SNS topic {address} does not allow {PRINCIPAL} to publish to it")

    def create(self, spec: dict[str, Any], created_by: str, token: str | None) -> Rule:
        same = next((r for r in self.rules.values() if r.name == spec["Name"]), None)
        if same is not None:
            if token and same.token == token:
                return same
            raise err("ResourceAlreadyExistsException", f"A notification rule named {spec['Name']} already exists")
        if len(self.rules) >= MAX_RULES:
            raise err("LimitExceededException", f"Maximum number of notification rules ({MAX_RULES}) reached")
        self._check_resource(spec["Resource"], spec["EventTypeIds"])
        self._check_targets(spec["Targets"])
        rule = Rule(self.account_id, self.region_name, spec, created_by, token)
        self.rules[rule.arn] = rule
        return rule

    def find(self, arn: str) -> Rule:
        rule = self.rules.get(arn)
        if rule is None:
            raise err("ResourceNotFoundException", f"Notification rule {arn} does not exist")
        return rule

    def update(self, arn: str, spec: dict[str, Any]) -> None:
        rule = self.find(arn)
        if spec.get("Name") and spec["Name"] != rule.name:
            if any(r.name == spec["Name"] for r in self.rules.values()):
                raise err("ValidationException", f"A notification rule named {spec['Name']} already exists")
        if spec.get("EventTypeIds") is not None:
            self._check_resource(rule.resource, spec["EventTypeIds"])
        if spec.get("Targets") is not None:
            self._check_targets(spec["Targets"])
        if spec.get("Name"):
            rule.name = spec["Name"]
        if spec.get("EventTypeIds") is not None:
            rule.event_type_ids = list(spec["EventTypeIds"])
        if spec.get("Targets") is not None:
            rule.targets = [dict(t) for t in spec["Targets"]]
        if spec.get("DetailType"):
            rule.detail_type = spec["DetailType"]
        if spec.get("Status"):
            rule.status = spec["Status"]
        rule.modified = now()

    def listed(self, filters: list[dict[str, str]]) -> list[Rule]:
        out = []
        for r in self.rules.values():
            ok = True
            for f in filters:
                name, value = f.get("Name"), f.get("Value")
                if name == "RESOURCE":
                    ok = ok and r.resource == value
                elif name == "EVENT_TYPE_ID":
                    ok = ok and value in r.event_type_ids
                elif name == "CREATED_BY":
                    ok = ok and r.created_by == value
                elif name == "TARGET_ADDRESS":
                    ok = ok and any(t["TargetAddress"] == value for t in r.targets)
            if ok:
                out.append(r)
        return out


def _allows_notifications(policy: dict[str, Any], topic_arn: str) -> bool:
    statements = policy.get("Statement") or []
    for st in [statements] if isinstance(statements, dict) else statements:
        if st.get("Effect") != "Allow":
            continue
        principal = st.get("Principal") or {}
        services = principal.get("Service") if isinstance(principal, dict) else None
        services = [services] if isinstance(services, str) else (services or [])
        anyone = (principal == "*" or (isinstance(principal, dict) and principal.get("AWS") == "*")) \
            and not st.get("Condition")
        if PRINCIPAL not in services and not anyone:
            continue
        actions = st.get("Action") or []
        actions = [actions] if isinstance(actions, str) else actions
        resources = st.get("Resource", "*")
        resources = [resources] if isinstance(resources, str) else resources
        if not any(r in ("*", topic_arn) for r in resources):
            continue
        if any(a.lower() in ("sns:publish", "sns:*", "*") for a in actions):
            return True
    return False


codestarnotifications_backends = BackendDict(CodeStarNotificationsBackend, "codestar-notifications")


class CodeStarNotificationsResponse(JsonResponse):
    json_version = "1.1"

    def __init__(self) -> None:
        super().__init__(service_name="codestar-notifications")

    @property
    def backend(self) -> CodeStarNotificationsBackend:
        return codestarnotifications_backends[self.current_account][self.region]

    def _caller(self) -> str:
        return f"arn:aws:iam::{self.current_account}:root"

    def create_notification_rule(self):
        spec = {k: self.params.get(k) for k in ("Name", "EventTypeIds", "Resource", "Targets", "DetailType",
                                                 "Tags", "Status")}
        for k in ("Name", "EventTypeIds", "Resource", "Targets", "DetailType"):
            if spec[k] is None:
                self.require(k)
        rule = self.backend.create(spec, self._caller(), self.p("ClientRequestToken"))
        return self.reply({"Arn": rule.arn})

    def describe_notification_rule(self):
        return self.reply(self.backend.find(self.require("Arn")).describe())

    def update_notification_rule(self):
        self.backend.update(self.require("Arn"), self.params)
        return self.reply({})

    def delete_notification_rule(self):
        arn = self.require("Arn")
        self.backend.rules.pop(arn, None)
        return self.reply({"Arn": arn})

    def list_notification_rules(self):
        max_results = int(self.p("MaxResults", 100) or 100)
        if not 1 <= max_results <= 100:
            raise err("ValidationException", "MaxResults must be between 1 and 100")
        items = self.backend.listed(self.p("Filters", []))
        start = decode_token(self.p("NextToken"), "rules")
        if start is None:
            raise err("InvalidNextTokenException", "The NextToken is not valid")
        page = items[start:start + max_results]
        next_token = encode_token(start + len(page), "rules") if start + len(page) < len(items) else None
        return self.reply({"NotificationRules": [{"Id": r.id, "Arn": r.arn} for r in page], "NextToken": next_token})

    def list_tags_for_resource(self):
        return self.reply({"Tags": dict(self.backend.find(self.require("Arn")).tags)})

    def tag_resource(self):
        rule = self.backend.find(self.require("Arn"))
        rule.tags.update(self.require("Tags"))
        return self.reply({"Tags": dict(rule.tags)})


URLS = types.SimpleNamespace(
    url_bases=[r"https?://codestar-notifications\.(.+)\.amazonaws\.com"],
    url_paths={"{0}/.*$": CodeStarNotificationsResponse.dispatch},
)


def register() -> None:
    """Make moto's server route `codestar-notifications` here."""
    import re as _re

    import moto.backend_index as backend_index

    module = types.ModuleType("moto.codestarnotifications")
    module.codestarnotifications_backends = codestarnotifications_backends  # type: ignore[attr-defined]
    sys.modules["moto.codestarnotifications"] = module
    pattern = ("codestar-notifications", _re.compile(r"https?://codestar-notifications\.(.+)\.amazonaws\.com"))
    if pattern[0] not in [n for n, _ in backend_index.backend_url_patterns]:
        backend_index.backend_url_patterns.insert(0, pattern)
