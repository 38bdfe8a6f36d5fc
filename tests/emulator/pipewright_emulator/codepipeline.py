"""CodePipeline, replacing moto's backend: executions that progress over time (computed lazily
from timestamps on each request), GetPipelineState, ListActionExecutions, StopPipelineExecution,
RetryStageExecution, execution modes, and CodeBuild actions that run real emulated builds.

The model is a small discrete-event simulation per pipeline: every running action has a due
time (a fixed duration, or the end of its CodeBuild build); `Pipeline.advance(t)` processes the
due events in time order up to `t`, which may start further actions/stages/builds back-dated to
the exact simulated time.
"""

from __future__ import annotations

import copy
import json
import re
import types
from typing import Any, Callable

from moto.core.base_backend import BackendDict, BaseBackend
from moto.core.common_models import BaseModel
from moto.utilities.utils import get_partition

from . import state
from .base import JsonResponse, ServiceError
from .iamutil import find_role, role_trusts
from .util import decode_token, encode_token, fake_sha, new_uuid, now, put_truthy, rng_for, ts

ACTIVE = ("InProgress", "Stopping")
FINAL = ("Succeeded", "Failed", "Stopped", "Superseded", "Cancelled")
NAME_RE = re.compile(r"^[A-Za-z0-9.@\-_]{1,100}$")

COMMIT_MESSAGES = [
    "Merge pull request #{n} from {org}/feature/notifications-page",
    "Merge pull request #{n} from {org}/fix/healthcheck-path",
    "fix: backend-flask healthcheck returns 200 on /api/health-check",
    "Merge pull request #{n} from {org}/chore/bump-flask",
    "feat: add messages endpoint with pagination",
    "chore: bump boto3 to 1.26.160",
    "Merge pull request #{n} from {org}/feat/xray-tracing",
    "refactor: move db queries into lib/db.py",
    "fix: CORS origin for frontend-react-js",
    "Merge pull request #{n} from {org}/prod",
]
AUTHORS = ["Andrew Brown", "Jane Doe", "dependabot[bot]", "Alex Kim", "Priya Patel"]


def err(code: str, message: str) -> ServiceError:
    return ServiceError(code, message)


# --------------------------------------------------------------------------- model objects


class ActionRun(BaseModel):
    """One execution of one action (a stage retry creates new ones)."""

    def __init__(self, execution: "Execution", stage: str, decl: dict[str, Any], start: float):
        self.id = new_uuid()
        self.execution = execution
        self.stage = stage
        self.name = decl["name"]
        self.decl = copy.deepcopy(decl)
        self.start = start
        self.end: float | None = None
        self.last_update = start
        self.status = "InProgress"
        self.due: float | None = None  # when a non-build action finishes
        self.outcome = "Succeeded"  # outcome of a non-build action at `due`
        self.error: dict[str, str] | None = None
        self.summary: str | None = None
        self.external_id: str | None = None
        self.external_url: str | None = None
        self.build: tuple[str, str, str] | None = None  # (account, region, build id)
        self.output_vars: dict[str, str] = {}
        self.token: str | None = None  # a manual approval's, while it waits

    @property
    def type_id(self) -> dict[str, str]:
        return self.decl["actionTypeId"]

    def build_obj(self) -> Any | None:
        if not self.build:
            return None
        from .codebuild import codebuild_backends

        account, region, build_id = self.build
        return codebuild_backends[account][region].builds.get(build_id)

    def due_time(self) -> float | None:
        if self.status != "InProgress":
            return None
        build = self.build_obj()
        if self.build:
            return build.end_time if build is not None else self.start
        return self.due

    def latest_execution(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "actionExecutionId": self.id,
            "status": self.status,
        }
        put_truthy(d, summary=self.summary)
        d["lastStatusChange"] = ts(self.last_update)
        put_truthy(d, externalExecutionId=self.external_id, externalExecutionUrl=self.external_url,
                   errorDetails=self.error and dict(self.error))
        if self.token and self.status == "InProgress":
            d["token"] = self.token
        build = self.build_obj()
        if build is not None:
            d["logStreamARN"] = (f"arn:{get_partition(build.region)}:logs:{build.region}:{build.account}:log-group:"
                                 f"{build.log_group}:log-stream:{build.log_stream}")
        return d


class StageRun(BaseModel):
    def __init__(self, decl: dict[str, Any], index: int, start: float):
        self.name = decl["name"]
        self.decl = decl
        self.index = index
        self.start = start
        self.end: float | None = None
        self.status = "InProgress"
        self.groups = sorted({a.get("runOrder", 1) for a in decl["actions"]})
        self.group_idx = 0
        self.actions: dict[str, ActionRun] = {}  # latest run per action name
        self.manual_retries = 0

    def group_actions(self, idx: int) -> list[dict[str, Any]]:
        order = self.groups[idx]
        return [a for a in self.decl["actions"] if a.get("runOrder", 1) == order]


class Execution(BaseModel):
    def __init__(self, pipeline: "Pipeline", start: float, trigger: dict[str, str],
                 variables: list[dict[str, str]], source_overrides: dict[str, dict[str, str]],
                 plan: dict[str, Any] | None = None):
        self.id = new_uuid()
        self.pipeline = pipeline
        self.version = pipeline.version
        self.stages = copy.deepcopy(pipeline.declaration["stages"])
        self.mode = pipeline.declaration.get("executionMode", "SUPERSEDED")
        self.start = start
        self.last_update = start
        self.status = "InProgress"
        self.summary: str | None = None
        self.trigger = trigger
        self.variables = variables
        self.source_overrides = source_overrides
        self.stop_trigger: dict[str, str] | None = None
        self.abandon = False
        self.stage_runs: dict[str, StageRun] = {}
        self.current: int | None = None  # index of the stage it is in
        self.waiting_for: int | None = None  # index of the stage it waits to enter
        self.max_entered = -1
        self.revisions: dict[str, dict[str, Any]] = {}  # source action name -> revision
        self.plan = plan or {}
        self.seq = pipeline.next_seq()
        self.action_history: list[ActionRun] = []
        self.execution_type = "STANDARD"
        self.rollback_target: str | None = None

    def set_status(self, status: str, at: float, summary: str | None = None) -> None:
        self.status = status
        self.last_update = at
        if summary is not None:
            self.summary = summary

    def source_revisions(self) -> list[dict[str, Any]]:
        out = []
        for action_name, rev in self.revisions.items():
            out.append({
                "actionName": action_name,
                "revisionId": rev["revisionId"],
                "revisionSummary": rev["revisionSummary"],
                "revisionUrl": rev["revisionUrl"],
            })
        return out

    def artifact_revisions(self) -> list[dict[str, Any]]:
        out = []
        for rev in self.revisions.values():
            if not rev.get("visible"):
                continue
            out.append({
                "name": rev["artifactName"],
                "revisionId": rev["revisionId"],
                "revisionSummary": rev["revisionSummary"],
                "created": ts(rev["created"]),
                "revisionUrl": rev["revisionUrl"],
            })
        return out

    def primary_sha(self) -> str | None:
        for rev in self.revisions.values():
            return rev["revisionId"]
        return None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "pipelineName": self.pipeline.name,
            "pipelineVersion": self.version,
            "pipelineExecutionId": self.id,
            "status": self.status,
        }
        put_truthy(d, statusSummary=self.summary)
        d["artifactRevisions"] = self.artifact_revisions()
        if self.variables:
            d["variables"] = [{"name": v["name"], "resolvedValue": v["value"]} for v in self.variables]
        d["trigger"] = dict(self.trigger)
        return self._put_mode(d)

    def to_summary(self) -> dict[str, Any]:
        d: dict[str, Any] = {"pipelineExecutionId": self.id, "status": self.status}
        put_truthy(d, statusSummary=self.summary)
        d["startTime"] = ts(self.start)
        d["lastUpdateTime"] = ts(self.last_update)
        d["sourceRevisions"] = [r for r in self.source_revisions()]
        d["trigger"] = dict(self.trigger)
        if self.stop_trigger:
            d["stopTrigger"] = dict(self.stop_trigger)
        return self._put_mode(d)

    def _put_mode(self, d: dict[str, Any]) -> dict[str, Any]:
        """Adds the execution's mode and type, and what a rollback went back to."""
        d["executionMode"] = self.mode
        d["executionType"] = self.execution_type
        if self.rollback_target:
            d["rollbackMetadata"] = {"rollbackTargetPipelineExecutionId": self.rollback_target}
        return d


class Pipeline(BaseModel):
    def __init__(self, backend: "CodePipelineBackend", declaration: dict[str, Any], created: float):
        self.backend = backend
        self.account = backend.account_id
        self.region = backend.region_name
        self.name = declaration["name"]
        self.arn = f"arn:{get_partition(self.region)}:codepipeline:{self.region}:{self.account}:{self.name}"
        self.declaration = declaration
        self.version = 1
        self.versions: dict[int, dict[str, Any]] = {1: copy.deepcopy(declaration)}
        self.created = created
        self.updated = created
        self.tags: dict[str, str] = {}
        self.executions: dict[str, Execution] = {}  # insertion order == start order
        self.active: list[Execution] = []
        self.tokens: dict[str, str] = {}
        self.stage_holder: dict[str, str] = {}  # stage name -> execution id holding it
        self.stage_latest: dict[str, str] = {}  # stage name -> execution id that entered it last
        self.action_latest: dict[tuple[str, str], ActionRun] = {}
        self.transitions: dict[str, dict[str, Any]] = {}
        self._seq = 0

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    @property
    def step(self) -> float:
        return state.SETTINGS.step_for(self.account)

    def metadata(self) -> dict[str, Any]:
        return {"pipelineArn": self.arn, "created": ts(self.created), "updated": ts(self.updated)}

    # ---------------------------------------------------------------- simulation
    def start_execution(self, at: float, trigger: dict[str, str], variables: list[dict[str, str]],
                        source_overrides: dict[str, dict[str, str]], plan: dict[str, Any] | None = None) -> Execution:
        self.advance(at)
        ex = Execution(self, at, trigger, variables, source_overrides, plan)
        self.executions[ex.id] = ex
        self.active.append(ex)
        self._try_enter(ex, 0, at)
        return ex

    def advance(self, to: float) -> None:
        guard = 0
        while guard < 100000:
            guard += 1
            best: tuple[float, int, Callable[[float], None]] | None = None
            for ex in self.active:
                if ex.current is None:
                    continue
                sr = ex.stage_runs.get(ex.stages[ex.current]["name"])
                if sr is None:
                    continue
                for run in sr.actions.values():
                    due = run.due_time()
                    if due is not None and due <= to and (best is None or (due, ex.seq) < best[:2]):
                        best = (due, ex.seq, (lambda t, ex=ex, sr=sr, run=run: self._finish_action(ex, sr, run, t)))
            if best is None:
                return
            best[2](best[0])

    def _finish_action(self, ex: Execution, sr: StageRun, run: ActionRun, t: float) -> None:
        build = run.build_obj()
        if run.build:
            if build is None:
                run.status, run.error = "Failed", {"code": "JobFailed", "message": "Build could not be found"}
            elif build.final_status == "SUCCEEDED":
                run.status = "Succeeded"
            else:
                run.status = "Failed"
                phase, code, message = build.failure_summary()
                msg = f"Build terminated with state: {build.final_status}"
                if phase and build.final_status != "STOPPED":
                    msg += f". Phase: {phase}, Code: {code}, Message: {message}"
                run.error = {"code": "JobFailed", "message": msg}
        else:
            run.status = run.outcome
            if getattr(run, "expire", False):
                run.error = {"code": "JobFailed", "message": "The approval request expired after 7 days"}
        run.end = t
        run.last_update = t
        ex.last_update = t
        self._settle_stage(ex, sr, t)

    def _settle_stage(self, ex: Execution, sr: StageRun, t: float) -> None:
        current = [sr.actions[a["name"]] for a in sr.group_actions(sr.group_idx) if a["name"] in sr.actions]
        if any(r.status == "InProgress" for r in current):
            return
        failed = [r for r in current if r.status == "Failed"]
        if failed:
            sr.status, sr.end = "Failed", t
            if ex.status == "Stopping":
                ex.set_status("Stopped", t)
            else:
                ex.set_status("Failed", t, summary=None)
            self._leave_stage(ex, sr, t, finished=True)
            return
        if ex.status == "Stopping":
            sr.status, sr.end = "Stopped", t
            ex.set_status("Stopped", t)
            self._leave_stage(ex, sr, t, finished=True)
            return
        if sr.group_idx + 1 < len(sr.groups):
            sr.group_idx += 1
            self._launch_group(ex, sr, t)
            return
        sr.status, sr.end = "Succeeded", t
        nxt = sr.index + 1
        if nxt >= len(ex.stages):
            ex.set_status("Succeeded", t)
            self._leave_stage(ex, sr, t, finished=True)
            return
        self._leave_stage(ex, sr, t, finished=False)
        self._try_enter(ex, nxt, t)

    def _leave_stage(self, ex: Execution, sr: StageRun, t: float, finished: bool) -> None:
        if self.stage_holder.get(sr.name) == ex.id:
            del self.stage_holder[sr.name]
        ex.current = None
        if finished and ex in self.active:
            self.active.remove(ex)
        self._stage_freed(sr.name, t)

    def _stage_index(self, name: str) -> int | None:
        for i, s in enumerate(self.declaration["stages"]):
            if s["name"] == name:
                return i
        return None

    def _waiting_at(self, stage_name: str) -> list[Execution]:
        return [e for e in self.active if e.waiting_for is not None and e.stages[e.waiting_for]["name"] == stage_name]

    def _stage_freed(self, stage_name: str, t: float) -> None:
        if stage_name in self.stage_holder:
            return
        if not self.transitions.get(stage_name, {}).get("enabled", True):
            return
        waiting = self._waiting_at(stage_name)
        if not waiting:
            return
        waiting.sort(key=lambda e: e.seq)
        if waiting[0].mode == "PARALLEL":
            for ex in waiting:
                self._enter(ex, ex.waiting_for, t)  # type: ignore[arg-type]
            return
        chosen = waiting[-1] if waiting[-1].mode == "SUPERSEDED" else waiting[0]
        if chosen.mode == "SUPERSEDED":
            for other in waiting[:-1]:
                self._supersede(other, t)
        self._enter(chosen, chosen.waiting_for, t)  # type: ignore[arg-type]

    def _supersede(self, ex: Execution, t: float) -> None:
        ex.waiting_for = None
        ex.set_status("Superseded", t)
        if ex in self.active:
            self.active.remove(ex)

    def _try_enter(self, ex: Execution, idx: int, t: float) -> None:
        name = ex.stages[idx]["name"]
        if ex.mode == "SUPERSEDED":
            newer = [e for e in self.executions.values() if e.seq > ex.seq and e.mode == "SUPERSEDED"]
            if any(e.max_entered >= idx and e.status != "Superseded" for e in newer if self._stage_pos(e, name) is not None):
                self._supersede(ex, t)
                return
        transition_open = self.transitions.get(name, {}).get("enabled", True)
        if ex.mode == "PARALLEL" and transition_open:
            self._enter(ex, idx, t)
            return
        if name not in self.stage_holder and transition_open:
            if ex.mode == "QUEUED" and any(e.seq < ex.seq for e in self._waiting_at(name)):
                ex.waiting_for = idx
                return
            self._enter(ex, idx, t)
            return
        ex.waiting_for = idx
        if ex.mode == "SUPERSEDED":
            for other in self._waiting_at(name):
                if other is not ex and other.seq < ex.seq:
                    self._supersede(other, t)

    @staticmethod
    def _stage_pos(ex: Execution, name: str) -> int | None:
        for i, s in enumerate(ex.stages):
            if s["name"] == name:
                return i
        return None

    def _enter(self, ex: Execution, idx: int, t: float) -> None:
        decl = ex.stages[idx]
        ex.waiting_for = None
        ex.current = idx
        ex.max_entered = max(ex.max_entered, idx)
        if ex.mode != "PARALLEL":
            self.stage_holder[decl["name"]] = ex.id
        sr = StageRun(decl, idx, t)
        ex.stage_runs[decl["name"]] = sr
        self.stage_latest[decl["name"]] = ex.id
        ex.last_update = t
        self._launch_group(ex, sr, t)

    def _launch_group(self, ex: Execution, sr: StageRun, t: float) -> None:
        launched = False
        for decl in sr.group_actions(sr.group_idx):
            prior = sr.actions.get(decl["name"])
            if prior is not None and prior.status == "Succeeded":
                continue
            run = ActionRun(ex, sr.name, decl, t)
            sr.actions[decl["name"]] = run
            ex.action_history.append(run)
            self.action_latest[(sr.name, decl["name"])] = run
            self._start_action(ex, run, t)
            launched = True
        if not launched:
            # every action of this group already succeeded (retry of failed actions only)
            self._settle_stage(ex, sr, t)

    # ---------------------------------------------------------------- action behaviours
    def _start_action(self, ex: Execution, run: ActionRun, t: float) -> None:
        tid = run.type_id
        cfg = run.decl.get("configuration", {}) or {}
        category, provider = tid.get("category"), tid.get("provider")
        step = self.step
        plan = ex.plan
        run.due = t + step
        region = run.decl.get("region") or self.region
        if category == "Source":
            self._start_source(ex, run, t, cfg, provider)
        elif provider == "CodeBuild" and category in ("Build", "Test"):
            from .codebuild import codebuild_backends

            backend = codebuild_backends[self.account][region]
            project = cfg.get("ProjectName", "")
            try:
                extra_env = json.loads(cfg["EnvironmentVariables"]) if cfg.get("EnvironmentVariables") else None
            except ValueError:
                extra_env = None
            if extra_env:
                extra_env = [{"name": v.get("name"), "value": v.get("value"), "type": v.get("type", "PLAINTEXT")}
                             for v in extra_env]
            out_arts = [self._artifact_location(ex, a["name"]) for a in run.decl.get("outputArtifacts", [])]
            in_arts = [self._artifact_location(ex, a["name"]) for a in run.decl.get("inputArtifacts", [])]
            try:
                build = backend.start_build(
                    project, at=t, initiator=f"codepipeline/{self.name}",
                    source_version=in_arts[0]["arn"] if in_arts else None,
                    resolved_sha=ex.primary_sha(), source_override={"type": "CODEPIPELINE"},
                    extra_env_vars=extra_env,
                    artifacts_override={"type": "CODEPIPELINE", "location": out_arts[0]["arn"] if out_arts else ""},
                    durations=plan.get("build_durations"), plan=plan.get("build_plan"),
                )
            except ServiceError as e:
                run.due, run.outcome = t, "Failed"
                run.error = {"code": "ConfigurationError", "message": e.message}
                return
            run.build = (self.account, region, build.id)
            run.external_id = build.id
            run.external_url = (f"https://console.aws.amazon.com/codebuild/home?region={region}"
                                f"#/builds/{build.id}/view/new")
        elif category == "Deploy" and provider == "ECS":
            cluster, service = cfg.get("ClusterName", ""), cfg.get("ServiceName", "")
            problem = self._ecs_problem(region, cluster, service)
            run.external_url = (f"https://console.aws.amazon.com/ecs/home?region={region}#/clusters/{cluster}"
                                f"/services/{service}/deployments")
            if problem:
                run.due, run.outcome = t + 0.5 * step, "Failed"
                run.error = {"code": "ConfigurationError", "message": problem}
                return
            from . import ecs

            default = None
            if plan.get("deploy_fail"):
                default = {"outcome": "rollback", "failure": "CannotPullContainerError", "actionResult": "Failed"}
            elif plan.get("rollout"):
                default = dict(plan["rollout"])
            sha = (ex.primary_sha() or fake_sha(ex.id))[:8]
            rollout, spec = ecs.deploy(self.account, region, cluster, service, sha, t,
                                       plan.get("deploy_duration", 1.5 * step), default)
            action_result = spec.action_result if spec else (default or {}).get("actionResult", "Succeeded")
            deployment = rollout.dep_id
            run.external_id = deployment
            if rollout.outcome == "complete":
                run.due = rollout.done_at
                run.summary = f"Deployment {deployment} completed"
            elif rollout.outcome == "rollback" and action_result == "Succeeded":
                # CodePipeline waits for a stable service; after the circuit breaker's rollback the
                # service is stable again, and the action says Succeeded (aws/containers-roadmap#1399).
                run.due = rollout.done_at
                run.summary = f"Deployment {deployment} completed"
            elif rollout.outcome == "rollback":
                run.due, run.outcome = rollout.fail_at, "Failed"
                run.error = {"code": "JobFailed",
                             "message": f"Deployment {deployment} failed: ECS deployment circuit breaker: tasks "
                                        "failed to start. The service was rolled back."}
            else:
                run.due, run.outcome = t + 3600, "Failed"
                run.error = {"code": "JobFailed",
                             "message": "The ECS service did not reach a steady state within 60 minutes."}
        elif category == "Approval":
            if plan.get("auto_approve"):
                run.summary = "Approved by arn:aws:sts::{}:assumed-role/pipewright-emulator".format(self.account)
            else:
                # Waits for PutApprovalResult with this token; an approval expires after 7 days.
                run.token = new_uuid()
                run.due, run.outcome = t + 7 * 86400, "Failed"
                run.error = None
                run.summary = None
                run.expire = True
        else:
            run.due = t + step

    def _start_source(self, ex: Execution, run: ActionRun, t: float, cfg: dict[str, Any], provider: str) -> None:
        step = self.step
        run.due = t + ex.plan.get("source_duration", step)
        rng = rng_for(ex.id, run.name)
        repo = cfg.get("FullRepositoryId") or cfg.get("RepositoryName") or "example-org/app"
        branch = cfg.get("BranchName") or "main"
        override = ex.source_overrides.get(run.name)
        planned = ex.plan.get("revision") or {}
        sha = (override or {}).get("revisionValue") or planned.get("sha") or fake_sha(ex.id, run.name)
        message = planned.get("message") or rng.choice(COMMIT_MESSAGES).format(
            n=rng.randint(10, 240), org=repo.split("/")[0])
        author_date = planned.get("author_date") or (t - rng.randint(60, 6 * 3600))
        if provider == "CodeStarSourceConnection":
            summary = json.dumps({"ProviderType": "GitHub", "CommitMessage": message}, separators=(",", ":"))
            url = f"https://github.com/{repo}/commit/{sha}"
        elif provider == "CodeCommit":
            summary = message
            url = (f"https://{self.region}.console.aws.amazon.com/codesuite/codecommit/repositories/{repo}"
                   f"/commit/{sha}?region={self.region}")
        else:
            summary = message
            url = f"https://github.com/{repo}/commit/{sha}"
        out_names = [a["name"] for a in run.decl.get("outputArtifacts", [])]
        ex.revisions[run.name] = {
            "artifactName": out_names[0] if out_names else run.name, "revisionId": sha,
            "revisionSummary": summary, "revisionUrl": url, "created": author_date, "visible": False,
        }
        run.external_id = sha
        run.external_url = url
        run.summary = message
        run.output_vars = {
            "AuthorDate": _iso(author_date), "BranchName": branch, "CommitId": sha, "CommitMessage": message,
            "ConnectionArn": cfg.get("ConnectionArn", ""), "FullRepositoryName": repo, "ProviderType": "GitHub",
        }
        if provider == "CodeStarSourceConnection":
            from .codestar_connections import find_connection_anywhere

            arn = cfg.get("ConnectionArn", "")
            conn = find_connection_anywhere(arn)
            if conn is None or conn.status != "AVAILABLE":
                status = conn.status if conn else "NOT_FOUND"
                run.due = t + 0.25 * step
                run.outcome = "Failed"
                run.summary = None
                run.external_id = None
                run.external_url = None
                run.error = {
                    "code": "ConfigurationError",
                    "message": f"Unable to use Connection: {arn}. The provided connection is not in AVAILABLE "
                               f"state (current state: {status}). Complete the connection handshake in the console.",
                }
                ex.revisions.pop(run.name, None)
                return
        ex.revisions[run.name]["visible"] = True

    def _ecs_problem(self, region: str, cluster: str, service: str) -> str | None:
        try:
            from moto.ecs.models import ecs_backends

            ecs = ecs_backends[self.account][region]
            cl = ecs.clusters.get(cluster)
            if cl is None:
                return f"The Amazon ECS cluster '{cluster}' does not exist."
            if f"{cluster}:{service}" not in ecs.services:
                return f"The Amazon ECS service '{service}' does not exist in cluster '{cluster}'."
        except Exception:
            return None
        return None

    def _artifact_location(self, ex: Execution, name: str) -> dict[str, str]:
        store = self.declaration.get("artifactStore") or next(iter((self.declaration.get("artifactStores") or {}).values()), {})
        bucket = store.get("location", "codepipeline-artifacts")
        rng = rng_for(ex.id, name)
        key = f"{self.name[:20]}/{name[:10]}/{''.join(rng.choice('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789') for _ in range(7))}"
        return {"bucket": bucket, "key": key, "arn": f"arn:aws:s3:::{bucket}/{key}"}

    # ---------------------------------------------------------------- stop / retry
    def stop_execution(self, ex: Execution, t: float, abandon: bool, reason: str | None) -> None:
        self.advance(t)
        if ex.status not in ACTIVE:
            raise err("PipelineExecutionNotStoppableException",
                      f"Unable to stop pipeline execution {ex.id} because it is in {ex.status} state")
        if ex.status == "Stopping" and not abandon:
            raise err("DuplicatedStopRequestException",
                      f"Pipeline execution {ex.id} is already being stopped; use abandon to stop it immediately")
        ex.stop_trigger = {"reason": reason} if reason else {}
        if ex.current is None:
            # waiting between stages: stops right away
            ex.waiting_for = None
            ex.set_status("Stopped", t)
            if ex in self.active:
                self.active.remove(ex)
            return
        sr = ex.stage_runs[ex.stages[ex.current]["name"]]
        if abandon:
            for run in sr.actions.values():
                if run.status == "InProgress":
                    run.status, run.end, run.last_update = "Abandoned", t, t
            sr.status, sr.end = "Stopped", t
            ex.abandon = True
            ex.set_status("Stopped", t)
            self._leave_stage(ex, sr, t, finished=True)
        else:
            ex.set_status("Stopping", t)
            sr.status = "Stopping"
            self._settle_stage(ex, sr, t)

    def put_approval_result(self, stage: str, action: str, result: dict[str, Any], token: str, t: float,
                            caller: str) -> float:
        self.advance(t)
        idx = self._stage_index(stage)
        if idx is None:
            raise err("StageNotFoundException", f"Stage '{stage}' was not found in pipeline '{self.name}'")
        adecl = next((a for a in self.declaration["stages"][idx]["actions"] if a["name"] == action), None)
        if adecl is None or adecl["actionTypeId"].get("category") != "Approval":
            raise err("ActionNotFoundException", f"Approval action '{action}' was not found in stage '{stage}'")
        run = self.action_latest.get((stage, action))
        if run is None or run.token is None:
            raise err("InvalidApprovalTokenException", f"The approval token {token} is not valid")
        if run.status != "InProgress":
            raise err("ApprovalAlreadyCompletedException",
                      f"The approval action '{action}' has already completed with status {run.status}")
        if token != run.token:
            raise err("InvalidApprovalTokenException", f"The approval token {token} is not valid")
        status = result.get("status")
        if status not in ("Approved", "Rejected"):
            raise err("ValidationException", "result.status must be Approved or Rejected")
        summary = result.get("summary", "")
        run.expire = False
        run.outcome = "Succeeded" if status == "Approved" else "Failed"
        run.summary = f"{status} by {caller}" + (f": {summary}" if summary else "")
        if status == "Rejected":
            run.error = {"code": "JobFailed", "message": f"Rejected by {caller}" + (f": {summary}" if summary else "")}
        run.due = t
        self.advance(t)
        return t

    def rollback_stage(self, stage_name: str, target: Execution, t: float, caller: str) -> Execution:
        """RollbackStage (V2 pipelines): a new execution of type ROLLBACK that runs the one stage
        again with the target execution's source revisions and artifacts."""
        self.advance(t)
        idx = self._stage_index(stage_name)
        if idx is None:
            raise err("StageNotFoundException", f"Stage '{stage_name}' was not found in pipeline '{self.name}'")
        if (self.declaration.get("pipelineType") or "V1") != "V2":
            raise err("UnableToRollbackStageException",
                      f"Rollback is supported for V2 type pipelines only; pipeline '{self.name}' is V1")
        if target.version != self.version:
            raise err("UnableToRollbackStageException",
                      f"Unable to roll back stage '{stage_name}': the pipeline version has changed since pipeline "
                      f"execution {target.id} ran")
        sr = target.stage_runs.get(stage_name)
        if sr is None or sr.status != "Succeeded":
            raise err("UnableToRollbackStageException",
                      f"Unable to roll back stage '{stage_name}' to pipeline execution {target.id}: the stage did "
                      "not succeed in that execution")
        if stage_name in self.stage_holder:
            raise err("UnableToRollbackStageException",
                      f"Unable to roll back stage '{stage_name}': the stage is currently running")
        if self.stage_latest.get(stage_name) == target.id:
            raise err("UnableToRollbackStageException",
                      f"Unable to roll back stage '{stage_name}': pipeline execution {target.id} is its current "
                      "execution")
        ex = Execution(self, t, {"triggerType": "ManualRollback", "triggerDetail": caller}, list(target.variables),
                       {}, plan={k: v for k, v in target.plan.items() if k not in ("deploy_fail", "rollout")})
        ex.stages = [copy.deepcopy(self.declaration["stages"][idx])]
        ex.mode = "SUPERSEDED"
        ex.execution_type = "ROLLBACK"
        ex.rollback_target = target.id
        ex.revisions = copy.deepcopy(target.revisions)
        self.executions[ex.id] = ex
        self.active.append(ex)
        self._enter(ex, 0, t)
        return ex

    def retry_stage(self, ex: Execution, stage_name: str, mode: str, t: float) -> None:
        self.advance(t)
        sr = ex.stage_runs.get(stage_name)
        if self._stage_pos(ex, stage_name) is None:
            raise err("StageNotFoundException", f"Stage {stage_name} does not exist in pipeline {self.name}")
        if sr is None or sr.status not in ("Failed", "Stopped") or ex.status not in ("Failed", "Stopped"):
            raise err("StageNotRetryableException",
                      f"Stage {stage_name} of pipeline execution {ex.id} cannot be retried: "
                      f"it is not in a Failed or Stopped state")
        if self.stage_latest.get(stage_name) != ex.id:
            raise err("NotLatestPipelineExecutionException",
                      f"Pipeline execution {ex.id} is not the latest execution for stage {stage_name}")
        holder = self.stage_holder.get(stage_name)
        if holder and holder != ex.id:
            raise err("ConflictException", f"Stage {stage_name} is in use by pipeline execution {holder}")
        if mode == "ALL_ACTIONS":
            sr.actions = {}
        sr.status, sr.end = "InProgress", None
        sr.manual_retries += 1
        sr.group_idx = 0
        for i in range(len(sr.groups)):
            if any(sr.actions.get(a["name"]) is None or sr.actions[a["name"]].status != "Succeeded"
                   for a in sr.group_actions(i)):
                sr.group_idx = i
                break
        ex.set_status("InProgress", t)
        ex.summary = None
        ex.stop_trigger = None
        ex.abandon = False
        ex.current = sr.index
        if ex not in self.active:
            self.active.append(ex)
        if ex.mode != "PARALLEL":
            self.stage_holder[stage_name] = ex.id
        self._launch_group(ex, sr, t)

    # ---------------------------------------------------------------- state
    def state(self, at: float) -> dict[str, Any]:
        stages = []
        for sdecl in self.declaration["stages"]:
            name = sdecl["name"]
            trans = self.transitions.get(name)
            st: dict[str, Any] = {"stageName": name}
            inbound = sorted(self._waiting_at(name), key=lambda e: e.seq)
            if inbound:
                nxt = inbound[-1] if inbound[-1].mode == "SUPERSEDED" else inbound[0]
                st["inboundExecution"] = {"pipelineExecutionId": nxt.id, "status": "InProgress",
                                          "type": "STANDARD"}
                st["inboundExecutions"] = [{"pipelineExecutionId": e.id, "status": "InProgress", "type": "STANDARD"}
                                           for e in inbound]
            tstate: dict[str, Any] = {"enabled": True}
            if trans:
                tstate = {"enabled": trans["enabled"]}
                if not trans["enabled"]:
                    tstate.update({"lastChangedBy": trans["by"], "lastChangedAt": ts(trans["at"]),
                                   "disabledReason": trans["reason"]})
                else:
                    tstate.update({"lastChangedBy": trans["by"], "lastChangedAt": ts(trans["at"])})
            st["inboundTransitionState"] = tstate
            actions = []
            for adecl in sdecl["actions"]:
                a: dict[str, Any] = {"actionName": adecl["name"]}
                run = self.action_latest.get((name, adecl["name"]))
                if run is not None:
                    if adecl["actionTypeId"].get("category") == "Source" and run.execution.revisions.get(run.name):
                        rev = run.execution.revisions[run.name]
                        if rev.get("visible"):
                            a["currentRevision"] = {"revisionId": rev["revisionId"],
                                                    "revisionChangeId": rev["revisionId"],
                                                    "created": ts(rev["created"])}
                    a["latestExecution"] = run.latest_execution()
                url = self._entity_url(adecl)
                if url:
                    a["entityUrl"] = url
                if run is not None and adecl["actionTypeId"].get("category") == "Source" and run.external_url:
                    a["revisionUrl"] = run.external_url
                actions.append(a)
            st["actionStates"] = actions
            latest_id = self.stage_latest.get(name)
            if latest_id and latest_id in self.executions:
                ex = self.executions[latest_id]
                sr = ex.stage_runs.get(name)
                if sr is not None:
                    st["latestExecution"] = {"pipelineExecutionId": ex.id, "status": sr.status, "type": "STANDARD"}
                    if sr.manual_retries:
                        st["retryStageMetadata"] = {"manualStageRetryAttempt": sr.manual_retries,
                                                    "latestRetryTrigger": "ManualStageRetry"}
            stages.append(st)
        return {
            "pipelineName": self.name,
            "pipelineVersion": self.version,
            "stageStates": stages,
            "created": ts(self.created),
            "updated": ts(self.updated),
        }

    def _entity_url(self, adecl: dict[str, Any]) -> str | None:
        tid = adecl["actionTypeId"]
        cfg = adecl.get("configuration", {}) or {}
        region = adecl.get("region") or self.region
        provider = tid.get("provider")
        if provider == "CodeBuild":
            return f"https://console.aws.amazon.com/codebuild/home?region={region}#/projects/{cfg.get('ProjectName', '')}/view"
        if provider == "ECS":
            return (f"https://console.aws.amazon.com/ecs/home?region={region}#/clusters/{cfg.get('ClusterName', '')}"
                    f"/services/{cfg.get('ServiceName', '')}/details")
        if provider == "CodeStarSourceConnection":
            return (f"https://console.aws.amazon.com/codesuite/settings/connections/redirect?connectionArn="
                    f"{cfg.get('ConnectionArn', '')}&referenceType=BRANCH&FullRepositoryId="
                    f"{cfg.get('FullRepositoryId', '')}&Branch={cfg.get('BranchName', '')}")
        if provider == "CodeCommit":
            return (f"https://{region}.console.aws.amazon.com/codesuite/codecommit/repositories/"
                    f"{cfg.get('RepositoryName', '')}/browse/refs/heads/{cfg.get('BranchName', '')}")
        return None

    def action_detail(self, run: ActionRun) -> dict[str, Any]:
        ex = run.execution
        cfg = run.decl.get("configuration", {}) or {}
        region = run.decl.get("region") or self.region
        inp: dict[str, Any] = {
            "actionTypeId": dict(run.type_id),
            "configuration": dict(cfg),
            "resolvedConfiguration": dict(cfg),
        }
        if run.decl.get("roleArn"):
            inp["roleArn"] = run.decl["roleArn"]
        inp["region"] = region
        inp["inputArtifacts"] = [
            {"name": a["name"], "s3location": {k: v for k, v in self._artifact_location(ex, a["name"]).items() if k != "arn"}}
            for a in run.decl.get("inputArtifacts", [])
        ]
        if run.decl.get("namespace"):
            inp["namespace"] = run.decl["namespace"]
        result = put_truthy({}, externalExecutionId=run.external_id, externalExecutionSummary=run.summary,
                            externalExecutionUrl=run.external_url, errorDetails=run.error and dict(run.error))
        output: dict[str, Any] = {
            "outputArtifacts": [
                {"name": a["name"], "s3location": {k: v for k, v in self._artifact_location(ex, a["name"]).items() if k != "arn"}}
                for a in run.decl.get("outputArtifacts", [])
            ] if run.status == "Succeeded" else [],
            "executionResult": result,
        }
        if run.output_vars and run.status == "Succeeded":
            output["outputVariables"] = dict(run.output_vars)
        return {
            "pipelineExecutionId": ex.id,
            "actionExecutionId": run.id,
            "pipelineVersion": ex.version,
            "stageName": run.stage,
            "actionName": run.name,
            "startTime": ts(run.start),
            "lastUpdateTime": ts(run.last_update),
            "updatedBy": self.declaration.get("roleArn"),
            "status": run.status,
            "input": inp,
            "output": output,
        }


def _iso(t: float) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(t, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- backend

REQUIRED_CONFIG = {
    "CodeStarSourceConnection": ["ConnectionArn", "FullRepositoryId", "BranchName"],
    "CodeBuild": ["ProjectName"],
    "ECS": ["ClusterName", "ServiceName"],
    "CodeCommit": ["RepositoryName", "BranchName"],
}


class CodePipelineBackend(BaseBackend):
    def __init__(self, region_name: str, account_id: str):
        super().__init__(region_name, account_id)
        self.pipelines: dict[str, Pipeline] = {}

    @property
    def _url_module(self) -> Any:  # type: ignore[override]
        return URLS

    def not_found(self, name: str) -> ServiceError:
        return err("PipelineNotFoundException", f"Account '{self.account_id}' does not have a pipeline with name '{name}'")

    def get(self, name: str) -> Pipeline:
        p = self.pipelines.get(name)
        if p is None:
            raise self.not_found(name)
        return p

    def validate(self, decl: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(decl, dict):
            raise err("ValidationException", "pipeline is required")
        name = decl.get("name") or ""
        if not NAME_RE.match(name):
            raise err("ValidationException",
                      f"1 validation error detected: Value '{name}' at 'pipeline.name' failed to satisfy constraint: "
                      "Member must satisfy regular expression pattern: [A-Za-z0-9.@\\-_]+")
        role_arn = decl.get("roleArn") or ""
        role = find_role(self.account_id, self.region_name, role_arn) if role_arn else None
        if role is None or not role_trusts(role, "codepipeline.amazonaws.com"):
            raise err("InvalidStructureException", f"CodePipeline is not authorized to perform AssumeRole on role {role_arn}")
        if not decl.get("artifactStore") and not decl.get("artifactStores"):
            raise err("InvalidStructureException", "Pipeline must have an artifactStore or artifactStores")
        stages = decl.get("stages") or []
        if len(stages) < 2:
            raise err("InvalidStructureException",
                      f"Pipeline has only {len(stages)} stage(s). There should be a minimum of 2 stages in a pipeline")
        mode = decl.get("executionMode") or "SUPERSEDED"
        if mode not in ("SUPERSEDED", "QUEUED", "PARALLEL"):
            raise err("ValidationException", f"Invalid executionMode {mode}")
        if mode != "SUPERSEDED" and (decl.get("pipelineType") or "V1") != "V2":
            raise err("ValidationException", f"Execution mode {mode} is only supported for pipelines of type V2")
        seen_stages: set[str] = set()
        produced: set[str] = set()
        for si, stage in enumerate(stages):
            sname = stage.get("name")
            if not sname:
                raise err("InvalidStageDeclarationException", "Stage name is required")
            if sname in seen_stages:
                raise err("InvalidStructureException", f"Pipeline contains duplicate stage name '{sname}'")
            seen_stages.add(sname)
            actions = stage.get("actions") or []
            if not actions:
                raise err("InvalidStageDeclarationException", f"Stage '{sname}' must contain at least one action")
            names: set[str] = set()
            stage_outputs: list[tuple[int, str]] = []
            for action in sorted(actions, key=lambda a: a.get("runOrder", 1)):
                aname = action.get("name")
                tid = action.get("actionTypeId") or {}
                if not aname or not tid:
                    raise err("InvalidActionDeclarationException", f"Action in stage '{sname}' needs a name and actionTypeId")
                if aname in names:
                    raise err("InvalidStructureException", f"Stage '{sname}' contains duplicate action name '{aname}'")
                names.add(aname)
                is_source = tid.get("category") == "Source"
                if si == 0 and not is_source:
                    raise err("InvalidStructureException",
                              f"Stage '{sname}' is the first stage and must contain only source actions; '{aname}' is a "
                              f"{tid.get('category')} action")
                if si > 0 and is_source:
                    raise err("InvalidStructureException",
                              f"Source action '{aname}' is only allowed in the first stage of a pipeline")
                cfg = action.get("configuration") or {}
                for key in REQUIRED_CONFIG.get(tid.get("provider", ""), []):
                    if not cfg.get(key):
                        raise err("InvalidActionDeclarationException",
                                  f"Action configuration for action '{aname}' is missing required configuration '{key}'")
                run_order = action.get("runOrder", 1)
                for art in action.get("inputArtifacts") or []:
                    avail = produced | {n for ro, n in stage_outputs if ro < run_order}
                    if art.get("name") not in avail:
                        raise err("InvalidStructureException",
                                  f"Input Artifact Bundle {art.get('name')} in action '{aname}' is not declared as an "
                                  f"output artifact in any preceding action")
                for art in action.get("outputArtifacts") or []:
                    stage_outputs.append((run_order, art.get("name")))
            produced |= {n for _, n in stage_outputs}
        return decl

    def with_defaults(self, decl: dict[str, Any], version: int) -> dict[str, Any]:
        d = copy.deepcopy(decl)
        for stage in d["stages"]:
            for action in stage["actions"]:
                action.setdefault("runOrder", 1)
                action.setdefault("configuration", {})
                action.setdefault("outputArtifacts", [])
                action.setdefault("inputArtifacts", [])
        d["version"] = version
        d.setdefault("executionMode", "SUPERSEDED")
        d.setdefault("pipelineType", "V1")
        return d

    def create_pipeline(self, decl: dict[str, Any], tags: list[dict[str, str]], caller: str,
                        at: float | None = None, auto_start: bool | None = None, validate: bool = True) -> Pipeline:
        if validate:
            self.validate(decl)
        if decl["name"] in self.pipelines:
            raise err("PipelineNameInUseException",
                      f"A pipeline with the name '{decl['name']}' already exists in account '{self.account_id}'")
        _validate_tags(tags or [], {})
        at = now() if at is None else at
        pipeline = Pipeline(self, self.with_defaults(decl, 1), at)
        pipeline.tags.update({t["key"]: t["value"] for t in tags or []})
        self.pipelines[pipeline.name] = pipeline
        start = state.SETTINGS.auto_start_for(self.account_id) if auto_start is None else auto_start
        if start:
            pipeline.start_execution(at, {"triggerType": "CreatePipeline", "triggerDetail": caller}, [], {})
        return pipeline

    def update_pipeline(self, decl: dict[str, Any]) -> Pipeline:
        name = (decl or {}).get("name", "")
        pipeline = self.get(name)
        self.validate(decl)
        pipeline.advance(now())
        pipeline.version += 1
        pipeline.declaration = self.with_defaults(decl, pipeline.version)
        pipeline.versions[pipeline.version] = copy.deepcopy(pipeline.declaration)
        pipeline.updated = now()
        return pipeline

    def sync(self, at: float) -> None:
        for pipeline in list(self.pipelines.values()):
            if pipeline.active:
                pipeline.advance(at)


def _validate_tags(tags: list[dict[str, str]], existing: dict[str, str]) -> None:
    for tag in tags:
        if str(tag.get("key", "")).startswith("aws:"):
            raise err("InvalidTagsException",
                      "Not allowed to modify system tags. System tags start with 'aws:'. "
                      "msg=[Caller is an end user and not allowed to mutate system tags]")
    if len({**existing, **{t["key"]: t["value"] for t in tags}}) > 50:
        raise err("TooManyTagsException", "Tag limit exceeded for resource.")


codepipeline_backends = BackendDict(CodePipelineBackend, "codepipeline")


# --------------------------------------------------------------------------- responses


class CodePipelineResponse(JsonResponse):
    def __init__(self) -> None:
        super().__init__(service_name="codepipeline")

    @property
    def backend(self) -> CodePipelineBackend:
        return codepipeline_backends[self.current_account][self.region]

    def _caller(self) -> str:
        return f"arn:{get_partition(self.region)}:iam::{self.current_account}:root"

    def _pipeline_from_arn(self, arn: str) -> Pipeline:
        name = arn.split(":")[-1]
        pipeline = self.backend.pipelines.get(name)
        if pipeline is None or pipeline.arn != arn:
            raise err("ResourceNotFoundException",
                      f"The account with id '{self.current_account}' does not include a pipeline with the name '{name}'")
        return pipeline

    def _execution(self, pipeline: Pipeline, exec_id: str) -> Execution:
        ex = pipeline.executions.get(exec_id)
        if ex is None:
            raise err("PipelineExecutionNotFoundException",
                      f"Account '{self.current_account}' does not have an execution with id '{exec_id}' "
                      f"for pipeline '{pipeline.name}'")
        return ex

    # pipelines
    def create_pipeline(self):
        decl = self.require("pipeline")
        tags = self.p("tags", [])
        pipeline = self.backend.create_pipeline(decl, tags, self._caller())
        return self.reply({"pipeline": copy.deepcopy(pipeline.declaration),
                           "tags": sorted(tags, key=lambda t: t["key"]) if tags else None})

    def get_pipeline(self):
        pipeline = self.backend.get(self.require("name"))
        version = self.p("version")
        if version is not None:
            decl = pipeline.versions.get(int(version))
            if decl is None:
                raise err("PipelineVersionNotFoundException",
                          f"Pipeline '{pipeline.name}' does not have a version {version}")
        else:
            decl = pipeline.declaration
        return self.reply({"pipeline": copy.deepcopy(decl), "metadata": pipeline.metadata()})

    def update_pipeline(self):
        pipeline = self.backend.update_pipeline(self.require("pipeline"))
        return self.reply({"pipeline": copy.deepcopy(pipeline.declaration)})

    def delete_pipeline(self):
        self.backend.pipelines.pop(self.require("name"), None)
        return self.reply({})

    def _max_results(self) -> int:
        """The request's maxResults, 1 to 100 (100 when not given)."""
        max_results = int(self.p("maxResults", 100))
        if not 1 <= max_results <= 100:
            raise err("ValidationException", "maxResults must be between 1 and 100")
        return max_results

    def _page(self, items: list[Any], max_results: int, scope: str) -> tuple[list[Any], str | None]:
        """The page of `items` the request's nextToken asks for, and the token of the next page."""
        start = decode_token(self.p("nextToken"), scope)
        if start is None:
            raise err("InvalidNextTokenException", "The next token is not valid")
        page = items[start:start + max_results]
        return page, encode_token(start + len(page), scope) if start + len(page) < len(items) else None

    def list_pipelines(self):
        max_results = int(self.p("maxResults", 1000))
        items = [p for _, p in sorted(self.backend.pipelines.items())]
        page, token = self._page(items, max_results, "pipelines")
        out = [{"name": p.name, "version": p.version, "pipelineType": p.declaration.get("pipelineType", "V1"),
                "executionMode": p.declaration.get("executionMode", "SUPERSEDED"),
                "created": ts(p.created), "updated": ts(p.updated)} for p in page]
        return self.reply({"pipelines": out, "nextToken": token})

    # executions
    def start_pipeline_execution(self):
        pipeline = self.backend.get(self.require("name"))
        token = self.p("clientRequestToken")
        if token and token in pipeline.tokens:
            return self.reply({"pipelineExecutionId": pipeline.tokens[token]})
        variables = self._resolve_variables(pipeline, self.p("variables", []))
        overrides = self._source_overrides(pipeline, self.p("sourceRevisions", []))
        ex = pipeline.start_execution(
            now(), {"triggerType": "StartPipelineExecution", "triggerDetail": self._caller()}, variables, overrides
        )
        if token:
            pipeline.tokens[token] = ex.id
        return self.reply({"pipelineExecutionId": ex.id})

    def _resolve_variables(self, pipeline: Pipeline, given: list[dict[str, str]]) -> list[dict[str, str]]:
        declared = {v["name"]: v for v in pipeline.declaration.get("variables", []) or []}
        values: dict[str, str] = {}
        for v in given:
            if v.get("name") not in declared:
                raise err("ValidationException",
                          f"Pipeline variable '{v.get('name')}' is not declared in pipeline '{pipeline.name}'")
            values[v["name"]] = v.get("value", "")
        out = []
        for name, d in declared.items():
            if name in values:
                out.append({"name": name, "value": values[name]})
            elif d.get("defaultValue") is not None:
                out.append({"name": name, "value": d["defaultValue"]})
            else:
                raise err("ValidationException", f"Pipeline variable '{name}' has no default value and was not provided")
        return out

    def _source_overrides(self, pipeline: Pipeline, given: list[dict[str, str]]) -> dict[str, dict[str, str]]:
        sources = {a["name"]: a for a in pipeline.declaration["stages"][0]["actions"]
                   if a["actionTypeId"].get("category") == "Source"}
        allowed = {"CodeStarSourceConnection": "COMMIT_ID", "CodeCommit": "COMMIT_ID", "GitHub": "COMMIT_ID",
                   "ECR": "IMAGE_DIGEST", "S3": "S3_OBJECT_VERSION_ID"}
        out = {}
        for o in given:
            action = sources.get(o.get("actionName", ""))
            if action is None:
                raise err("ValidationException", f"Source action '{o.get('actionName')}' does not exist in pipeline")
            want = allowed.get(action["actionTypeId"].get("provider"))
            rtype = o.get("revisionType")
            if want and rtype != want and not (want == "S3_OBJECT_VERSION_ID" and rtype == "S3_OBJECT_KEY"):
                raise err("ValidationException",
                          f"Revision type {rtype} is not supported for action '{action['name']}'")
            if rtype == "COMMIT_ID" and not re.fullmatch(r"[0-9a-fA-F]{7,40}", o.get("revisionValue", "")):
                raise err("ValidationException", f"Invalid commit id '{o.get('revisionValue')}'")
            out[action["name"]] = o
        return out

    def get_pipeline_execution(self):
        pipeline = self.backend.get(self.require("pipelineName"))
        ex = self._execution(pipeline, self.require("pipelineExecutionId"))
        return self.reply({"pipelineExecution": ex.to_dict()})

    def list_pipeline_executions(self):
        pipeline = self.backend.get(self.require("pipelineName"))
        max_results = self._max_results()
        items = sorted(pipeline.executions.values(), key=lambda e: (e.start, e.seq), reverse=True)
        flt = (self.p("filter") or {}).get("succeededInStage", {}).get("stageName")
        if flt:
            items = [e for e in items if e.stage_runs.get(flt) and e.stage_runs[flt].status == "Succeeded"]
        page, token = self._page(items, max_results, f"exec:{pipeline.name}")
        return self.reply({"pipelineExecutionSummaries": [e.to_summary() for e in page], "nextToken": token})

    def stop_pipeline_execution(self):
        pipeline = self.backend.get(self.require("pipelineName"))
        ex = self._execution(pipeline, self.require("pipelineExecutionId"))
        pipeline.stop_execution(ex, now(), bool(self.p("abandon", False)), self.p("reason"))
        return self.reply({"pipelineExecutionId": ex.id})

    def retry_stage_execution(self):
        pipeline = self.backend.get(self.require("pipelineName"))
        stage = self.require("stageName")
        mode = self.require("retryMode")
        if mode not in ("FAILED_ACTIONS", "ALL_ACTIONS"):
            raise err("ValidationException", f"Invalid retryMode {mode}")
        ex = self._execution(pipeline, self.require("pipelineExecutionId"))
        pipeline.retry_stage(ex, stage, mode, now())
        return self.reply({"pipelineExecutionId": ex.id})

    def put_approval_result(self):
        pipeline = self.backend.get(self.require("pipelineName"))
        at = pipeline.put_approval_result(self.require("stageName"), self.require("actionName"),
                                          self.require("result"), self.require("token"), now(), self._caller())
        return self.reply({"approvedAt": ts(at)})

    def rollback_stage(self):
        pipeline = self.backend.get(self.require("pipelineName"))
        stage = self.require("stageName")
        target = self._execution(pipeline, self.require("targetPipelineExecutionId"))
        ex = pipeline.rollback_stage(stage, target, now(), self._caller())
        return self.reply({"pipelineExecutionId": ex.id})

    def get_pipeline_state(self):
        pipeline = self.backend.get(self.require("name"))
        return self.reply(pipeline.state(now()))

    def list_action_executions(self):
        pipeline = self.backend.get(self.require("pipelineName"))
        flt = self.p("filter") or {}
        exec_id = flt.get("pipelineExecutionId") or (flt.get("latestInPipelineExecution") or {}).get("pipelineExecutionId")
        runs: list[ActionRun] = []
        for ex in pipeline.executions.values():
            if exec_id and ex.id != exec_id:
                continue
            runs.extend(ex.action_history)
        if exec_id and exec_id not in pipeline.executions:
            raise err("PipelineExecutionNotFoundException",
                      f"Account '{self.current_account}' does not have an execution with id '{exec_id}' "
                      f"for pipeline '{pipeline.name}'")
        runs.sort(key=lambda r: (r.start, r.execution.seq), reverse=True)
        max_results = self._max_results()
        page, token = self._page(runs, max_results, f"actions:{pipeline.name}:{exec_id or ''}")
        return self.reply({"actionExecutionDetails": [pipeline.action_detail(r) for r in page], "nextToken": token})

    def disable_stage_transition(self):
        pipeline = self.backend.get(self.require("pipelineName"))
        stage = self.require("stageName")
        if pipeline._stage_index(stage) is None:
            raise err("StageNotFoundException", f"Stage {stage} does not exist in pipeline {pipeline.name}")
        pipeline.advance(now())
        pipeline.transitions[stage] = {"enabled": False, "reason": self.require("reason"),
                                       "by": self._caller(), "at": now()}
        return self.reply({})

    def enable_stage_transition(self):
        pipeline = self.backend.get(self.require("pipelineName"))
        stage = self.require("stageName")
        if pipeline._stage_index(stage) is None:
            raise err("StageNotFoundException", f"Stage {stage} does not exist in pipeline {pipeline.name}")
        t = now()
        pipeline.advance(t)
        pipeline.transitions[stage] = {"enabled": True, "reason": None, "by": self._caller(), "at": t}
        pipeline._stage_freed(stage, t)
        return self.reply({})

    # tags
    def list_tags_for_resource(self):
        pipeline = self._pipeline_from_arn(self.require("resourceArn"))
        return self.reply({"tags": [{"key": k, "value": v} for k, v in sorted(pipeline.tags.items())]})

    def tag_resource(self):
        pipeline = self._pipeline_from_arn(self.require("resourceArn"))
        tags = self.require("tags")
        _validate_tags(tags, pipeline.tags)
        pipeline.tags.update({t["key"]: t["value"] for t in tags})
        return self.reply({})

    def untag_resource(self):
        pipeline = self._pipeline_from_arn(self.require("resourceArn"))
        for key in self.require("tagKeys"):
            pipeline.tags.pop(key, None)
        return self.reply({})


URLS = types.SimpleNamespace(
    url_bases=[r"https?://codepipeline\.(.+)\.amazonaws\.com"],
    url_paths={"{0}/$": CodePipelineResponse.dispatch},
)


def register() -> None:
    import moto.codepipeline
    import moto.codepipeline.models

    moto.codepipeline.codepipeline_backends = codepipeline_backends  # type: ignore[attr-defined]
    moto.codepipeline.models.codepipeline_backends = codepipeline_backends  # type: ignore[attr-defined]
