"""CodeBuild, replacing moto's backend: projects keep everything CreateProject was given,
webhooks, UpdateProject, and builds that progress through real phases over time and write
their logs into moto's CloudWatch Logs backend.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import types
from typing import Any

from moto.core.base_backend import BackendDict, BaseBackend
from moto.core.common_models import BaseModel
from moto.utilities.utils import get_partition

from . import buildlogs, state
from .base import JsonResponse, ServiceError, json_array
from .iamutil import find_role, role_trusts
from .util import decode_token, encode_token, fake_sha, new_uuid, now, ts

PHASE_ORDER = [
    "SUBMITTED", "QUEUED", "PROVISIONING", "DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD", "BUILD",
    "POST_BUILD", "UPLOAD_ARTIFACTS", "FINALIZING", "COMPLETED",
]
# share of one "step" each phase takes in a live build (sums to 2 steps)
PHASE_WEIGHTS = {
    "QUEUED": 0.1, "PROVISIONING": 0.35, "DOWNLOAD_SOURCE": 0.15, "INSTALL": 0.1, "PRE_BUILD": 0.2,
    "BUILD": 0.6, "POST_BUILD": 0.3, "UPLOAD_ARTIFACTS": 0.1, "FINALIZING": 0.1,
}
SOURCE_TYPES = ["CODECOMMIT", "CODEPIPELINE", "GITHUB", "GITLAB", "GITLAB_SELF_MANAGED", "S3", "BITBUCKET",
                "GITHUB_ENTERPRISE", "NO_SOURCE"]
ARTIFACT_TYPES = ["CODEPIPELINE", "S3", "NO_ARTIFACTS"]
ENV_TYPES = ["WINDOWS_CONTAINER", "LINUX_CONTAINER", "LINUX_GPU_CONTAINER", "ARM_CONTAINER",
             "WINDOWS_SERVER_2019_CONTAINER", "WINDOWS_SERVER_2022_CONTAINER", "LINUX_LAMBDA_CONTAINER",
             "ARM_LAMBDA_CONTAINER", "LINUX_EC2", "ARM_EC2", "WINDOWS_EC2", "MAC_ARM"]
COMPUTE_TYPES = ["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE", "BUILD_GENERAL1_XLARGE",
                 "BUILD_GENERAL1_2XLARGE", "BUILD_LAMBDA_1GB", "BUILD_LAMBDA_2GB", "BUILD_LAMBDA_4GB",
                 "BUILD_LAMBDA_8GB", "BUILD_LAMBDA_10GB", "ATTRIBUTE_BASED_COMPUTE", "CUSTOM_INSTANCE_TYPE"]
WEBHOOK_SOURCES = ["GITHUB", "GITHUB_ENTERPRISE", "BITBUCKET", "GITLAB", "GITLAB_SELF_MANAGED"]
WEBHOOK_EVENTS = ["PUSH", "PULL_REQUEST_CREATED", "PULL_REQUEST_UPDATED", "PULL_REQUEST_MERGED",
                  "PULL_REQUEST_REOPENED", "PULL_REQUEST_CLOSED", "RELEASED", "PRERELEASED", "WORKFLOW_JOB_QUEUED"]
FILTER_TYPES = ["EVENT", "BASE_REF", "HEAD_REF", "ACTOR_ACCOUNT_ID", "FILE_PATH", "COMMIT_MESSAGE", "WORKFLOW_NAME",
                "TAG_NAME", "RELEASE_NAME", "REPOSITORY_NAME", "ORGANIZATION_NAME"]
FINAL_STATUSES = ("SUCCEEDED", "FAILED", "FAULT", "TIMED_OUT", "STOPPED")
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_]{1,254}$")
PAGE = 100


def invalid(msg: str) -> ServiceError:
    return ServiceError("InvalidInputException", msg)


def not_found(msg: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", msg)


# --------------------------------------------------------------------------- projects


class Project(BaseModel):
    def __init__(self, account: str, region: str, params: dict[str, Any], created: float):
        self.account = account
        self.region = region
        self.name: str = params["name"]
        self.arn = f"arn:{get_partition(region)}:codebuild:{region}:{account}:project/{self.name}"
        self.created = created
        self.last_modified = created
        self.webhook: dict[str, Any] | None = None
        self.build_counter = 0
        self.meta: dict[str, Any] = {}
        self.badge_enabled = False
        self.badge_uuid = base64.b64encode(json.dumps({"encryptedData": fake_sha(self.arn, created)}).encode()).decode()
        self.apply(params, creating=True)

    def apply(self, params: dict[str, Any], creating: bool = False) -> None:
        m = self.meta
        if creating:
            m.update({
                "secondarySources": [], "secondarySourceVersions": [], "secondaryArtifacts": [],
                "cache": {"type": "NO_CACHE"}, "timeoutInMinutes": 60, "queuedTimeoutInMinutes": 480,
                "encryptionKey": f"arn:{get_partition(self.region)}:kms:{self.region}:{self.account}:alias/aws/s3",
                "tags": [],
                "logsConfig": {"cloudWatchLogs": {"status": "ENABLED"},
                               "s3Logs": {"status": "DISABLED", "encryptionDisabled": False}},
                "projectVisibility": "PRIVATE",
            })
        for key in ("description", "source", "secondarySources", "sourceVersion", "secondarySourceVersions",
                    "artifacts", "secondaryArtifacts", "cache", "environment", "timeoutInMinutes",
                    "queuedTimeoutInMinutes", "encryptionKey", "tags", "vpcConfig", "logsConfig",
                    "fileSystemLocations", "buildBatchConfig", "concurrentBuildLimit", "autoRetryLimit"):
            if key in params and params[key] is not None:
                m[key] = copy.deepcopy(params[key])
        if params.get("concurrentBuildLimit") == -1:
            m.pop("concurrentBuildLimit", None)
        if params.get("sourceVersion") == "":  # an empty version removes the project's default
            m.pop("sourceVersion", None)
        if "serviceRole" in params and params["serviceRole"]:
            role = params["serviceRole"]
            if not role.startswith("arn:"):
                role = f"arn:{get_partition(self.region)}:iam::{self.account}:role/service-role/{role}"
            m["serviceRole"] = role
        if "badgeEnabled" in params and params["badgeEnabled"] is not None:
            self.badge_enabled = bool(params["badgeEnabled"])
        src = m.get("source", {})
        src.setdefault("insecureSsl", False)
        if src.get("type") in ("GITHUB", "GITHUB_ENTERPRISE", "CODECOMMIT", "BITBUCKET", "GITLAB"):
            src.setdefault("gitCloneDepth", 1)
            src.setdefault("reportBuildStatus", False)
        env = m.get("environment", {})
        env.setdefault("environmentVariables", [])
        env.setdefault("privilegedMode", False)
        env.setdefault("imagePullCredentialsType", "CODEBUILD")
        if m.get("logsConfig"):
            m["logsConfig"].setdefault("cloudWatchLogs", {"status": "ENABLED"})
            m["logsConfig"].setdefault("s3Logs", {"status": "DISABLED", "encryptionDisabled": False})
        if not creating:
            self.last_modified = now()

    def badge(self) -> dict[str, Any]:
        if not self.badge_enabled:
            return {"badgeEnabled": False}
        branch = self.meta.get("sourceVersion") or "main"
        return {
            "badgeEnabled": True,
            "badgeRequestUrl": f"https://codebuild.{self.region}.amazonaws.com/badges?uuid={self.badge_uuid}&branch={branch}",
        }

    def to_dict(self) -> dict[str, Any]:
        m = self.meta
        out: dict[str, Any] = {"name": self.name, "arn": self.arn}
        for key in ("description", "source", "secondarySources", "sourceVersion", "secondarySourceVersions",
                    "artifacts", "secondaryArtifacts", "cache", "environment", "serviceRole", "timeoutInMinutes",
                    "queuedTimeoutInMinutes", "encryptionKey", "tags"):
            if key in m:
                out[key] = copy.deepcopy(m[key])
        out["created"] = ts(self.created)
        out["lastModified"] = ts(self.last_modified)
        if self.webhook:
            out["webhook"] = webhook_view(self.webhook)
        if "vpcConfig" in m:
            out["vpcConfig"] = copy.deepcopy(m["vpcConfig"])
        out["badge"] = self.badge()
        for key in ("logsConfig", "fileSystemLocations", "buildBatchConfig", "concurrentBuildLimit",
                    "projectVisibility", "autoRetryLimit"):
            if key in m:
                out[key] = copy.deepcopy(m[key])
        return out

    def repo_full_name(self) -> str:
        loc = (self.meta.get("source") or {}).get("location") or ""
        m = re.search(r"github\.com[/:]([^/]+/[^/.]+)", loc)
        return m.group(1) if m else f"example-org/{self.name}"


def webhook_view(hook: dict[str, Any]) -> dict[str, Any]:
    out = {k: copy.deepcopy(v) for k, v in hook.items() if not k.startswith("_") and v is not None}
    if not hook.get("manualCreation"):
        out.pop("secret", None)
    out["lastModifiedSecret"] = ts(hook["lastModifiedSecret"])
    return out


def validate_filter_groups(groups: Any) -> None:
    if groups is None:
        return
    if not isinstance(groups, list):
        raise invalid("filterGroups must be a list of filter groups")
    for group in groups:
        if not isinstance(group, list) or not group:
            raise invalid("Invalid filter group: a filter group must contain at least one filter")
        has_event = False
        for f in group:
            ftype = f.get("type")
            if ftype not in FILTER_TYPES:
                raise invalid(f"Invalid webhook filter type: {ftype}")
            pattern = f.get("pattern")
            if pattern is None or pattern == "":
                raise invalid(f"Invalid webhook filter: pattern is required for filter type {ftype}")
            if ftype == "EVENT":
                has_event = True
                for ev in str(pattern).split(","):
                    if ev.strip() not in WEBHOOK_EVENTS:
                        raise invalid(f"Invalid webhook filter pattern for EVENT: {ev.strip()}")
            else:
                try:
                    re.compile(str(pattern))
                except re.error:
                    raise invalid(f"Invalid webhook filter pattern: {pattern} is not a valid regular expression")
        if not has_event:
            raise invalid("Invalid filter group: EVENT filter is required in each filter group")


# --------------------------------------------------------------------------- builds


class Build(BaseModel):
    def __init__(self, backend: "CodeBuildBackend", project: Project, start: float, *,
                 seq: int, initiator: str, source_version: str | None, resolved_sha: str,
                 source: dict[str, Any], environment: dict[str, Any], artifacts: dict[str, Any],
                 durations: dict[str, float], plan: Any | None, timeout: int, queued_timeout: int,
                 service_role: str, logs_enabled: bool, log_group: str, log_stream_prefix: str | None,
                 exported_vars: list[dict[str, str]] | None = None):
        self.account = backend.account_id
        self.region = backend.region_name
        self.uuid = new_uuid()
        self.project_name = project.name
        self.id = f"{project.name}:{self.uuid}"
        self.arn = f"arn:{get_partition(self.region)}:codebuild:{self.region}:{self.account}:build/{self.id}"
        project.build_counter += 1
        self.build_number = project.build_counter
        self.seq = seq
        self.start = start
        self.initiator = initiator
        self.source_version = source_version
        self.resolved_sha = resolved_sha
        self.source = source
        self.environment = environment
        self.artifacts = artifacts
        self.timeout = timeout
        self.queued_timeout = queued_timeout
        self.service_role = service_role
        self.encryption_key = project.meta.get("encryptionKey")
        self.cache = copy.deepcopy(project.meta.get("cache", {"type": "NO_CACHE"}))
        self.vpc = copy.deepcopy(project.meta.get("vpcConfig")) if project.meta.get("vpcConfig") else None
        self.exported_vars = exported_vars
        self.logs_enabled = logs_enabled
        self.log_group = log_group
        self.log_stream = f"{log_stream_prefix}/{self.uuid}" if log_stream_prefix else self.uuid
        self.schedule, self.final_status = make_schedule(start, durations, plan, self._ctx())
        self.log_lines: list[tuple[float, str]] = (
            buildlogs.build_log_lines(self.schedule, self._ctx(), self.id) if logs_enabled else []
        )
        self.logs_written = 0
        self.stopped_at: float | None = None
        # JSON text of the description once the build is complete (see to_json)
        self._described: str | None = None

    def _ctx(self) -> dict[str, Any]:
        env_vars = {v.get("name"): v.get("value") for v in self.environment.get("environmentVariables", [])}
        repo = (env_vars.get("REPO_NAME") or self.project_name).split(":")[0]
        if self.project_name.startswith("cruddur-backend-flask"):
            repo = env_vars.get("REPO_NAME", "backend-flask").split(":")[0]
        return {
            "account": self.account, "region": self.region, "repo": repo,
            "src_dir": f"/codebuild/output/src{int(fake_sha(self.id)[:8], 16) % 10**10}/src",
            "buildspec": self.source.get("buildspec") or "buildspec.yml",
            "sha": self.resolved_sha, "service_role": self.service_role, "build_uuid": self.uuid,
        }

    # --- time evaluation
    @property
    def end_time(self) -> float:
        return self.schedule[-1]["start"]

    def is_complete(self, at: float) -> bool:
        return at >= self.end_time

    def status_at(self, at: float) -> str:
        return self.final_status if self.is_complete(at) else "IN_PROGRESS"

    def failure_summary(self) -> tuple[str | None, str | None, str | None]:
        """(phase, statusCode, message) of the first phase that did not succeed."""
        for ph in self.schedule:
            if ph.get("status") not in (None, "SUCCEEDED"):
                ctx = (ph.get("contexts") or [{}])[0]
                return ph["type"], ctx.get("statusCode"), ctx.get("message")
        return None, None, None

    def stop(self, at: float) -> None:
        if self.is_complete(at):
            return
        # Only reached for a build still running at `at`; drop the cached description anyway, in case
        # it was rendered at a later time than `at` (stop() is the one thing that changes a build).
        self._described = None
        new: list[dict[str, Any]] = []
        for ph in self.schedule:
            if ph["type"] == "COMPLETED":
                break
            if ph["end"] is not None and ph["end"] <= at:
                new.append(ph)
                continue
            # the phase running at `at` is stopped
            new.append(dict(ph, end=at, status="STOPPED", contexts=[{"statusCode": "", "message": ""}]))
            break
        phase = new[-1]["type"]
        if new[-1]["type"] != "FINALIZING":
            new.append({"type": "FINALIZING", "start": at, "end": at, "status": "SUCCEEDED",
                        "contexts": [{"statusCode": "", "message": ""}]})
        new.append({"type": "COMPLETED", "start": at, "end": None, "status": None, "contexts": None})
        self.schedule = new
        self.final_status = "STOPPED"
        self.stopped_at = at
        if self.logs_enabled:
            kept = [line for line in self.log_lines if line[0] <= at]
            last = max(at, kept[-1][0] + 0.000001) if kept else at
            kept.append((last, buildlogs.container(last, f"Phase complete: {phase} State: STOPPED")))
            kept.append((last + 0.000001, buildlogs.container(last + 0.000001, "Phase context status code:  Message: ")))
            self.log_lines = kept
            self.logs_written = min(self.logs_written, len(kept))

    # --- rendering
    def to_json(self, at: float) -> str:
        """The build's description at `at` (BatchGetBuilds' `Build`) as JSON text, rendered with
        json.dumps' default separators so it can be spliced into a response body unchanged.

        A complete build's description never changes afterwards: the schedule, status, source,
        environment, artifacts and exported variables are fixed when the build starts, and stop()
        (the only mutation) leaves complete builds alone. So it is rendered once and cached; a
        BatchGetBuilds of 100 finished builds then costs little more than a listing page."""
        complete = self.is_complete(at)
        if complete and self._described is not None:
            return self._described
        text = json.dumps(self._render(at))
        if complete:
            self._described = text
        return text

    def to_dict(self, at: float) -> dict[str, Any]:
        """The description at `at` as a fresh dict (the caller may change it)."""
        return json.loads(self.to_json(at))

    def _render(self, at: float) -> dict[str, Any]:
        """The description at `at`. It shares nested values with the build (no copies): serialise
        it, never change it."""
        phases: list[dict[str, Any]] = []
        current = "COMPLETED"
        for ph in self.schedule:
            if ph["start"] > at:
                break
            if ph["type"] == "COMPLETED":
                phases.append({"phaseType": "COMPLETED", "startTime": ts(ph["start"])})
                current = "COMPLETED"
                break
            if ph["end"] is not None and ph["end"] <= at:
                out = {
                    "phaseType": ph["type"], "phaseStatus": ph["status"], "startTime": ts(ph["start"]),
                    "endTime": ts(ph["end"]), "durationInSeconds": int(round(ph["end"] - ph["start"])),
                }
                if ph.get("contexts") is not None:
                    out["contexts"] = ph["contexts"]
                phases.append(out)
            else:
                phases.append({"phaseType": ph["type"], "startTime": ts(ph["start"])})
                current = ph["type"]
                break
        complete = self.is_complete(at)
        d: dict[str, Any] = {
            "id": self.id,
            "arn": self.arn,
            "buildNumber": self.build_number,
            "startTime": ts(self.start),
        }
        if complete:
            d["endTime"] = ts(self.end_time)
        d["currentPhase"] = current
        d["buildStatus"] = self.final_status if complete else "IN_PROGRESS"
        if self.source_version:
            d["sourceVersion"] = self.source_version
        download_done = any(p["phaseType"] == "DOWNLOAD_SOURCE" and p.get("phaseStatus") == "SUCCEEDED" for p in phases)
        if download_done and self.source.get("type") != "NO_SOURCE":
            d["resolvedSourceVersion"] = self.resolved_sha
        d.update({
            "projectName": self.project_name,
            "phases": phases,
            "source": self.source,
            "secondarySources": [],
            "secondarySourceVersions": [],
            "artifacts": self.artifacts,
            "secondaryArtifacts": [],
            "cache": self.cache,
            "environment": self.environment,
            "serviceRole": self.service_role,
        })
        if self.logs_enabled:
            partition = get_partition(self.region)
            d["logs"] = {
                "groupName": self.log_group,
                "streamName": self.log_stream,
                "deepLink": f"https://console.aws.amazon.com/cloudwatch/home?region={self.region}"
                            f"#logEvent:group={self.log_group};stream={self.log_stream}",
                "cloudWatchLogsArn": f"arn:{partition}:logs:{self.region}:{self.account}:log-group:{self.log_group}"
                                     f":log-stream:{self.log_stream}",
                "cloudWatchLogs": {"status": "ENABLED"},
                "s3Logs": {"status": "DISABLED", "encryptionDisabled": False},
            }
        else:
            d["logs"] = {"deepLink": "", "cloudWatchLogs": {"status": "DISABLED"},
                         "s3Logs": {"status": "DISABLED", "encryptionDisabled": False}}
        d.update({
            "timeoutInMinutes": self.timeout,
            "queuedTimeoutInMinutes": self.queued_timeout,
            "buildComplete": complete,
            "initiator": self.initiator,
        })
        if self.vpc:
            d["vpcConfig"] = self.vpc
        if self.encryption_key:
            d["encryptionKey"] = self.encryption_key
        if complete and self.exported_vars:
            d["exportedEnvironmentVariables"] = self.exported_vars
        return d

    # --- logs
    def flush_logs(self, at: float) -> None:
        if not self.logs_enabled or self.logs_written >= len(self.log_lines):
            return
        upto = self.logs_written
        while upto < len(self.log_lines) and self.log_lines[upto][0] <= at:
            upto += 1
        if upto == self.logs_written:
            return
        from moto.logs.models import logs_backends

        logs = logs_backends[self.account][self.region]
        if self.log_group not in logs.groups:
            logs.ensure_log_group(self.log_group)
        group = logs.groups[self.log_group]
        if self.log_stream not in group.streams:
            group.create_log_stream(self.log_stream)
            stream = group.streams[self.log_stream]
            from datetime import datetime, timezone

            first = self.log_lines[self.logs_written][0]
            stream.creation_time = datetime.fromtimestamp(first, tz=timezone.utc).replace(tzinfo=None)
        stream = group.streams[self.log_stream]
        events = [{"timestamp": int(t * 1000), "message": msg} for t, msg in self.log_lines[self.logs_written:upto]]
        if group.subscription_filters:
            stream.put_log_events(events)
            for ev in stream.events[-len(events):]:
                ev.ingestion_time = ev.timestamp + 150
        else:
            _append_log_events(stream, events)
        self.logs_written = upto


def _append_log_events(stream: Any, events: list[dict[str, Any]]) -> None:
    """What moto's LogStream.put_log_events does, minus its per-object model tracking (which makes
    seeding 100k+ lines slow) and with ingestion time ~ event time (back-dated builds)."""
    from datetime import datetime, timezone

    from moto.logs.models import LogEvent

    out = []
    for e in events:
        ev = object.__new__(LogEvent)
        ev.timestamp = e["timestamp"]
        ev.ingestion_time = e["timestamp"] + 150
        ev.message = e["message"]
        ev.event_id = LogEvent._event_id
        LogEvent._event_id += 1
        out.append(ev)
    stream.events += out
    stream.stored_bytes += sum(len(e["message"]) for e in events)
    stream.last_ingestion_time = datetime.fromtimestamp(out[-1].ingestion_time / 1000, tz=timezone.utc).replace(tzinfo=None)
    stream.upload_sequence_token += 1


def default_durations(step: float) -> dict[str, float]:
    return {k: v * step for k, v in PHASE_WEIGHTS.items()}


def make_schedule(start: float, durations: dict[str, float], plan: Any | None,
                  ctx: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
    """The full phase timeline of a build and its final status."""
    outcome = getattr(plan, "outcome", None) or "SUCCEEDED"
    fail_phase = getattr(plan, "phase", None) if outcome != "SUCCEEDED" else None
    if fail_phase in ("SUBMITTED", "QUEUED"):
        fail_phase = "PROVISIONING"
    if fail_phase in ("COMPLETED",) or (fail_phase and fail_phase not in PHASE_ORDER):
        fail_phase = "BUILD"
    sched: list[dict[str, Any]] = [
        {"type": "SUBMITTED", "start": start, "end": start, "status": "SUCCEEDED", "contexts": None}
    ]
    t = start
    order = PHASE_ORDER[1:-1]
    i = 0
    final = "SUCCEEDED"
    while i < len(order):
        ph = order[i]
        d = max(0.0, float(durations.get(ph, 0.0)))
        contexts: list[dict[str, str]] | None = [] if ph == "QUEUED" else [{"statusCode": "", "message": ""}]
        status = "SUCCEEDED"
        nxt = i + 1
        if ph == fail_phase:
            status = outcome if outcome in ("FAILED", "FAULT", "TIMED_OUT", "STOPPED") else "FAILED"
            final = status
            if outcome == "STOPPED":
                d = d * 0.5
                contexts = [{"statusCode": "", "message": ""}]
            else:
                ctx_entry = buildlogs.failure_context(ph, outcome, ctx)
                if getattr(plan, "message", None):
                    ctx_entry["message"] = str(plan.message)
                if getattr(plan, "status_code", None):
                    ctx_entry["statusCode"] = str(plan.status_code)
                contexts = [ctx_entry]
            if outcome == "FAILED" and ph == "BUILD":
                nxt = order.index("POST_BUILD")
            elif outcome == "FAILED" and ph == "POST_BUILD":
                nxt = order.index("UPLOAD_ARTIFACTS")
            elif ph != "FINALIZING":
                nxt = order.index("FINALIZING")
            else:
                nxt = len(order)
            fail_phase = None  # only once
        sched.append({"type": ph, "start": t, "end": t + d, "status": status, "contexts": contexts})
        t += d
        i = nxt
    sched.append({"type": "COMPLETED", "start": t, "end": None, "status": None, "contexts": None})
    return sched, final


# --------------------------------------------------------------------------- backend


class CodeBuildBackend(BaseBackend):
    def __init__(self, region_name: str, account_id: str):
        super().__init__(region_name, account_id)
        self.projects: dict[str, Project] = {}
        self.builds: dict[str, Build] = {}
        self.project_builds: dict[str, list[str]] = {}
        self.pending_logs: set[str] = set()
        self.idempotency: dict[tuple[str, str], tuple[str, float]] = {}
        self.seq = 0
        # build ids oldest first, per project name (None: all builds); cleared when builds come or go
        self._ordered: dict[str | None, list[str]] = {}

    @property
    def _url_module(self) -> Any:  # type: ignore[override]
        return URLS

    # projects ---------------------------------------------------------------
    def project_arn(self, name: str) -> str:
        return f"arn:{get_partition(self.region_name)}:codebuild:{self.region_name}:{self.account_id}:project/{name}"

    def get_project(self, name_or_arn: str) -> Project | None:
        if name_or_arn in self.projects:
            return self.projects[name_or_arn]
        if name_or_arn.startswith("arn:"):
            return self.projects.get(name_or_arn.rsplit("project/", 1)[-1]) if ":project/" in name_or_arn else None
        return None

    def require_project(self, name: str) -> Project:
        project = self.get_project(name)
        if project is None:
            raise not_found(f"Project cannot be found: {self.project_arn(name)}")
        return project

    def validate_project(self, p: dict[str, Any], creating: bool) -> None:
        name = p.get("name")
        if not name or not NAME_RE.match(name):
            raise invalid("Invalid project name: only alphanumeric characters, dash, and underscore are supported, "
                          "2 to 255 characters, starting with a letter or number")
        src = p.get("source")
        if creating or src is not None:
            if not isinstance(src, dict) or src.get("type") not in SOURCE_TYPES:
                raise invalid("Invalid type provided: Project source type")
            if src["type"] not in ("CODEPIPELINE", "NO_SOURCE") and not src.get("location"):
                raise invalid("Project source location is required")
            if src["type"] == "NO_SOURCE" and not src.get("buildspec"):
                raise invalid("Invalid project source: buildspec must be specified for NO_SOURCE source type")
        art = p.get("artifacts")
        if creating or art is not None:
            if not isinstance(art, dict) or art.get("type") not in ARTIFACT_TYPES:
                raise invalid("Invalid type provided: Artifact type")
            if art["type"] == "S3" and not art.get("location"):
                raise invalid("Project artifacts location is required")
            if art["type"] == "NO_ARTIFACTS" and art.get("location"):
                raise invalid("Invalid artifacts: artifact type NO_ARTIFACTS should have null location")
            if art["type"] == "CODEPIPELINE" and (src or {}).get("type") not in (None, "CODEPIPELINE") and creating:
                raise invalid("Invalid project: artifacts type CODEPIPELINE requires source type CODEPIPELINE")
        env = p.get("environment")
        if creating or env is not None:
            if not isinstance(env, dict) or env.get("type") not in ENV_TYPES:
                raise invalid(f"Invalid type provided: {(env or {}).get('type')}")
            if env.get("computeType") not in COMPUTE_TYPES:
                raise invalid(f"Invalid compute type provided: {env.get('computeType')}")
            if not env.get("image"):
                raise invalid("Invalid environment: image is required")
        for key, lo, hi in (("timeoutInMinutes", 5, 2160), ("queuedTimeoutInMinutes", 5, 480)):
            if p.get(key) is not None and not lo <= int(p[key]) <= hi:
                raise invalid(f"Invalid {key}: must be between {lo} and {hi}")
        role = p.get("serviceRole")
        if creating or role is not None:
            if not role:
                raise invalid("Invalid service role: serviceRole is required")
            partition = get_partition(self.region_name)
            if role.startswith("arn:") and not role.startswith(f"arn:{partition}:iam::{self.account_id}:role/"):
                raise invalid("Invalid service role: Service role account ID does not match caller's account")
            found = find_role(self.account_id, self.region_name, role)
            if found is None or not role_trusts(found, "codebuild.amazonaws.com"):
                arn = role if role.startswith("arn:") else f"arn:{partition}:iam::{self.account_id}:role/{role}"
                raise invalid(f"CodeBuild is not authorized to perform: sts:AssumeRole on {arn}")
        # UpdateProject takes -1 to remove the limit (AWS API reference, concurrentBuildLimit).
        limit = p.get("concurrentBuildLimit")
        if limit is not None and int(limit) < 1 and not (not creating and int(limit) == -1):
            raise invalid("Invalid concurrentBuildLimit: must be at least 1")

    def create_project(self, p: dict[str, Any], created: float | None = None, validate: bool = True) -> Project:
        if validate:
            self.validate_project(p, creating=True)
        if p["name"] in self.projects:
            raise ServiceError("ResourceAlreadyExistsException", f"Project already exists: {self.project_arn(p['name'])}")
        project = Project(self.account_id, self.region_name, p, created if created is not None else now())
        self.projects[project.name] = project
        self.project_builds.setdefault(project.name, [])
        return project

    def update_project(self, p: dict[str, Any]) -> Project:
        project = self.require_project(p.get("name") or "")
        merged = dict(p)
        self.validate_project(merged, creating=False)
        project.apply(p)
        return project

    def delete_project(self, name: str) -> None:
        self.projects.pop(name, None)

    # webhooks ---------------------------------------------------------------
    def create_webhook(self, p: dict[str, Any]) -> dict[str, Any]:
        name = p.get("projectName") or ""
        project = self.get_project(name)
        if project is None:
            raise not_found(f"Project cannot be found: {self.project_arn(name)}")
        if project.webhook:
            raise ServiceError("ResourceAlreadyExistsException", f"Webhook already exists for project {self.project_arn(name)}")
        src_type = project.meta.get("source", {}).get("type")
        if src_type not in WEBHOOK_SOURCES:
            raise invalid(f"Webhooks are not supported for source type {src_type}")
        validate_filter_groups(p.get("filterGroups"))
        hook_id = abs(hash((project.arn, now()))) % 10**9
        token = base64.urlsafe_b64encode(fake_sha(project.arn, "webhook", now()).encode()).decode().rstrip("=")
        secret = fake_sha("secret", project.arn, now())[:32]
        manual = bool(p.get("manualCreation"))
        hook: dict[str, Any] = {
            "url": f"https://api.github.com/repos/{project.repo_full_name()}/hooks/{hook_id}",
            "payloadUrl": f"https://codebuild.{self.region_name}.amazonaws.com/webhooks?t={token}&v=1",
            "secret": secret,
            "branchFilter": p.get("branchFilter"),
            "filterGroups": copy.deepcopy(p.get("filterGroups")) if p.get("filterGroups") is not None else None,
            "buildType": p.get("buildType") or "BUILD",
            "manualCreation": manual,
            "lastModifiedSecret": now(),
            "scopeConfiguration": copy.deepcopy(p.get("scopeConfiguration")),
            "status": "ACTIVE",
            "pullRequestBuildPolicy": copy.deepcopy(p.get("pullRequestBuildPolicy")),
        }
        if manual:
            hook["url"] = hook["payloadUrl"]
        project.webhook = hook
        project.last_modified = now()
        return webhook_view(hook)

    def update_webhook(self, p: dict[str, Any]) -> dict[str, Any]:
        name = p.get("projectName") or ""
        project = self.get_project(name)
        if project is None:
            raise not_found(f"Project cannot be found: {self.project_arn(name)}")
        if not project.webhook:
            raise not_found(f"Webhook not found for project {self.project_arn(name)}")
        validate_filter_groups(p.get("filterGroups"))
        hook = project.webhook
        for key in ("branchFilter", "filterGroups", "buildType", "pullRequestBuildPolicy"):
            if p.get(key) is not None:
                hook[key] = copy.deepcopy(p[key])
        if p.get("rotateSecret"):
            hook["secret"] = fake_sha("secret", project.arn, now())[:32]
            hook["lastModifiedSecret"] = now()
        project.last_modified = now()
        return webhook_view(hook)

    def delete_webhook(self, name: str) -> None:
        project = self.get_project(name)
        if project is None:
            raise not_found(f"Project cannot be found: {self.project_arn(name)}")
        if not project.webhook:
            raise not_found(f"Webhook not found for project {self.project_arn(name)}")
        project.webhook = None
        project.last_modified = now()

    # builds -----------------------------------------------------------------
    def start_build(self, project_name: str, *, at: float | None = None, initiator: str = "root",
                    source_version: str | None = None, resolved_sha: str | None = None,
                    source_override: dict[str, Any] | None = None, env_overrides: dict[str, Any] | None = None,
                    extra_env_vars: list[dict[str, str]] | None = None,
                    artifacts_override: dict[str, Any] | None = None, timeout: int | None = None,
                    durations: dict[str, float] | None = None, plan: Any | None = None,
                    use_control_outcome: bool = True, exported_vars: list[dict[str, str]] | None = None) -> Build:
        project = self.require_project(project_name)
        at = now() if at is None else at
        m = project.meta
        limit = m.get("concurrentBuildLimit")
        if limit:
            running = sum(1 for bid in self.project_builds.get(project.name, [])
                          if not self.builds[bid].is_complete(at))
            if running >= int(limit):
                raise ServiceError("AccountLimitExceededException",
                                   f"Cannot have more than {limit} active builds for the project")
        source = copy.deepcopy(m.get("source", {}))
        if source_override:
            source.update(source_override)
            if source.get("type") == "CODEPIPELINE":
                source.pop("location", None)
                for k in ("gitCloneDepth", "gitSubmodulesConfig", "reportBuildStatus", "auth"):
                    source.pop(k, None)
        environment = copy.deepcopy(m.get("environment", {}))
        if env_overrides:
            environment.update({k: v for k, v in env_overrides.items() if v is not None})
        if extra_env_vars:
            names = {v["name"] for v in extra_env_vars}
            environment["environmentVariables"] = [
                v for v in environment.get("environmentVariables", []) if v.get("name") not in names
            ] + copy.deepcopy(extra_env_vars)
        art_cfg = artifacts_override or m.get("artifacts", {"type": "NO_ARTIFACTS"})
        artifacts = self._artifact_view(art_cfg, project)
        if plan is None and use_control_outcome:
            plan = state.take_build_outcome(self.account_id, project.name)
        if durations is None:
            durations = default_durations(state.SETTINGS.step_for(self.account_id))
        logs_cfg = (m.get("logsConfig") or {}).get("cloudWatchLogs", {"status": "ENABLED"})
        self.seq += 1
        sha = resolved_sha or fake_sha(project.arn, self.seq, at)
        if source_version is None and source.get("type") not in ("CODEPIPELINE", "NO_SOURCE"):
            source_version = m.get("sourceVersion")
        build = Build(
            self, project, at, seq=self.seq, initiator=initiator, source_version=source_version,
            resolved_sha=sha, source=source, environment=environment, artifacts=artifacts, durations=durations,
            plan=plan, timeout=int(timeout or m.get("timeoutInMinutes", 60)),
            queued_timeout=int(m.get("queuedTimeoutInMinutes", 480)), service_role=m.get("serviceRole", ""),
            logs_enabled=logs_cfg.get("status", "ENABLED") == "ENABLED",
            log_group=logs_cfg.get("groupName") or f"/aws/codebuild/{project.name}",
            log_stream_prefix=logs_cfg.get("streamName"), exported_vars=exported_vars,
        )
        self.builds[build.id] = build
        self.project_builds.setdefault(project.name, []).append(build.id)
        self._ordered.clear()
        if build.logs_enabled:
            self.pending_logs.add(build.id)
        return build

    def _artifact_view(self, cfg: dict[str, Any], project: Project) -> dict[str, Any]:
        atype = cfg.get("type", "NO_ARTIFACTS")
        if atype == "S3":
            path = "/".join(x for x in (cfg.get("path"), cfg.get("name") or project.name) if x)
            return {"location": f"arn:aws:s3:::{cfg.get('location')}/{path}", "encryptionDisabled": bool(cfg.get("encryptionDisabled", False))}
        if atype == "CODEPIPELINE":
            return {"location": cfg.get("location") or ""}
        return {"location": ""}

    def get_build(self, build_id: str) -> Build | None:
        if build_id.startswith("arn:"):
            build_id = build_id.split(":build/", 1)[-1]
        return self.builds.get(build_id)

    def delete_build(self, build: Build) -> None:
        del self.builds[build.id]
        self.project_builds[build.project_name].remove(build.id)
        self._ordered.clear()

    def sorted_ids(self, project: str | None, order: str) -> list[str]:
        """Build ids of a project (or of all projects) by start time, newest first unless ASCENDING.
        The order is kept between calls (a build's start never changes), so paging through 1,000
        builds does not sort them again for every page."""
        ordered = self._ordered.get(project)
        if ordered is None:
            builds = self.builds
            ids = list(builds) if project is None else list(self.project_builds.get(project, []))
            ordered = sorted(ids, key=lambda b: (builds[b].start, builds[b].seq))
            self._ordered[project] = ordered
        return list(ordered) if order == "ASCENDING" else ordered[::-1]

    def flush_logs(self, at: float) -> None:
        done = []
        for bid in list(self.pending_logs):
            build = self.builds.get(bid)
            if build is None:
                done.append(bid)
                continue
            build.flush_logs(at)
            if build.logs_written >= len(build.log_lines) and build.is_complete(at):
                done.append(bid)
        for bid in done:
            self.pending_logs.discard(bid)


codebuild_backends = BackendDict(CodeBuildBackend, "codebuild")


# --------------------------------------------------------------------------- responses


class CodeBuildResponse(JsonResponse):
    def __init__(self) -> None:
        super().__init__(service_name="codebuild")

    @property
    def backend(self) -> CodeBuildBackend:
        return codebuild_backends[self.current_account][self.region]

    def _initiator(self) -> str:
        try:
            from moto.iam.models import iam_backends

            user = iam_backends[self.current_account][get_partition(self.region)].get_user_from_access_key_id(
                self.get_access_key()
            )
            if user:
                return user.name
        except Exception:
            pass
        return "root"

    # projects
    def create_project(self):
        project = self.backend.create_project(self.params)
        return self.reply({"project": project.to_dict()})

    def update_project(self):
        if not self.params.get("name"):
            raise invalid("Project name is required")
        project = self.backend.update_project(self.params)
        return self.reply({"project": project.to_dict()})

    def batch_get_projects(self):
        names = self.p("names", [])
        if not names or len(names) > 100:
            raise invalid("names must contain between 1 and 100 project names")
        found, missing = [], []
        for name in names:
            project = self.backend.get_project(name)
            (found if project else missing).append(project.to_dict() if project else name)
        return self.reply({"projects": found, "projectsNotFound": missing})

    def list_projects(self):
        sort_by = self.p("sortBy", "NAME")
        order = self.p("sortOrder", "ASCENDING")
        key = {"NAME": lambda p: p.name, "CREATED_TIME": lambda p: p.created,
               "LAST_MODIFIED_TIME": lambda p: p.last_modified}.get(sort_by)
        if key is None:
            raise invalid(f"Invalid sortBy: {sort_by}")
        names = [p.name for p in sorted(self.backend.projects.values(), key=key, reverse=order == "DESCENDING")]
        return self.reply(self._page(names, "projects", "projects"))

    def delete_project(self):
        self.backend.delete_project(self.require("name"))
        return self.reply({})

    # webhooks
    def create_webhook(self):
        return self.reply({"webhook": self.backend.create_webhook(self.params)})

    def update_webhook(self):
        return self.reply({"webhook": self.backend.update_webhook(self.params)})

    def delete_webhook(self):
        self.backend.delete_webhook(self.require("projectName"))
        return self.reply({})

    # builds
    def start_build(self):
        name = self.require("projectName")
        project = self.backend.require_project(name)
        token = self.p("idempotencyToken")
        at = now()
        if token:
            prior = self.backend.idempotency.get((project.name, token))
            if prior and at - prior[1] < 300 and prior[0] in self.backend.builds:
                return self.reply_json({"build": self.backend.builds[prior[0]].to_json(at)})
        p = self.params
        env_over = {
            "type": p.get("environmentTypeOverride"), "image": p.get("imageOverride"),
            "computeType": p.get("computeTypeOverride"), "certificate": p.get("certificateOverride"),
            "privilegedMode": p.get("privilegedModeOverride"),
            "imagePullCredentialsType": p.get("imagePullCredentialsTypeOverride"),
        }
        if env_over["computeType"] and env_over["computeType"] not in COMPUTE_TYPES:
            raise invalid(f"Invalid compute type provided: {env_over['computeType']}")
        src_over = {k: v for k, v in {
            "type": p.get("sourceTypeOverride"), "location": p.get("sourceLocationOverride"),
            "buildspec": p.get("buildspecOverride"), "gitCloneDepth": p.get("gitCloneDepthOverride"),
            "insecureSsl": p.get("insecureSslOverride"), "reportBuildStatus": p.get("reportBuildStatusOverride"),
        }.items() if v is not None}
        build = self.backend.start_build(
            project.name, at=at, initiator=self._initiator(), source_version=p.get("sourceVersion"),
            source_override=src_over or None, env_overrides=env_over,
            extra_env_vars=p.get("environmentVariablesOverride"), artifacts_override=p.get("artifactsOverride"),
            timeout=p.get("timeoutInMinutesOverride"),
        )
        if token:
            self.backend.idempotency[(project.name, token)] = (build.id, at)
        return self.reply_json({"build": build.to_json(at)})

    def retry_build(self):
        old = self.backend.get_build(self.require("id"))
        if old is None:
            raise not_found(f"Build {self.params.get('id')} does not exist")
        at = now()
        build = self.backend.start_build(
            old.project_name, at=at, initiator=self._initiator(), source_version=old.source_version,
            resolved_sha=old.resolved_sha, env_overrides={k: old.environment.get(k) for k in ("image", "computeType", "privilegedMode")},
        )
        return self.reply_json({"build": build.to_json(at)})

    def stop_build(self):
        build_id = self.require("id")
        if ":" not in build_id:
            raise invalid("Invalid build ID provided")
        build = self.backend.get_build(build_id)
        if build is None:
            raise not_found(f"Build {build_id} does not exist")
        at = now()
        build.stop(at)
        self.backend.pending_logs.add(build.id)
        build.flush_logs(at)
        return self.reply_json({"build": build.to_json(at)})

    def batch_get_builds(self):
        ids = self.p("ids", [])
        if not ids:
            raise invalid("ids must contain at least one build id")
        if len(ids) > 100:
            raise invalid("Too many build ids: BatchGetBuilds accepts at most 100 ids")
        at = now()
        backend = self.backend
        found: list[str] = []
        missing: list[str] = []
        for bid in ids:
            if ":" not in bid:
                raise invalid("Invalid build ID provided")
            build = backend.get_build(bid)
            if build is None:
                missing.append(bid)
            else:
                found.append(build.to_json(at))
        # the cached JSON of finished builds goes into the body as it is (no re-serialising)
        return self.reply_json({"builds": json_array(found), "buildsNotFound": json.dumps(missing)})

    def batch_delete_builds(self):
        ids = self.p("ids", [])
        deleted, not_deleted = [], []
        for bid in ids:
            build = self.backend.get_build(bid)
            if build is None:
                not_deleted.append({"id": bid, "statusCode": "BUILD_NOT_FOUND"})
            elif not build.is_complete(now()):
                not_deleted.append({"id": bid, "statusCode": "BUILD_IN_PROGRESS"})
            else:
                self.backend.delete_build(build)
                deleted.append(bid)
        return self.reply({"buildsDeleted": deleted, "buildsNotDeleted": not_deleted})

    def list_builds(self):
        order = self.p("sortOrder", "DESCENDING")
        ids = self.backend.sorted_ids(None, order)
        return self.reply(self._page(ids, "ids", f"builds:{order}"))

    def list_builds_for_project(self):
        name = self.require("projectName")
        if self.backend.get_project(name) is None:
            raise not_found(f"The provided project {self.backend.project_arn(name)} does not exist")
        order = self.p("sortOrder", "DESCENDING")
        ids = self.backend.sorted_ids(name, order)
        return self.reply(self._page(ids, "ids", f"project:{name}:{order}"))

    def _page(self, items: list[str], key: str, scope: str) -> dict[str, Any]:
        start = decode_token(self.p("nextToken"), scope)
        if start is None:
            raise invalid("Invalid next token")
        page = items[start:start + PAGE]
        out: dict[str, Any] = {key: page}
        if start + PAGE < len(items):
            out["nextToken"] = encode_token(start + PAGE, scope)
        return out


URLS = types.SimpleNamespace(
    url_bases=[r"https?://codebuild\.(.+)\.amazonaws\.com"],
    url_paths={"{0}/$": CodeBuildResponse.dispatch},
)


def register() -> None:
    import moto.codebuild
    import moto.codebuild.models

    moto.codebuild.codebuild_backends = codebuild_backends  # type: ignore[attr-defined]
    moto.codebuild.models.codebuild_backends = codebuild_backends  # type: ignore[attr-defined]
