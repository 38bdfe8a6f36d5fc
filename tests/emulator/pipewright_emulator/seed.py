"""The demo account: the Cruddur backend (ECS Fargate service, ECR repo, CodeStar connection,
CodeBuild bake project with webhook, CodePipeline) with ~90 days of build and execution history.

Everything is written straight into the moto backends (no HTTP), with past timestamps, and the
pipeline history is produced by the same simulation live executions use, driven on a past clock.
"""

from __future__ import annotations

import json
import math
import random
import time
from typing import Any

from moto.utilities.utils import get_partition

from .util import fake_sha, now

PROJECT = "cruddur-backend-flask-bake-image"
PIPELINE = "cruddur-backend-fargate"
CLUSTER = "cruddur"
SERVICE = "backend-flask"
REPO = "backend-flask"
GITHUB_REPO = "example-org/aws-bootcamp-cruddur-2023"
DAY = 86400.0


class SeedConflict(Exception):
    pass


def _trust(service: str) -> str:
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
    })


def _policy(actions: list[str]) -> str:
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}],
    })


# The seed's resources in the form of AWS API requests (the seed writes them straight into the moto
# backends, so nothing checks them on the way in; seed_requests() lets the tests hold them to AWS's
# API rules, see test_validation.py).

IAM_ROLE_NAME_MAX = 64


def role_specs(region: str) -> list[tuple[str, str, str, str, list[str]]]:
    """(key, role name, path, trusted service principal, allowed actions) of the demo's IAM roles."""
    # The console names a pipeline's role AWSCodePipelineServiceRole-<region>-<pipeline>; IAM allows
    # 64 characters, which the long region names (ap-southeast-2, ...) would pass, so cut it there.
    pipeline_role = f"AWSCodePipelineServiceRole-{region}-{PIPELINE}"[:IAM_ROLE_NAME_MAX]
    return [
        ("pipeline", pipeline_role, "/service-role/", "codepipeline.amazonaws.com",
         ["s3:*", "codebuild:BatchGetBuilds", "codebuild:StartBuild", "codestar-connections:UseConnection",
          "ecs:*", "iam:PassRole"]),
        ("codebuild", f"codebuild-{PROJECT}-service-role", "/service-role/", "codebuild.amazonaws.com",
         ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "ecr:*", "s3:*"]),
        ("taskExecution", "CruddurServiceExecutionRole", "/", "ecs-tasks.amazonaws.com",
         ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents", "ssm:GetParameters"]),
        ("task", "CruddurTaskRole", "/", "ecs-tasks.amazonaws.com", ["ssmmessages:*", "xray:PutTraceSegments"]),
    ]


def artifact_bucket(account: str, region: str) -> str:
    return f"codepipeline-{region}-{account}"


def task_definition_request(account: str, region: str, task_role: str, execution_role: str) -> dict[str, Any]:
    repo_uri = f"{account}.dkr.ecr.{region}.amazonaws.com/{REPO}"
    return {
        "family": SERVICE,
        "containerDefinitions": [{
            "name": SERVICE, "image": f"{repo_uri}:latest", "essential": True, "cpu": 0,
            "portMappings": [{"name": SERVICE, "containerPort": 4567, "hostPort": 4567, "protocol": "tcp",
                              "appProtocol": "http"}],
            "environment": [{"name": "OTEL_SERVICE_NAME", "value": SERVICE},
                            {"name": "FRONTEND_URL", "value": "https://cruddur.example.com"},
                            {"name": "AWS_DEFAULT_REGION", "value": region}],
            "healthCheck": {"command": ["CMD-SHELL", "python /backend-flask/bin/health-check"],
                            "interval": 30, "timeout": 5, "retries": 3, "startPeriod": 60},
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": "cruddur", "awslogs-region": region, "awslogs-stream-prefix": SERVICE}},
        }],
        "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
        "taskRoleArn": task_role, "executionRoleArn": execution_role,
    }


def project_request(account: str, region: str, service_role: str) -> dict[str, Any]:
    return {
        "name": PROJECT,
        "description": "Bakes the backend-flask container image and pushes it to ECR",
        "source": {"type": "GITHUB", "location": f"https://github.com/{GITHUB_REPO}.git", "gitCloneDepth": 1,
                   "gitSubmodulesConfig": {"fetchSubmodules": False}, "buildspec": "backend-flask/buildspec.yml",
                   "reportBuildStatus": False, "insecureSsl": False},
        "sourceVersion": "prod",
        "artifacts": {"type": "NO_ARTIFACTS"},
        "cache": {"type": "NO_CACHE"},
        "environment": {
            "type": "LINUX_CONTAINER", "image": "aws/codebuild/amazonlinux2-x86_64-standard:5.0",
            "computeType": "BUILD_GENERAL1_SMALL", "privilegedMode": True, "imagePullCredentialsType": "CODEBUILD",
            "environmentVariables": [
                {"name": "AWS_ACCOUNT_ID", "value": account, "type": "PLAINTEXT"},
                {"name": "CONTAINER_NAME", "value": SERVICE, "type": "PLAINTEXT"},
                {"name": "IMAGE_URL", "value": f"{account}.dkr.ecr.{region}.amazonaws.com", "type": "PLAINTEXT"},
                {"name": "REPO_NAME", "value": f"{REPO}:latest", "type": "PLAINTEXT"},
            ],
        },
        "serviceRole": service_role,
        "timeoutInMinutes": 20,
        "queuedTimeoutInMinutes": 480,
        "badgeEnabled": False,
        "logsConfig": {"cloudWatchLogs": {"status": "ENABLED", "groupName": f"/aws/codebuild/{PROJECT}"},
                       "s3Logs": {"status": "DISABLED", "encryptionDisabled": False}},
        "tags": [{"key": "app", "value": "cruddur"}],
    }


def webhook_request() -> dict[str, Any]:
    return {
        "projectName": PROJECT,
        "filterGroups": [[{"type": "EVENT", "pattern": "PULL_REQUEST_MERGED"},
                          {"type": "BASE_REF", "pattern": "^refs/heads/prod$", "excludeMatchedPattern": False}]],
        "buildType": "BUILD",
    }


def pipeline_tags() -> list[dict[str, str]]:
    return [{"key": "app", "value": "cruddur"}]


def pipeline_declaration(region: str, role_arn: str, bucket: str, connection_arn: str) -> dict[str, Any]:
    return {
        "name": PIPELINE,
        "roleArn": role_arn,
        "artifactStore": {"type": "S3", "location": bucket},
        "stages": [
            {"name": "Source", "actions": [{
                "name": "Source",
                "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "CodeStarSourceConnection",
                                 "version": "1"},
                "runOrder": 1,
                "configuration": {"ConnectionArn": connection_arn, "FullRepositoryId": GITHUB_REPO,
                                  "BranchName": "prod", "OutputArtifactFormat": "CODE_ZIP", "DetectChanges": "true"},
                "outputArtifacts": [{"name": "SourceArtifact"}], "inputArtifacts": [],
                "region": region, "namespace": "SourceVariables"}]},
            {"name": "Build", "actions": [{
                "name": "bake",
                "actionTypeId": {"category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1"},
                "runOrder": 1,
                "configuration": {"ProjectName": PROJECT},
                "outputArtifacts": [{"name": "ImageDefinition"}], "inputArtifacts": [{"name": "SourceArtifact"}],
                "region": region, "namespace": "BuildVariables"}]},
            {"name": "Deploy", "actions": [{
                "name": "Deploy",
                "actionTypeId": {"category": "Deploy", "owner": "AWS", "provider": "ECS", "version": "1"},
                "runOrder": 1,
                "configuration": {"ClusterName": CLUSTER, "ServiceName": SERVICE, "FileName": "imagedefinitions.json"},
                "outputArtifacts": [], "inputArtifacts": [{"name": "ImageDefinition"}],
                "region": region, "namespace": "DeployVariables"}]},
        ],
        "pipelineType": "V1",
        "executionMode": "SUPERSEDED",
    }


CONNECTION_NAME = "Cruddur"


def seed_requests(account: str, region: str = "us-east-1") -> list[tuple[str, str, dict[str, Any]]]:
    """(service, operation, parameters) of every resource seed_demo() makes, as the API requests that
    would make them (ARNs of resources made earlier in the list are written out as AWS forms them)."""
    partition = "aws-us-gov" if region.startswith("us-gov-") else "aws-cn" if region.startswith("cn-") else "aws"
    out: list[tuple[str, str, dict[str, Any]]] = []
    roles: dict[str, str] = {}
    for key, name, path, principal, actions in role_specs(region):
        out.append(("iam", "CreateRole", {"RoleName": name, "Path": path, "AssumeRolePolicyDocument": _trust(principal),
                                          "Description": f"Pipewright demo role ({key})"}))
        out.append(("iam", "PutRolePolicy", {"RoleName": name, "PolicyName": f"{name}-policy",
                                             "PolicyDocument": _policy(actions)}))
        roles[key] = f"arn:{partition}:iam::{account}:role{path}{name}"
    bucket = artifact_bucket(account, region)
    out.append(("s3", "CreateBucket", {"Bucket": bucket}))
    out.append(("ecr", "CreateRepository", {"repositoryName": REPO, "encryptionConfiguration": {"encryptionType": "AES256"},
                                            "imageScanningConfiguration": {"scanOnPush": False},
                                            "imageTagMutability": "MUTABLE"}))
    out.append(("ecs", "CreateCluster", {"clusterName": CLUSTER}))
    out.append(("ecs", "RegisterTaskDefinition", task_definition_request(account, region, roles["task"], roles["taskExecution"])))
    out.append(("ecs", "CreateService", {
        "cluster": CLUSTER, "serviceName": SERVICE, "desiredCount": 1, "taskDefinition": f"{SERVICE}:1",
        "launchType": "FARGATE", "platformVersion": "LATEST", "propagateTags": "SERVICE",
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-0123456789abcdef0"],
                                                         "securityGroups": ["sg-0123456789abcdef0"],
                                                         "assignPublicIp": "ENABLED"}}}))
    out.append(("codestar-connections", "CreateConnection", {"ConnectionName": CONNECTION_NAME, "ProviderType": "GitHub"}))
    conn_arn = f"arn:{partition}:codestar-connections:{region}:{account}:connection/00000000-0000-4000-8000-000000000000"
    out.append(("codebuild", "CreateProject", project_request(account, region, roles["codebuild"])))
    out.append(("codebuild", "CreateWebhook", webhook_request()))
    out.append(("codepipeline", "CreatePipeline", {"pipeline": pipeline_declaration(region, roles["pipeline"], bucket, conn_arn),
                                                  "tags": pipeline_tags()}))
    return out


def _build_durations(r: random.Random) -> dict[str, float]:
    return {
        "QUEUED": r.uniform(0.5, 6),
        "PROVISIONING": r.uniform(14, 55),
        "DOWNLOAD_SOURCE": r.uniform(2, 11),
        "INSTALL": r.uniform(0.3, 3),
        "PRE_BUILD": r.uniform(3, 14),
        "BUILD": min(900.0, math.exp(r.gauss(math.log(140), 0.45))),
        "POST_BUILD": r.uniform(15, 110),
        "UPLOAD_ARTIFACTS": r.uniform(0.5, 3),
        "FINALIZING": r.uniform(1, 4),
    }


class _Plan:
    def __init__(self, outcome: str, phase: str, message: str | None = None):
        self.outcome = outcome
        self.phase = phase
        self.message = message
        self.status_code = None


def _build_plan(r: random.Random) -> _Plan | None:
    x = r.random()
    if x < 0.85:
        return None
    if x < 0.96:
        phase = r.choices(["BUILD", "PRE_BUILD", "POST_BUILD", "DOWNLOAD_SOURCE", "INSTALL", "PROVISIONING",
                           "UPLOAD_ARTIFACTS"], weights=[50, 14, 14, 8, 5, 5, 4])[0]
        return _Plan("FAILED", phase)
    if x < 0.99:
        return _Plan("STOPPED", r.choice(["BUILD", "POST_BUILD", "PROVISIONING"]))
    return _Plan("TIMED_OUT", "BUILD")


def seed_demo(account: str, region: str = "us-east-1", builds: int = 300, executions: int = 40,
              seed: Any = None, only: list[str] | None = None) -> dict[str, Any]:
    """Seeds the demo account. `only=["ecr", "ecs"]` makes just the ECR repository and the ECS
    cluster/service (with its task roles): the starting point of a user who has an ECS service and
    no pipeline yet."""
    from moto.ecr.models import ecr_backends
    from moto.ecs.models import ecs_backends
    from moto.iam.models import iam_backends
    from moto.s3.models import s3_backends

    from .codebuild import codebuild_backends
    from .codepipeline import codepipeline_backends
    from .codestar_connections import codestarconnections_backends

    started = time.time()
    partition = get_partition(region)
    cp = codepipeline_backends[account][region]
    cb = codebuild_backends[account][region]
    if PIPELINE in cp.pipelines or PROJECT in cb.projects:
        raise SeedConflict(f"account {account} region {region} is already seeded (reset with POST /moto-api/reset)")
    r = random.Random(seed if seed is not None else f"{account}/{region}")
    t_now = now()
    t0 = t_now - 92 * DAY

    # --- IAM roles
    iam = iam_backends[account][partition]
    roles: dict[str, str] = {}
    specs = role_specs(region)
    if only is not None:
        specs = [spec for spec in specs if spec[0] in ("taskExecution", "task")]
    for key, name, path, principal, actions in specs:
        try:
            role = iam.get_role(name)
        except Exception:
            role = iam.create_role(name, _trust(principal), path, None, f"Pipewright demo role ({key})", [], None)
            iam.put_role_policy(name, f"{name}-policy", _policy(actions))
        roles[key] = role.arn

    # --- S3 artifact bucket
    bucket = artifact_bucket(account, region)
    s3 = s3_backends[account][partition]
    if only is None:
        try:
            s3.get_bucket(bucket)
        except Exception:
            s3.create_bucket(bucket, region)

    # --- ECR + ECS
    ecr = ecr_backends[account][region]
    if REPO not in ecr.repositories:
        ecr.create_repository(REPO, None, {"encryptionType": "AES256"}, {"scanOnPush": False}, "MUTABLE", [])
    repo_uri = f"{account}.dkr.ecr.{region}.amazonaws.com/{REPO}"
    ecs = ecs_backends[account][region]
    if CLUSTER not in ecs.clusters:
        ecs.create_cluster(CLUSTER)
    td = task_definition_request(account, region, roles["task"], roles["taskExecution"])
    task_def = ecs.register_task_definition(
        family=td["family"], container_definitions=td["containerDefinitions"], network_mode=td["networkMode"],
        requires_compatibilities=td["requiresCompatibilities"], cpu=td["cpu"], memory=td["memory"],
        task_role_arn=td["taskRoleArn"], execution_role_arn=td["executionRoleArn"],
    )
    if f"{CLUSTER}:{SERVICE}" not in ecs.services:
        from moto.ec2.models import ec2_backends

        ec2 = ec2_backends[account][region]
        vpc = ec2.get_default_vpc()
        subnets = [s.id for s in ec2.describe_subnets(filters={"default-for-az": "true"})][:2]
        sg = ec2.get_security_group_from_name("default", vpc.id if vpc else None)
        ecs.create_service(
            CLUSTER, SERVICE, 1, task_definition_str=f"{SERVICE}:{task_def.revision}", launch_type="FARGATE",
            platform_version="LATEST", propagate_tags="SERVICE",
            network_configuration={"awsvpcConfiguration": {
                "subnets": subnets, "securityGroups": [sg.id] if sg else [], "assignPublicIp": "ENABLED"}},
        )

    if only is not None:
        return {"account": account, "region": region, "only": sorted(only),
                "repository": repo_uri, "cluster": CLUSTER, "service": SERVICE}

    # --- CodeStar connection
    conns = codestarconnections_backends[account][region]
    conn = next((c for c in conns.connections.values() if c.name == CONNECTION_NAME), None)
    if conn is None:
        conn = conns.create_connection(CONNECTION_NAME, "GitHub", None, [])
    conn.status = "AVAILABLE"

    # --- CodeBuild project + webhook
    project = cb.create_project(project_request(account, region, roles["codebuild"]), created=t0, validate=False)
    project.last_modified = t0 + 2 * DAY
    cb.create_webhook(webhook_request())
    project.webhook["lastModifiedSecret"] = t0 + 60  # type: ignore[index]
    project.last_modified = t0 + 2 * DAY

    # --- pipeline
    pipeline = cp.create_pipeline(pipeline_declaration(region, roles["pipeline"], bucket, conn.arn), pipeline_tags(),
                                  f"arn:{partition}:iam::{account}:root", at=t0 + 2 * DAY, auto_start=False)

    # --- history: pick execution start times (spaced), then the other builds
    span_start, span_end = t_now - 90 * DAY, t_now - 15 * 60
    # the demo always has a recent release (within the last three days), whatever the random draw
    exec_times: list[float] = [r.uniform(span_end - 3 * DAY, span_end - 3600)] if executions > 0 else []
    attempts = 0
    while len(exec_times) < executions and attempts < executions * 50:
        attempts += 1
        t = r.uniform(span_start, span_end - 3600)
        if all(abs(t - other) > 1800 for other in exec_times):
            exec_times.append(t)
    exec_times.sort()
    other_times = sorted(r.uniform(span_start, span_end) for _ in range(builds - len(exec_times)))
    # Most releases start with a merged pull request: CodeBuild's webhook (PULL_REQUEST_MERGED) builds
    # the merge commit seconds before the pipeline picks it up. A third of the other builds are such
    # builds of a released commit.
    merged_sha: dict[float, str] = {}
    if exec_times and other_times:
        rc = random.Random(f"{account}/{region}/merges")
        picks = rc.sample(range(len(other_times)), min(len(other_times) // 3, len(exec_times)))
        for i, te in zip(picks, rc.sample(exec_times, len(picks))):
            other_times[i] = te - rc.uniform(2, 30)
            merged_sha[other_times[i]] = fake_sha(account, "commit", te)
        other_times.sort()
    events = [(t, "exec") for t in exec_times] + [(t, "build") for t in other_times]
    events.sort()

    caller = f"arn:{partition}:iam::{account}:root"
    counts = {"builds": 0, "executions": 0, "buildsByStatus": {}, "executionsByStatus": {}}
    stops: list[tuple[float, Any, bool]] = []
    for t, kind in events:
        # apply any scheduled stop that is due, then let the pipeline catch up to t
        for item in [s for s in stops if s[0] <= t]:
            stops.remove(item)
            pipeline.advance(item[0])
            if item[1].status in ("InProgress", "Stopping"):
                pipeline.stop_execution(item[1], item[0], item[2], "Superseded by a newer fix" if item[2] else None)
        pipeline.advance(t)
        if kind == "exec":
            src = r.uniform(4, 14)
            build_plan = _build_plan(r)
            plan: dict[str, Any] = {
                "source_duration": src,
                "build_durations": _build_durations(r),
                "build_plan": build_plan,
                "deploy_duration": r.uniform(90, 420),
                "deploy_fail": build_plan is None and r.random() < 0.04,
                "revision": {"sha": fake_sha(account, "commit", t), "author_date": t - r.uniform(120, 7200)},
            }
            trigger = ({"triggerType": "Webhook", "triggerDetail": conn.arn} if r.random() < 0.8 else
                       {"triggerType": "StartPipelineExecution", "triggerDetail": caller})
            ex = pipeline.start_execution(t, trigger, [], {}, plan=plan)
            if build_plan is None and r.random() < 0.05:
                stops.append((t + src + r.uniform(40, 90), ex, r.random() < 0.5))
            counts["executions"] += 1
        else:
            x = r.random()
            if x < 0.8 or t in merged_sha:
                initiator = f"GitHub-Hookshot/{fake_sha(t)[:7]}"
                version = fake_sha(account, "pr", t)
            else:
                initiator = r.choice(["root", "andrew", "pipewright-admin"])
                version = r.choice(["prod", "main", None])
            cb.start_build(PROJECT, at=t, initiator=initiator, source_version=version,
                           resolved_sha=merged_sha.get(t) or fake_sha(account, "commit", t),
                           durations=_build_durations(r),
                           plan=_build_plan(r), use_control_outcome=False)
    for t_stop, ex, abandon in stops:
        pipeline.advance(t_stop)
        if ex.status in ("InProgress", "Stopping"):
            pipeline.stop_execution(ex, t_stop, abandon, "Superseded by a newer fix" if abandon else None)
    pipeline.advance(t_now)
    cb.flush_logs(t_now)

    for b in cb.builds.values():
        if b.project_name == PROJECT:
            s = b.status_at(t_now)
            counts["buildsByStatus"][s] = counts["buildsByStatus"].get(s, 0) + 1
    counts["builds"] = sum(counts["buildsByStatus"].values())
    for ex in pipeline.executions.values():
        counts["executionsByStatus"][ex.status] = counts["executionsByStatus"].get(ex.status, 0) + 1

    return {
        "account": account,
        "region": region,
        "counts": counts,
        "resources": {
            "connectionArn": conn.arn,
            "codebuildProject": PROJECT,
            "pipeline": PIPELINE,
            "pipelineArn": pipeline.arn,
            "cluster": CLUSTER,
            "service": SERVICE,
            "taskDefinitionArn": task_def.arn,
            "repositoryUri": repo_uri,
            "artifactBucket": bucket,
            "roles": roles,
        },
        "seconds": round(time.time() - started, 3),
    }
