"""ECS service deployments as they really go, on top of moto's ECS.

moto keeps one deployment per service that never changes. Here every new deployment (the
CodePipeline ECS action, or UpdateService with another task definition or forceNewDeployment)
runs a rollout over time, computed lazily like the pipelines:

- `complete`: new tasks come up, the deployment becomes COMPLETED, the previous one goes away
  (INACTIVE deployments are dropped from DescribeServices, as ECS does).
- `rollback`: tasks fail to start (CannotPullContainerError, an essential container exiting, or
  failed health checks); at the circuit breaker's threshold, clamp(ceil(desired / 2), 3, 200)
  failed tasks, the deployment becomes FAILED ("ECS deployment circuit breaker: tasks failed to
  start.") and ECS rolls back: a new deployment of the previous task definition completes.
  The stopped tasks stay visible to ListTasks(startedBy=deployment, desiredStatus=STOPPED) and
  DescribeTasks with their stoppedReason, stopCode and container exit codes and reasons.
- `stuck`: no task ever becomes healthy; the deployment stays IN_PROGRESS.

The service's events (newest first, at most 100) say what happened, in ECS's words.
What the next deployment of a service does is set with POST /_pipewright/deployments/next-outcome.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from moto.utilities.utils import get_partition

from . import state
from .util import fake_sha, new_uuid, now, put_truthy

OUTCOMES = ("complete", "rollback", "stuck")
FAILURES = ("CannotPullContainerError", "EssentialContainerExited", "HealthCheckFailed")
MAX_EVENTS = 100
# Stopped tasks are kept this long after they stop (ECS shows them for at least an hour).
STOPPED_TASK_TTL = 3600.0


def _dt(t: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(t, tz=dt.timezone.utc)


class DeployOutcome:
    """What the next deployment of a service does (the control endpoint's queue)."""

    def __init__(self, spec: dict[str, Any]):
        self.service = str(spec.get("service") or "")
        if not self.service:
            raise ValueError("service is required")
        self.cluster = spec.get("cluster")
        self.account = spec.get("account")
        self.outcome = str(spec.get("outcome") or "complete")
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}")
        self.failure = str(spec.get("failure") or "CannotPullContainerError")
        if self.failure not in FAILURES:
            raise ValueError(f"failure must be one of {', '.join(FAILURES)}")
        # What CodePipeline's ECS action reports when the circuit breaker rolled the service back:
        # Succeeded (it waited for the service to be stable again) or Failed.
        self.action_result = str(spec.get("actionResult") or "Succeeded")
        if self.action_result not in ("Succeeded", "Failed"):
            raise ValueError("actionResult must be Succeeded or Failed")
        count = spec.get("count", 1)
        if not isinstance(count, int) or count < 1:
            raise ValueError("count must be a positive integer")
        self.remaining = count

    def to_dict(self) -> dict[str, Any]:
        d = {"service": self.service, "outcome": self.outcome, "failure": self.failure,
             "actionResult": self.action_result, "remaining": self.remaining}
        return put_truthy(d, cluster=self.cluster, account=self.account and str(self.account))


DEPLOY_OUTCOMES: list[DeployOutcome] = []


def take_outcome(account: str, cluster: str, service: str) -> DeployOutcome | None:
    return state.take_first(DEPLOY_OUTCOMES, lambda item: (
        item.service == service and (not item.cluster or item.cluster == cluster)
        and (not item.account or str(item.account) == account)))


class StoppedTask:
    """A task of a deployment that failed, as DescribeTasks shows it (moto's Task needs a network
    interface per task; a stopped task needs none)."""

    def __init__(self, service: Any, deployment: dict[str, Any], task_def: Any, failure: str,
                 started: float, stopped: float):
        self.id = new_uuid().replace("-", "")
        self.cluster_name = service.cluster_name
        self.cluster_arn = service.cluster_arn
        self.region_name = service.region_name
        self.account_id = service._account_id
        self.task_definition_arn = deployment["taskDefinition"]
        self.started_by = deployment["id"]
        self.group = f"service:{service.name}"
        self.desired_status = "STOPPED"
        self.last_status = "STOPPED"
        self.launch_type = service.launch_type or "FARGATE"
        self.container_instance_arn = None
        self.tags: list[dict[str, str]] = []
        self.created_at = _dt(started)
        self.stopping_at = _dt(stopped)
        self.stopped_at = _dt(stopped)
        self.stopped = stopped
        containers = (task_def.container_definitions if task_def is not None else None) or [{"name": "app"}]
        essential = next((c for c in containers if c.get("essential", True)), containers[0])
        image = essential.get("image", "")
        if failure == "CannotPullContainerError":
            self.stop_code = "TaskFailedToStart"
            reason = (f"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to "
                      f"resolve ref {image}: {image}: not found")
            self.stopped_reason = reason
            exit_code, container_reason = None, reason
        elif failure == "EssentialContainerExited":
            self.started_at = _dt(started + 0.2 * (stopped - started))
            self.stop_code = "EssentialContainerExited"
            self.stopped_reason = "Essential container in task exited"
            exit_code, container_reason = 1, None
        else:
            self.started_at = _dt(started + 0.2 * (stopped - started))
            self.stop_code = "ServiceSchedulerInitiated"
            self.stopped_reason = "Task failed container health checks"
            exit_code, container_reason = 137, None
        self.containers = []
        for c in containers:
            d: dict[str, Any] = {
                "containerArn": (f"arn:{get_partition(self.region_name)}:ecs:{self.region_name}:{self.account_id}:"
                                 f"container/{self.cluster_name}/{self.id}/{new_uuid()}"),
                "taskArn": self.task_arn, "name": c.get("name", "app"), "image": c.get("image", ""),
                "lastStatus": "STOPPED",
            }
            if c is essential:
                if exit_code is not None:
                    d["exitCode"] = exit_code
                if container_reason:
                    d["reason"] = container_reason
                if failure == "HealthCheckFailed":
                    d["healthStatus"] = "UNHEALTHY"
            elif failure != "CannotPullContainerError":
                d["exitCode"] = 0
            self.containers.append(d)

    @property
    def task_arn(self) -> str:
        return (f"arn:{get_partition(self.region_name)}:ecs:{self.region_name}:{self.account_id}:"
                f"task/{self.cluster_name}/{self.id}")

    def advance(self) -> None:  # moto's describe_tasks moves tasks along their states
        return None


class Rollout:
    """The scheduled life of one deployment; `apply_until(t)` plays what is due."""

    def __init__(self, sim: "ServiceSim", deployment: dict[str, Any], previous: dict[str, Any] | None,
                 outcome: str, failure: str, duration: float, start: float, is_rollback: bool = False):
        self.sim = sim
        self.deployment = deployment
        self.previous = previous
        self.outcome = outcome
        self.failure = failure
        self.events: list[tuple[float, str, Any]] = []
        desired = max(int(deployment["desiredCount"]), 0)
        name = sim.service.name
        dep_id = deployment["id"]
        self.done_at: float | None = None
        if outcome == "complete" or desired == 0:
            up = start + 0.3 * duration
            self.events.append((up, "started", desired))
            self.events.append((start + duration, "completed", None))
            self.done_at = start + duration
        elif outcome == "rollback":
            threshold = min(max(math.ceil(desired / 2), 3), 200)
            gap = duration / (threshold + 1)
            for k in range(1, threshold + 1):
                self.events.append((start + (k - 0.5) * gap, "task-started", None))
                self.events.append((start + k * gap, "task-failed", start + (k - 0.5) * gap))
            fail_at = start + duration
            self.events.append((fail_at, "failed", None))
            self.fail_at = fail_at
            self.done_at = fail_at + 0.5 * duration  # the rollback deployment completes
        else:  # stuck: tasks never become healthy
            self.events.append((start + 0.2 * duration, "pending", None))
        self.events.sort(key=lambda e: e[0])
        self.name = name
        self.dep_id = dep_id
        self.duration = duration
        self.is_rollback = is_rollback

    def apply_until(self, t: float) -> None:
        while self.events and self.events[0][0] <= t:
            at, kind, arg = self.events.pop(0)
            self._apply(at, kind, arg)

    def next_time(self) -> float | None:
        return self.events[0][0] if self.events else None

    def _apply(self, at: float, kind: str, arg: Any) -> None:
        d = self.deployment
        sim = self.sim
        if d.get("status") != "PRIMARY" or not any(x is d for x in sim.service.deployments):
            # A newer deployment took over: this one's rollout stops where it is.
            self.events.clear()
            return
        d["updatedAt"] = _dt(at)
        if kind == "started":
            d["runningCount"], d["pendingCount"] = arg, 0
            sim.event(at, f"(service {self.name}) has started {arg} tasks: (task {fake_sha(self.dep_id, at)[:32]}).")
        elif kind == "completed":
            d["rolloutState"] = "COMPLETED"
            d["rolloutStateReason"] = f"ECS deployment {self.dep_id} completed."
            sim.drop_others(self.deployment)
            sim.event(at, f"(service {self.name}) (deployment {self.dep_id}) deployment completed.")
            sim.event(at, f"(service {self.name}) has reached a steady state.")
        elif kind == "task-started":
            sim.event(at, f"(service {self.name}) has started 1 tasks: (task {fake_sha(self.dep_id, at)[:32]}).")
        elif kind == "task-failed":
            d["failedTasks"] = d.get("failedTasks", 0) + 1
            task = sim.add_stopped_task(d, self.failure, arg, at)
            verb = "has stopped 1 running tasks" if self.failure != "CannotPullContainerError" else \
                "has stopped 1 pending tasks"
            sim.event(at, f"(service {self.name}) {verb}: (task {task.id}).")
        elif kind == "failed":
            d["rolloutState"] = "FAILED"
            d["rolloutStateReason"] = "ECS deployment circuit breaker: tasks failed to start."
            d["status"] = "ACTIVE"
            d["runningCount"], d["pendingCount"] = 0, 0
            sim.event(at, f"(service {self.name}) (deployment {self.dep_id}) deployment failed: tasks failed to start.")
            if self.previous is not None:
                sim.event(at, f"(service {self.name}) rolling back to deployment {self.previous['id']}.")
                sim.start(self.previous["taskDefinition"], at, "complete", self.failure, 0.5 * self.duration,
                          rollback=True, catch_up=False)


class ServiceSim:
    """The deployments of one ECS service (moto's Service object holds what is shown)."""

    def __init__(self, service: Any, backend: Any):
        self.service = service
        self.backend = backend
        self.rollouts: list[Rollout] = []
        self.stopped: list[StoppedTask] = []
        self.clock = 0.0
        service.events = list(getattr(service, "events", []) or [])
        for d in service.deployments:
            d.setdefault("failedTasks", 0)

    def event(self, at: float, message: str) -> None:
        self.service.events.insert(0, {"id": new_uuid(), "createdAt": _dt(at), "message": message})
        del self.service.events[MAX_EVENTS:]

    def drop_others(self, keep: dict[str, Any]) -> None:
        """A completed deployment drains the others: they become INACTIVE and leave the list."""
        self.service.deployments = [d for d in self.service.deployments if d is keep]
        keep["status"] = "PRIMARY"
        self.service.task_definition = keep["taskDefinition"]
        self.service.running_count = keep["runningCount"]
        self.service.pending_count = keep["pendingCount"]

    def add_stopped_task(self, deployment: dict[str, Any], failure: str, started: float, stopped: float) -> StoppedTask:
        try:
            task_def = self.backend.describe_task_definition(deployment["taskDefinition"])
        except Exception:
            task_def = None
        task = StoppedTask(self.service, deployment, task_def, failure, started, stopped)
        self.stopped.append(task)
        self.backend.tasks.setdefault(self.service.cluster_name, {})[task.task_arn] = task
        return task

    def start(self, task_definition: str, at: float, outcome: str, failure: str, duration: float,
              rollback: bool = False, catch_up: bool = True) -> Rollout:
        if catch_up:
            self.advance(at)
        svc = self.service
        dep_id = f"ecs-svc/{int(fake_sha(svc.cluster_name, svc.name, at, task_definition)[:15], 16) % 10**19:019d}"
        previous = next((d for d in svc.deployments if d.get("status") == "PRIMARY"), None)
        for d in svc.deployments:
            if d.get("status") == "PRIMARY":
                d["status"] = "ACTIVE"
        deployment = {
            "id": dep_id, "status": "PRIMARY", "taskDefinition": task_definition,
            "desiredCount": svc.desired_count, "pendingCount": svc.desired_count, "runningCount": 0,
            "failedTasks": 0, "createdAt": _dt(at), "updatedAt": _dt(at),
            "launchType": svc.launch_type, "platformVersion": svc.platform_version,
            "platformFamily": "Linux" if (svc.launch_type or "FARGATE") == "FARGATE" else None,
            "networkConfiguration": svc.network_configuration or None,
            "rolloutState": "IN_PROGRESS", "rolloutStateReason": f"ECS deployment {dep_id} in progress.",
        }
        deployment = {k: v for k, v in deployment.items() if v is not None}
        svc.deployments.insert(0, deployment)
        svc.task_definition = task_definition
        rollout = Rollout(self, deployment, previous, outcome, failure, duration, at, is_rollback=rollback)
        self.rollouts.append(rollout)
        return rollout

    def advance(self, t: float) -> None:
        # Events in time order across rollouts (a rollback starts another rollout on the way).
        while True:
            pending = [(r.next_time(), i, r) for i, r in enumerate(self.rollouts) if r.next_time() is not None]
            due = [p for p in pending if p[0] <= t]
            if not due:
                break
            _, _, r = min(due, key=lambda p: (p[0], p[1]))
            at, kind, arg = r.events.pop(0)
            r._apply(at, kind, arg)
        self.rollouts = [r for r in self.rollouts if r.events]
        self.clock = max(self.clock, t)
        keep_after = t - STOPPED_TASK_TTL
        for task in [x for x in self.stopped if x.stopped < keep_after]:
            self.stopped.remove(task)
            self.backend.tasks.get(self.service.cluster_name, {}).pop(task.task_arn, None)


_SIMS: dict[tuple[str, str, str, str], ServiceSim] = {}


def sim_for(account: str, region: str, cluster: str, service: str) -> ServiceSim | None:
    from moto.ecs.models import ecs_backends

    backend = ecs_backends[account][region]
    svc = backend.services.get(f"{cluster}:{service}")
    if svc is None:
        return None
    key = (account, region, cluster, service)
    sim = _SIMS.get(key)
    if sim is None or sim.service is not svc:
        sim = _SIMS[key] = ServiceSim(svc, backend)
    return sim


def new_revision(account: str, region: str, cluster: str, service: str, tag: str) -> str:
    """What CodePipeline's ECS action does with imagedefinitions.json: a new revision of the
    service's task definition with the container image at the new tag."""
    from moto.ecs.models import ecs_backends

    backend = ecs_backends[account][region]
    svc = backend.services[f"{cluster}:{service}"]
    td = backend.describe_task_definition(svc.task_definition)
    containers = []
    for c in td.container_definitions:
        c = dict(c)
        image = c.get("image", "")
        if ".dkr.ecr." in image:
            c["image"] = image.rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image
            c["image"] += f":{tag}"
        containers.append(c)
    new = backend.register_task_definition(
        family=td.family, container_definitions=containers, volumes=td.volumes, network_mode=td.network_mode,
        placement_constraints=td.placement_constraints, requires_compatibilities=td.requires_compatibilities,
        cpu=td.cpu, memory=td.memory, task_role_arn=getattr(td, "task_role_arn", None),
        execution_role_arn=getattr(td, "execution_role_arn", None), runtime_platform=td.runtime_platform,
        ephemeral_storage=td.ephemeral_storage,
    )
    return new.arn


def deploy(account: str, region: str, cluster: str, service: str, tag: str, at: float, duration: float,
           default: dict[str, Any] | None = None) -> tuple[Rollout, DeployOutcome | None]:
    """The CodePipeline ECS action: register the new revision and roll it out."""
    sim = sim_for(account, region, cluster, service)
    assert sim is not None
    sim.advance(at)
    spec = take_outcome(account, cluster, service)
    outcome = spec.outcome if spec else (default or {}).get("outcome", "complete")
    failure = spec.failure if spec else (default or {}).get("failure", "CannotPullContainerError")
    arn = new_revision(account, region, cluster, service, tag)
    return sim.start(arn, at, outcome, failure, duration), spec


def advance_all(account: str, region: str, t: float) -> None:
    for (a, r, _, _), sim in list(_SIMS.items()):
        if a == account and r == region:
            sim.advance(t)


def reset() -> None:
    _SIMS.clear()
    DEPLOY_OUTCOMES.clear()


def register() -> None:
    """UpdateService with another task definition, or forceNewDeployment, starts a rollout; ECS
    reads first bring the service's rollouts up to now."""
    from moto.ecs.models import EC2ContainerServiceBackend

    original_update = EC2ContainerServiceBackend.update_service

    def update_service(self: Any, props: dict[str, Any]) -> Any:
        cluster = str(props.get("cluster", "default")).split("/")[-1]
        service_name = str(props.get("service", "")).split("/")[-1]
        task_def = props.get("task_definition")
        force = bool(props.get("force_new_deployment"))
        sim = sim_for(self.account_id, self.region_name, cluster, service_name)
        before = sim.service.task_definition if sim else None
        if sim is not None:
            sim.advance(now())
        props = dict(props)
        props["force_new_deployment"] = False  # moto's own handling re-ids the first deployment
        svc = original_update(self, props)
        if sim is not None:
            resolved = self.describe_task_definition(task_def).arn if task_def else before
            svc.task_definition = before  # the rollout moves it
            if force or (resolved and resolved != before):
                from .state import SETTINGS

                spec = take_outcome(self.account_id, cluster, service_name)
                sim.start(resolved or before, now(), spec.outcome if spec else "complete",
                          spec.failure if spec else "CannotPullContainerError",
                          1.5 * SETTINGS.step_for(self.account_id))
        return svc

    EC2ContainerServiceBackend.update_service = update_service  # type: ignore[method-assign]
