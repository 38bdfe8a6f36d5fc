"""Tests of the Pipewright emulator, through boto3 against a real server process.

Run: tests/emulator/.venv/bin/python -m pytest tests/emulator -q

Every JSON response of the simulated services is also checked against botocore's output shape
(unknown keys, wrong types, enum values, and timestamps that must be epoch numbers, which is what
aws-sdk-rust expects for awsJson protocols).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from typing import Any, Callable, Iterator

import pytest
from botocore.exceptions import ClientError

from conftest import Server

HERE = os.path.dirname(os.path.abspath(__file__))
SHA_RE = re.compile(r"^[0-9a-f]{40}$")
ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")


# --------------------------------------------------------------------------- helpers (fixtures: conftest.py)


def wait_for(fn: Callable[[], Any], timeout: float = 10.0, interval: float = 0.05, what: str = "condition") -> Any:
    deadline = time.time() + timeout
    while True:
        value = fn()
        if value:
            return value
        if time.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


def error_code(exc: ClientError) -> str:
    return exc.response["Error"]["Code"]


@contextlib.contextmanager
def raises_code(code: str) -> Iterator[pytest.ExceptionInfo[ClientError]]:
    """Expects the block to fail with the AWS error `code`; yields the failure."""
    with pytest.raises(ClientError) as e:
        yield e
    assert error_code(e.value) == code


def trust(service: str, as_list: bool = False) -> str:
    principal: Any = [service] if as_list else service
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": principal}, "Action": "sts:AssumeRole"}]})


# --------------------------------------------------------------------------- environment helpers


def make_project(server: Server, account: str, name: str = "bake", **overrides: Any) -> dict[str, Any]:
    iam = server.client("iam", account)
    role_name = f"cb-{name}"
    try:
        role = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=trust("codebuild.amazonaws.com"))["Role"]
    except ClientError:
        role = iam.get_role(RoleName=role_name)["Role"]
    params: dict[str, Any] = dict(
        name=name,
        source={"type": "CODEPIPELINE", "buildspec": "backend-flask/buildspec.yml"},
        artifacts={"type": "CODEPIPELINE"},
        environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/amazonlinux2-x86_64-standard:5.0",
                     "computeType": "BUILD_GENERAL1_SMALL", "privilegedMode": True},
        serviceRole=role["Arn"],
    )
    params.update(overrides)
    return server.client("codebuild", account).create_project(**params)["project"]


def make_pipeline_env(server: Server, account: str, *, complete_connection: bool = True) -> dict[str, Any]:
    cs = server.client("codestar-connections", account)
    conn_arn = cs.create_connection(ProviderType="GitHub", ConnectionName="gh")["ConnectionArn"]
    if complete_connection:
        status, _ = server.ctl("POST", "/_pipewright/connections/complete", {"connectionArn": conn_arn, "status": "AVAILABLE"})
        assert status == 200
    iam = server.client("iam", account)
    role = iam.create_role(RoleName="pipeline-role",
                           AssumeRolePolicyDocument=trust("codepipeline.amazonaws.com", as_list=True))["Role"]
    server.client("s3", account).create_bucket(Bucket=f"artifacts-{account}")
    make_project(server, account, "bake")
    ecs = server.client("ecs", account)
    ecs.create_cluster(clusterName="cruddur")
    ecs.register_task_definition(family="backend-flask", containerDefinitions=[
        {"name": "backend-flask", "image": f"{account}.dkr.ecr.us-east-1.amazonaws.com/backend-flask:latest",
         "memory": 512}])
    ecs.create_service(cluster="cruddur", serviceName="backend-flask", taskDefinition="backend-flask", desiredCount=1)
    return {"connectionArn": conn_arn, "roleArn": role["Arn"], "bucket": f"artifacts-{account}"}


def pipeline_decl(env: dict[str, Any], name: str = "app", mode: str = "SUPERSEDED", ptype: str = "V1",
                  variables: list[dict[str, str]] | None = None, project: str = "bake") -> dict[str, Any]:
    decl: dict[str, Any] = {
        "name": name,
        "roleArn": env["roleArn"],
        "artifactStore": {"type": "S3", "location": env["bucket"]},
        "stages": [
            {"name": "Source", "actions": [{
                "name": "Source",
                "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "CodeStarSourceConnection", "version": "1"},
                "configuration": {"ConnectionArn": env["connectionArn"], "FullRepositoryId": "example-org/app",
                                  "BranchName": "prod", "OutputArtifactFormat": "CODE_ZIP"},
                "outputArtifacts": [{"name": "SourceArtifact"}]}]},
            {"name": "Build", "actions": [{
                "name": "bake",
                "actionTypeId": {"category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1"},
                "configuration": {"ProjectName": project},
                "inputArtifacts": [{"name": "SourceArtifact"}],
                "outputArtifacts": [{"name": "ImageDefinition"}]}]},
            {"name": "Deploy", "actions": [{
                "name": "Deploy",
                "actionTypeId": {"category": "Deploy", "owner": "AWS", "provider": "ECS", "version": "1"},
                "configuration": {"ClusterName": "cruddur", "ServiceName": "backend-flask",
                                  "FileName": "imagedefinitions.json"},
                "inputArtifacts": [{"name": "ImageDefinition"}]}]},
        ],
        "pipelineType": ptype,
        "executionMode": mode,
    }
    if variables is not None:
        decl["variables"] = variables
    return decl


def execution_status(cp: Any, pipeline: str, exec_id: str) -> str:
    return cp.get_pipeline_execution(pipelineName=pipeline, pipelineExecutionId=exec_id)["pipelineExecution"]["status"]


def wait_execution(cp: Any, pipeline: str, exec_id: str, statuses: tuple[str, ...] = ("Succeeded", "Failed", "Stopped", "Superseded"),
                   timeout: float = 15) -> str:
    return wait_for(lambda: (lambda s: s if s in statuses else None)(execution_status(cp, pipeline, exec_id)),
                    timeout=timeout, what=f"execution {exec_id} to reach {statuses}")


# --------------------------------------------------------------------------- basics / control


def test_health_and_config(server):
    status, body = server.ctl("GET", "/_pipewright/health")
    assert status == 200 and body["ok"] is True and body["moto"] == "5.2.5"
    status, cfg = server.ctl("GET", "/_pipewright/config")
    assert status == 200 and cfg["stepSeconds"] == 0.1
    status, cfg = server.ctl("POST", "/_pipewright/config", {"stepSeconds": 0.25, "account": "999999999991"})
    assert status == 200 and cfg["accounts"]["999999999991"]["stepSeconds"] == 0.25 and cfg["stepSeconds"] == 0.1
    status, body = server.ctl("POST", "/_pipewright/config", {"stepSeconds": -1})
    assert status == 400
    status, body = server.ctl("POST", "/_pipewright/config", {"bogus": 1})
    assert status == 400
    status, body = server.ctl("GET", "/_pipewright/nope")
    assert status == 404


def test_account_isolation_by_12_digit_access_key(server, account):
    other = str(int(account) + 1)
    assert server.client("sts", account).get_caller_identity()["Account"] == account
    assert server.client("sts", "testing").get_caller_identity()["Account"] == "123456789012"
    cs_a, cs_b = server.client("codestar-connections", account), server.client("codestar-connections", other)
    arn = cs_a.create_connection(ProviderType="GitHub", ConnectionName="mine")["ConnectionArn"]
    assert f":{account}:connection/" in arn
    assert [c["ConnectionArn"] for c in cs_a.list_connections()["Connections"]] == [arn]
    assert cs_b.list_connections()["Connections"] == []
    with raises_code("ResourceNotFoundException"):
        cs_b.get_connection(ConnectionArn=arn.replace(account, other))
    make_project(server, account, "isolated")
    assert server.client("codebuild", other).list_projects()["projects"] == []


def test_iam_aws_managed_policies_attach(server, account):
    iam = server.client("iam", account)
    iam.create_role(RoleName="cb", AssumeRolePolicyDocument=trust("codebuild.amazonaws.com"))
    arn = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser"
    iam.attach_role_policy(RoleName="cb", PolicyArn=arn)
    attached = iam.list_attached_role_policies(RoleName="cb")["AttachedPolicies"]
    assert attached == [{"PolicyName": "AmazonEC2ContainerRegistryPowerUser", "PolicyArn": arn}]
    assert iam.get_policy(PolicyArn=arn)["Policy"]["PolicyName"] == "AmazonEC2ContainerRegistryPowerUser"
    with raises_code("NoSuchEntity"):
        iam.attach_role_policy(RoleName="cb", PolicyArn="arn:aws:iam::aws:policy/NoSuchPolicyAnywhere")


# --------------------------------------------------------------------------- codestar connections


def test_connections_crud_tags_pagination_and_handshake(server, account):
    cs = server.client("codestar-connections", account)
    created = cs.create_connection(ProviderType="GitHub", ConnectionName="Cruddur",
                                   Tags=[{"Key": "app", "Value": "cruddur"}])
    arn = created["ConnectionArn"]
    assert re.match(rf"^arn:aws:codestar-connections:us-east-1:{account}:connection/[0-9a-f-]{{36}}$", arn)
    assert created["Tags"] == [{"Key": "app", "Value": "cruddur"}]
    conn = cs.get_connection(ConnectionArn=arn)["Connection"]
    assert conn == {"ConnectionName": "Cruddur", "ConnectionArn": arn, "ProviderType": "GitHub",
                    "OwnerAccountId": account, "ConnectionStatus": "PENDING"}

    # the console handshake
    status, body = server.ctl("POST", "/_pipewright/connections/complete", {"connectionArn": arn, "status": "AVAILABLE"})
    assert status == 200 and body["connection"]["ConnectionStatus"] == "AVAILABLE"
    assert cs.get_connection(ConnectionArn=arn)["Connection"]["ConnectionStatus"] == "AVAILABLE"
    status, _ = server.ctl("POST", "/_pipewright/connections/complete", {"connectionArn": arn, "status": "ERROR"})
    assert status == 200 and cs.get_connection(ConnectionArn=arn)["Connection"]["ConnectionStatus"] == "ERROR"
    status, _ = server.ctl("POST", "/_pipewright/connections/complete",
                           {"connectionArn": arn.rsplit("/", 1)[0] + "/00000000-0000-0000-0000-000000000000"})
    assert status == 404
    status, _ = server.ctl("POST", "/_pipewright/connections/complete", {"connectionArn": arn, "status": "BOGUS"})
    assert status == 400

    # tags
    cs.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "platform"}])
    assert cs.list_tags_for_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "app", "Value": "cruddur"}, {"Key": "team", "Value": "platform"}]
    cs.untag_resource(ResourceArn=arn, TagKeys=["app"])
    assert cs.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "platform"}]

    # filter + pagination
    for i in range(4):
        cs.create_connection(ProviderType="Bitbucket" if i % 2 else "GitHub", ConnectionName=f"c{i}")
    assert len(cs.list_connections(ProviderTypeFilter="Bitbucket")["Connections"]) == 2
    page1 = cs.list_connections(MaxResults=2)
    assert len(page1["Connections"]) == 2 and page1["NextToken"]
    page2 = cs.list_connections(MaxResults=2, NextToken=page1["NextToken"])
    page3 = cs.list_connections(MaxResults=2, NextToken=page2["NextToken"])
    assert "NextToken" not in page3
    names = [c["ConnectionName"] for p in (page1, page2, page3) for c in p["Connections"]]
    assert names == ["Cruddur", "c0", "c1", "c2", "c3"]

    # errors
    with raises_code("ValidationException"):
        cs.create_connection(ProviderType="SVN", ConnectionName="x")
    cs.delete_connection(ConnectionArn=arn)
    with raises_code("ResourceNotFoundException"):
        cs.get_connection(ConnectionArn=arn)
    with raises_code("ResourceNotFoundException"):
        cs.delete_connection(ConnectionArn=arn)


def test_connections_limit_exceeded(server, account):
    cs = server.client("codestar-connections", account, validate=False)
    for i in range(250):
        cs.create_connection(ProviderType="GitHub", ConnectionName=f"c{i}")
    with raises_code("LimitExceededException"):
        cs.create_connection(ProviderType="GitHub", ConnectionName="one-too-many")


# --------------------------------------------------------------------------- codebuild projects / webhooks


def test_create_project_keeps_everything_and_relaxed_validation(server, account):
    cb = server.client("codebuild", account)
    iam = server.client("iam", account)
    role = iam.create_role(RoleName="cb", AssumeRolePolicyDocument=trust("codebuild.amazonaws.com"))["Role"]
    created = cb.create_project(
        name="cruddur-backend-flask-bake-image", description="bake",
        source={"type": "GITHUB", "location": "https://github.com/example-org/app.git",
                "buildspec": "backend-flask/buildspec.yml", "gitCloneDepth": 1},
        sourceVersion="prod",
        artifacts={"type": "NO_ARTIFACTS"},
        environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/amazonlinux2-x86_64-standard:5.0",
                     "computeType": "BUILD_GENERAL1_SMALL", "privilegedMode": True,
                     "environmentVariables": [{"name": "REPO_NAME", "value": "backend-flask:latest", "type": "PLAINTEXT"}]},
        serviceRole=role["Arn"], timeoutInMinutes=20, queuedTimeoutInMinutes=60, badgeEnabled=True,
        concurrentBuildLimit=2, tags=[{"key": "app", "value": "cruddur"}],
        logsConfig={"cloudWatchLogs": {"status": "ENABLED"}},
    )["project"]
    got = cb.batch_get_projects(names=["cruddur-backend-flask-bake-image", "missing"])
    assert got["projectsNotFound"] == ["missing"]
    p = got["projects"][0]
    assert p == created
    assert p["badge"]["badgeEnabled"] is True and p["badge"]["badgeRequestUrl"].startswith("https://codebuild.us-east-1.amazonaws.com/badges?uuid=")
    assert p["environment"]["privilegedMode"] is True and p["environment"]["computeType"] == "BUILD_GENERAL1_SMALL"
    assert p["timeoutInMinutes"] == 20 and p["queuedTimeoutInMinutes"] == 60 and p["concurrentBuildLimit"] == 2
    assert p["source"]["buildspec"] == "backend-flask/buildspec.yml" and p["sourceVersion"] == "prod"
    assert p["artifacts"] == {"type": "NO_ARTIFACTS"} and p["serviceRole"] == role["Arn"]
    assert p["description"] == "bake" and p["tags"] == [{"key": "app", "value": "cruddur"}]
    assert "created" in p and "lastModified" in p

    # real AWS does not need a location for CODEPIPELINE source/artifacts; any model compute type works
    make_project(server, account, "pipeline-proj", environment={
        "type": "LINUX_LAMBDA_CONTAINER", "image": "aws/codebuild/amazonlinux-x86_64-lambda-standard:python3.12",
        "computeType": "BUILD_LAMBDA_1GB"})
    with raises_code("InvalidInputException"):
        cb.create_project(name="nolocation", source={"type": "GITHUB"}, artifacts={"type": "NO_ARTIFACTS"},
                          environment=p["environment"], serviceRole=role["Arn"])
    untrusted = iam.create_role(RoleName="wrong", AssumeRolePolicyDocument=trust("ec2.amazonaws.com"))["Role"]
    with pytest.raises(ClientError) as e:
        make_project(server, account, "badrole", serviceRole=untrusted["Arn"])
    assert error_code(e.value) == "InvalidInputException" and "sts:AssumeRole" in str(e.value)
    with raises_code("ResourceAlreadyExistsException"):
        make_project(server, account, "pipeline-proj")
    assert sorted(cb.list_projects()["projects"]) == ["cruddur-backend-flask-bake-image", "pipeline-proj"]


def test_update_project_subset(server, account):
    cb = server.client("codebuild", account)
    before = make_project(server, account, "upd", timeoutInMinutes=30, description="d1")
    time.sleep(0.01)
    after = cb.update_project(name="upd", timeoutInMinutes=20, badgeEnabled=True,
                              environment={**before["environment"], "computeType": "BUILD_GENERAL1_MEDIUM"})["project"]
    assert after["timeoutInMinutes"] == 20 and after["badge"]["badgeEnabled"] is True
    assert after["environment"]["computeType"] == "BUILD_GENERAL1_MEDIUM"
    assert after["description"] == "d1" and after["source"] == before["source"] and after["artifacts"] == before["artifacts"]
    assert after["lastModified"] > before["lastModified"] and after["created"] == before["created"]
    assert cb.batch_get_projects(names=["upd"])["projects"][0] == after
    with raises_code("ResourceNotFoundException"):
        cb.update_project(name="missing", timeoutInMinutes=20)


def test_webhooks(server, account):
    cb = server.client("codebuild", account)
    make_project(server, account, "hooked", source={"type": "GITHUB", "location": "https://github.com/example-org/app.git"},
                 artifacts={"type": "NO_ARTIFACTS"})
    groups = [[{"type": "EVENT", "pattern": "PULL_REQUEST_MERGED"}, {"type": "BASE_REF", "pattern": "^refs/heads/prod$"}]]
    hook = cb.create_webhook(projectName="hooked", filterGroups=groups, buildType="BUILD")["webhook"]
    assert hook["filterGroups"] == groups and hook["buildType"] == "BUILD"
    assert hook["url"].startswith("https://api.github.com/repos/example-org/app/hooks/")
    assert hook["payloadUrl"].startswith("https://codebuild.us-east-1.amazonaws.com/webhooks?t=")
    project = cb.batch_get_projects(names=["hooked"])["projects"][0]
    assert project["webhook"]["filterGroups"] == groups and project["webhook"]["url"] == hook["url"]
    with raises_code("ResourceAlreadyExistsException"):
        cb.create_webhook(projectName="hooked", filterGroups=groups)

    new_groups = [[{"type": "EVENT", "pattern": "PUSH"}, {"type": "HEAD_REF", "pattern": "^refs/heads/main$"}]]
    updated = cb.update_webhook(projectName="hooked", filterGroups=new_groups, buildType="BUILD_BATCH")["webhook"]
    assert updated["filterGroups"] == new_groups and updated["buildType"] == "BUILD_BATCH"
    assert cb.batch_get_projects(names=["hooked"])["projects"][0]["webhook"]["buildType"] == "BUILD_BATCH"
    with raises_code("InvalidInputException"):
        cb.update_webhook(projectName="hooked", filterGroups=[[{"type": "EVENT", "pattern": "PULL_REQUEST_EXPLODED"}]])
    with raises_code("InvalidInputException"):
        cb.update_webhook(projectName="hooked", filterGroups=[[{"type": "HEAD_REF", "pattern": "^refs/heads/main$"}]])

    cb.delete_webhook(projectName="hooked")
    assert "webhook" not in cb.batch_get_projects(names=["hooked"])["projects"][0]
    with raises_code("ResourceNotFoundException"):
        cb.delete_webhook(projectName="hooked")
    make_project(server, account, "piped")
    with raises_code("InvalidInputException"):
        cb.create_webhook(projectName="piped")
    with raises_code("ResourceNotFoundException"):
        cb.create_webhook(projectName="nope")


# --------------------------------------------------------------------------- codebuild builds


def test_build_progresses_through_phases_and_writes_logs(server, account):
    server.ctl("POST", "/_pipewright/config", {"account": account, "stepSeconds": 0.8})
    cb, logs = server.client("codebuild", account), server.client("logs", account)
    make_project(server, account, "live", source={"type": "GITHUB", "location": "https://github.com/example-org/app.git"},
                 artifacts={"type": "NO_ARTIFACTS"})
    build = cb.start_build(projectName="live", sourceVersion="prod")["build"]
    assert build["buildStatus"] == "IN_PROGRESS" and build["buildNumber"] == 1 and build["buildComplete"] is False
    assert build["logs"]["groupName"] == "/aws/codebuild/live" and build["logs"]["streamName"] == build["id"].split(":")[1]
    assert build["initiator"] == "root" and build["sourceVersion"] == "prod"
    assert build["environment"]["computeType"] == "BUILD_GENERAL1_SMALL"

    def events() -> list[str]:
        try:
            out = logs.get_log_events(logGroupName="/aws/codebuild/live", logStreamName=build["logs"]["streamName"],
                                      startFromHead=True)
        except ClientError:
            return []
        return [e["message"] for e in out["events"]]

    partial = wait_for(events, timeout=5, what="first log lines")
    assert not any("Phase complete: POST_BUILD" in m for m in partial), "logs should appear as phases advance"
    mid = cb.batch_get_builds(ids=[build["id"]])["builds"][0]
    assert mid["buildStatus"] == "IN_PROGRESS" and mid["currentPhase"] != "COMPLETED"
    assert "phaseStatus" not in mid["phases"][-1]  # the running phase has no status yet

    done = wait_for(lambda: (lambda b: b if b["buildStatus"] != "IN_PROGRESS" else None)(
        cb.batch_get_builds(ids=[build["id"]])["builds"][0]), timeout=8, what="build to finish")
    assert done["buildStatus"] == "SUCCEEDED" and done["buildComplete"] is True and done["currentPhase"] == "COMPLETED"
    assert [p["phaseType"] for p in done["phases"]] == [
        "SUBMITTED", "QUEUED", "PROVISIONING", "DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD", "BUILD", "POST_BUILD",
        "UPLOAD_ARTIFACTS", "FINALIZING", "COMPLETED"]
    assert all(p["phaseStatus"] == "SUCCEEDED" for p in done["phases"][:-1])
    assert (done["endTime"] - done["startTime"]).total_seconds() >= 1.5
    assert SHA_RE.match(done["resolvedSourceVersion"])
    # moto's bug appended nine phases on every BatchGetBuilds: must be stable now
    again = cb.batch_get_builds(ids=[build["id"]])["builds"][0]
    assert len(again["phases"]) == 11 and again == done

    final = events()
    assert len(final) > len(partial) and any("Phase complete: POST_BUILD State: SUCCEEDED" in m for m in final)
    assert any(ANSI_RE.search(m) for m in final), "some lines carry ANSI colour codes"
    assert any(m.startswith("[Container] ") and "Entering phase BUILD" in m for m in final)
    assert any("docker push" in m for m in final) and any("Successfully built" in m for m in final)
    second = cb.start_build(projectName="live")["build"]
    assert second["buildNumber"] == 2


def test_stop_build_and_next_outcome(server, account):
    server.ctl("POST", "/_pipewright/config", {"account": account, "stepSeconds": 2.0})
    cb = server.client("codebuild", account)
    make_project(server, account, "pp", source={"type": "GITHUB", "location": "https://github.com/example-org/app.git"},
                 artifacts={"type": "NO_ARTIFACTS"})
    b = cb.start_build(projectName="pp")["build"]
    stopped = cb.stop_build(id=b["id"])["build"]
    assert stopped["buildStatus"] == "STOPPED" and stopped["buildComplete"] is True
    assert any(p.get("phaseStatus") == "STOPPED" for p in stopped["phases"])
    assert stopped["phases"][-1]["phaseType"] == "COMPLETED"
    assert cb.batch_get_builds(ids=[b["id"]])["builds"][0]["buildStatus"] == "STOPPED"
    with raises_code("ResourceNotFoundException"):
        cb.stop_build(id="pp:00000000-0000-0000-0000-000000000000")

    server.ctl("POST", "/_pipewright/config", {"account": account, "stepSeconds": 0.05})
    status, body = server.ctl("POST", "/_pipewright/builds/next-outcome",
                              {"project": "pp", "outcome": "FAILED", "phase": "PRE_BUILD", "message": "no ECR login", "count": 2,
                               "account": account})
    assert status == 200 and body["outcome"]["remaining"] == 2
    status, listed = server.ctl("GET", "/_pipewright/builds/next-outcome")
    assert any(o["project"] == "pp" for o in listed["outcomes"])
    ids = [cb.start_build(projectName="pp")["build"]["id"] for _ in range(3)]
    builds = wait_for(lambda: (lambda bs: bs if all(x["buildComplete"] for x in bs) else None)(
        cb.batch_get_builds(ids=ids)["builds"]), timeout=5, what="builds to finish")
    assert [x["buildStatus"] for x in builds] == ["FAILED", "FAILED", "SUCCEEDED"]
    failed_phase = [p for p in builds[0]["phases"] if p.get("phaseStatus") == "FAILED"]
    assert failed_phase[0]["phaseType"] == "PRE_BUILD"
    assert failed_phase[0]["contexts"][0] == {"statusCode": "COMMAND_EXECUTION_ERROR", "message": "no ECR login"}
    # a failure in PRE_BUILD goes straight to FINALIZING
    assert [p["phaseType"] for p in builds[0]["phases"]][-3:] == ["PRE_BUILD", "FINALIZING", "COMPLETED"]
    status, _ = server.ctl("POST", "/_pipewright/builds/next-outcome", {"project": "pp", "outcome": "EXPLODED"})
    assert status == 400
    status, cleared = server.ctl("DELETE", "/_pipewright/builds/next-outcome")
    assert status == 200


def test_list_builds_sorting_pagination_and_batch_limits(server, account):
    server.ctl("POST", "/_pipewright/config", {"account": account, "stepSeconds": 0})
    cb = server.client("codebuild", account)
    make_project(server, account, "many")
    make_project(server, account, "other")
    ids = [cb.start_build(projectName="many")["build"]["id"] for _ in range(130)]
    other = cb.start_build(projectName="other")["build"]["id"]
    pages, token = [], None
    while True:
        kwargs = {"projectName": "many", **({"nextToken": token} if token else {})}
        resp = cb.list_builds_for_project(**kwargs)
        pages.append(resp["ids"])
        token = resp.get("nextToken")
        if not token:
            break
    assert [len(p) for p in pages] == [100, 30]
    assert [i for p in pages for i in p] == list(reversed(ids))  # newest first
    asc = cb.list_builds_for_project(projectName="many", sortOrder="ASCENDING")["ids"]
    assert asc == ids[:100]
    all_ids = cb.list_builds()
    assert all_ids["ids"][0] == other and len(all_ids["ids"]) == 100 and all_ids["nextToken"]
    got = cb.batch_get_builds(ids=ids[:100])["builds"]
    assert [b["id"] for b in got] == ids[:100]
    assert [b["buildNumber"] for b in got] == list(range(1, 101))
    with pytest.raises(ClientError) as e:
        cb.batch_get_builds(ids=ids[:101])
    # refused by the model's rule (BuildIds: at most 100), before the handler
    assert error_code(e.value) == "ValidationException"
    assert "at 'ids' failed to satisfy constraint: Member must have length less than or equal to 100" in str(e.value)
    missing = cb.batch_get_builds(ids=[ids[0], "many:00000000-0000-0000-0000-000000000000"])
    assert missing["buildsNotFound"] == ["many:00000000-0000-0000-0000-000000000000"]
    with raises_code("InvalidInputException"):
        cb.list_builds_for_project(projectName="many", nextToken="garbage")
    with raises_code("ResourceNotFoundException"):
        cb.list_builds_for_project(projectName="nope")


def test_finished_build_descriptions_are_cached_and_changes_still_show(server, account):
    server.ctl("POST", "/_pipewright/config", {"account": account, "stepSeconds": 1.0})
    cb = server.client("codebuild", account)
    raw: list[bytes] = []
    cb.meta.events.register("before-parse", lambda response_dict, **_: raw.append(response_dict["body"]))
    make_project(server, account, "cc", source={"type": "GITHUB", "location": "https://github.com/example-org/app.git"},
                 artifacts={"type": "NO_ARTIFACTS"})
    listed = cb.list_builds_for_project(projectName="cc")["ids"]
    assert listed == []
    running = cb.start_build(projectName="cc", sourceVersion="main")["build"]
    to_stop = cb.start_build(projectName="cc")["build"]
    # the listing order is kept between pages, but a new build shows up at once
    assert cb.list_builds_for_project(projectName="cc")["ids"] == [to_stop["id"], running["id"]]
    assert cb.list_builds_for_project(projectName="cc", sortOrder="ASCENDING")["ids"] == [running["id"], to_stop["id"]]

    def describe(build_id: str) -> dict[str, Any]:
        return cb.batch_get_builds(ids=[build_id])["builds"][0]

    # a running build's description follows it
    first = describe(running["id"])
    assert first["buildStatus"] == "IN_PROGRESS" and first["buildComplete"] is False
    later = wait_for(lambda: (lambda b: b if len(b["phases"]) > len(first["phases"]) else None)(describe(running["id"])),
                     timeout=10, what="the running build to reach another phase")
    assert later["phases"][:len(first["phases"]) - 1] == first["phases"][:-1]

    # stopping a running build still works, and what StopBuild answers is what BatchGetBuilds says afterwards
    stopped = cb.stop_build(id=to_stop["id"])["build"]
    assert stopped["buildStatus"] == "STOPPED" and stopped["buildComplete"] is True
    assert stopped["phases"][-1]["phaseType"] == "COMPLETED"
    assert describe(to_stop["id"]) == stopped

    done = wait_for(lambda: (lambda b: b if b["buildComplete"] else None)(describe(running["id"])),
                    timeout=15, what="the running build to finish")
    assert done["buildStatus"] == "SUCCEEDED" and done["currentPhase"] == "COMPLETED" and len(done["phases"]) == 11
    # a finished build is described identically every time, byte for byte, however much later
    raw.clear()
    time.sleep(0.3)
    both = cb.batch_get_builds(ids=[running["id"], to_stop["id"]])["builds"]
    time.sleep(0.3)
    again = cb.batch_get_builds(ids=[running["id"], to_stop["id"]])["builds"]
    assert both == again == [done, stopped]
    assert len(raw) == 2 and raw[0] == raw[1]
    # StopBuild on a finished build returns it unchanged
    assert cb.stop_build(id=running["id"])["build"] == done

    # retrying a finished build leaves it as it was (the retry runs on while we delete)
    server.ctl("POST", "/_pipewright/config", {"account": account, "stepSeconds": 30})
    retried = cb.retry_build(id=running["id"])["build"]
    assert retried["id"] != running["id"] and retried["sourceVersion"] == "main"
    assert describe(running["id"]) == done
    assert cb.list_builds_for_project(projectName="cc")["ids"] == [retried["id"], to_stop["id"], running["id"]]
    # deleting a finished (already described) build removes it from descriptions and listings
    deleted = cb.batch_delete_builds(ids=[running["id"], retried["id"]])
    assert deleted["buildsDeleted"] == [running["id"]]
    assert deleted["buildsNotDeleted"] == [{"id": retried["id"], "statusCode": "BUILD_IN_PROGRESS"}]
    gone = cb.batch_get_builds(ids=[running["id"], to_stop["id"]])
    assert gone["builds"] == [stopped] and gone["buildsNotFound"] == [running["id"]]
    assert cb.list_builds_for_project(projectName="cc")["ids"] == [retried["id"], to_stop["id"]]
    assert running["id"] not in cb.list_builds()["ids"]


def test_build_description_cache_is_dropped_when_a_build_is_stopped(tmp_path):
    """In-process (a subprocess, so moto is not imported into the test process): stop() is the only
    thing that changes a build, and it drops a description cached at a later time than the stop."""
    script = """
import json
from pipewright_emulator.codebuild import CodeBuildBackend, default_durations
cb = CodeBuildBackend("us-east-1", "210987654321")
cb.create_project({"name": "p", "source": {"type": "NO_SOURCE", "buildspec": "b.yml"},
                   "artifacts": {"type": "NO_ARTIFACTS"}, "serviceRole": "r",
                   "environment": {"type": "LINUX_CONTAINER", "image": "i", "computeType": "BUILD_GENERAL1_SMALL"}},
                  validate=False)
t0 = 1_700_000_000.0
b = cb.start_build("p", at=t0, durations=default_durations(1.0), use_control_outcome=False)
end = b.end_time
assert json.loads(b.to_json(t0 + 0.2))["buildStatus"] == "IN_PROGRESS"
assert b.to_json(t0 + 0.2) != b.to_json(t0 + 1.0)          # running: rendered afresh
done = b.to_json(end + 1)
assert b.to_json(end + 50) is done                           # finished: the cached text
assert json.loads(done)["buildStatus"] == "SUCCEEDED" and b.to_dict(end + 2) == json.loads(done)
d = b.to_dict(end + 3)
d["buildStatus"] = "changed by a caller"
assert json.loads(b.to_json(end + 4))["buildStatus"] == "SUCCEEDED"  # to_dict hands out copies
b.stop(t0 + 0.5)                                             # a stop dated before the cached description
stopped = json.loads(b.to_json(end + 5))
assert stopped["buildStatus"] == "STOPPED" and stopped["endTime"] == round(t0 + 0.5, 3), stopped
assert b.to_json(end + 6) is b.to_json(end + 7)
b.stop(end + 8)                                              # stopping a finished build changes nothing
assert json.loads(b.to_json(end + 9)) == stopped
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", script], cwd=HERE, capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stdout + out.stderr


# --------------------------------------------------------------------------- codepipeline


def test_pipeline_run_end_to_end(server, account):
    env = make_pipeline_env(server, account)
    server.ctl("POST", "/_pipewright/config", {"account": account, "stepSeconds": 0.25})
    cp, cb = server.client("codepipeline", account), server.client("codebuild", account)
    decl = pipeline_decl(env, "app", ptype="V2", mode="QUEUED",
                         variables=[{"name": "DEPLOY_ENV", "defaultValue": "prod"}, {"name": "TAG", "defaultValue": "latest"}])
    created = cp.create_pipeline(pipeline=decl, tags=[{"key": "app", "value": "x"}])
    assert created["pipeline"]["version"] == 1 and created["pipeline"]["stages"][0]["actions"][0]["runOrder"] == 1
    got = cp.get_pipeline(name="app")
    assert got["pipeline"]["executionMode"] == "QUEUED" and got["metadata"]["pipelineArn"].endswith(f":{account}:app")

    # CreatePipeline starts a first run, as on AWS
    first = cp.list_pipeline_executions(pipelineName="app")["pipelineExecutionSummaries"]
    assert len(first) == 1 and first[0]["trigger"]["triggerType"] == "CreatePipeline"
    wait_execution(cp, "app", first[0]["pipelineExecutionId"])

    sha = "0123456789abcdef0123456789abcdef01234567"
    token = "tok-123"
    ex_id = cp.start_pipeline_execution(
        name="app", clientRequestToken=token, variables=[{"name": "DEPLOY_ENV", "value": "staging"}],
        sourceRevisions=[{"actionName": "Source", "revisionType": "COMMIT_ID", "revisionValue": sha}],
    )["pipelineExecutionId"]
    assert cp.start_pipeline_execution(name="app", clientRequestToken=token)["pipelineExecutionId"] == ex_id

    live = cp.get_pipeline_execution(pipelineName="app", pipelineExecutionId=ex_id)["pipelineExecution"]
    assert live["status"] == "InProgress" and live["trigger"]["triggerType"] == "StartPipelineExecution"
    assert {v["name"]: v["resolvedValue"] for v in live["variables"]} == {"DEPLOY_ENV": "staging", "TAG": "latest"}

    def in_build_stage() -> Any:
        st = cp.get_pipeline_state(name="app")
        build = st["stageStates"][1]
        le = build["actionStates"][0].get("latestExecution", {})
        if build.get("latestExecution", {}).get("pipelineExecutionId") == ex_id and le.get("externalExecutionId"):
            return st
        return None

    st = wait_for(in_build_stage, timeout=5, what="Build stage")
    assert [s["stageName"] for s in st["stageStates"]] == ["Source", "Build", "Deploy"]
    assert st["stageStates"][0]["actionStates"][0]["latestExecution"]["externalExecutionId"] == sha
    assert st["stageStates"][0]["inboundTransitionState"] == {"enabled": True}
    bake = st["stageStates"][1]["actionStates"][0]
    assert bake["actionName"] == "bake" and "#/projects/bake/view" in bake["entityUrl"]
    build_id = bake["latestExecution"]["externalExecutionId"]
    build = cb.batch_get_builds(ids=[build_id])["builds"][0]
    assert build["initiator"] == "codepipeline/app" and build["source"]["type"] == "CODEPIPELINE"
    assert build["sourceVersion"].startswith(f"arn:aws:s3:::{env['bucket']}/")

    assert wait_execution(cp, "app", ex_id) == "Succeeded"
    assert cb.batch_get_builds(ids=[build_id])["builds"][0]["buildStatus"] == "SUCCEEDED"
    final = cp.get_pipeline_execution(pipelineName="app", pipelineExecutionId=ex_id)["pipelineExecution"]
    rev = final["artifactRevisions"][0]
    assert rev["name"] == "SourceArtifact" and rev["revisionId"] == sha
    assert json.loads(rev["revisionSummary"])["ProviderType"] == "GitHub"
    assert rev["revisionUrl"] == f"https://github.com/example-org/app/commit/{sha}"
    st = cp.get_pipeline_state(name="app")
    assert all(s["latestExecution"] == {"pipelineExecutionId": ex_id, "status": "Succeeded", "type": "STANDARD"}
               for s in st["stageStates"])
    assert all(a["latestExecution"]["status"] == "Succeeded" for s in st["stageStates"] for a in s["actionStates"])

    summaries = cp.list_pipeline_executions(pipelineName="app")["pipelineExecutionSummaries"]
    assert [s["pipelineExecutionId"] for s in summaries] == [ex_id, first[0]["pipelineExecutionId"]]
    assert summaries[0]["sourceRevisions"][0]["revisionId"] == sha and summaries[0]["lastUpdateTime"] > summaries[0]["startTime"]
    page = cp.list_pipeline_executions(pipelineName="app", maxResults=1)
    assert len(page["pipelineExecutionSummaries"]) == 1 and page["nextToken"]
    page2 = cp.list_pipeline_executions(pipelineName="app", maxResults=1, nextToken=page["nextToken"])
    assert page2["pipelineExecutionSummaries"][0]["pipelineExecutionId"] == first[0]["pipelineExecutionId"]

    actions = cp.list_action_executions(pipelineName="app", filter={"pipelineExecutionId": ex_id})["actionExecutionDetails"]
    assert [a["actionName"] for a in actions] == ["Deploy", "bake", "Source"]
    assert all(a["status"] == "Succeeded" for a in actions)
    assert actions[1]["output"]["executionResult"]["externalExecutionId"] == build_id
    assert actions[2]["output"]["outputVariables"]["CommitId"] == sha
    assert actions[1]["input"]["inputArtifacts"][0]["s3location"]["bucket"] == env["bucket"]
    assert len(cp.list_action_executions(pipelineName="app")["actionExecutionDetails"]) == 6

    with raises_code("ValidationException"):
        cp.start_pipeline_execution(name="app", variables=[{"name": "NOPE", "value": "1"}])
    with raises_code("PipelineExecutionNotFoundException"):
        cp.get_pipeline_execution(pipelineName="app", pipelineExecutionId="00000000-0000-0000-0000-000000000000")
    with raises_code("PipelineNotFoundException"):
        cp.get_pipeline_state(name="nope")


def test_create_pipeline_validation(server, account):
    env = make_pipeline_env(server, account)
    cp, iam = server.client("codepipeline", account), server.client("iam", account)
    server.ctl("POST", "/_pipewright/config", {"account": account, "autoStartOnCreate": False})
    string_role = iam.create_role(RoleName="plain", AssumeRolePolicyDocument=trust("codepipeline.amazonaws.com"))["Role"]
    cp.create_pipeline(pipeline={**pipeline_decl(env, "string-principal"), "roleArn": string_role["Arn"]})
    assert cp.list_pipeline_executions(pipelineName="string-principal")["pipelineExecutionSummaries"] == []
    bad_role = iam.create_role(RoleName="bad", AssumeRolePolicyDocument=trust("ec2.amazonaws.com"))["Role"]
    with raises_code("InvalidStructureException"):
        cp.create_pipeline(pipeline={**pipeline_decl(env, "x"), "roleArn": bad_role["Arn"]})
    with raises_code("PipelineNameInUseException"):
        cp.create_pipeline(pipeline=pipeline_decl(env, "string-principal"))
    broken = pipeline_decl(env, "broken")
    broken["stages"][1]["actions"][0]["inputArtifacts"] = [{"name": "Nope"}]
    with raises_code("InvalidStructureException"):
        cp.create_pipeline(pipeline=broken)
    one_stage = pipeline_decl(env, "short")
    one_stage["stages"] = one_stage["stages"][:1]
    with raises_code("InvalidStructureException"):
        cp.create_pipeline(pipeline=one_stage)
    updated = cp.update_pipeline(pipeline=pipeline_decl(env, "string-principal"))["pipeline"]
    assert updated["version"] == 2
    assert cp.get_pipeline(name="string-principal", version=1)["pipeline"]["version"] == 1
    assert [p["name"] for p in cp.list_pipelines()["pipelines"]] == ["string-principal"]
    arn = cp.get_pipeline(name="string-principal")["metadata"]["pipelineArn"]
    cp.tag_resource(resourceArn=arn, tags=[{"key": "k", "value": "v"}])
    assert cp.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "k", "value": "v"}]
    cp.untag_resource(resourceArn=arn, tagKeys=["k"])
    assert cp.list_tags_for_resource(resourceArn=arn)["tags"] == []
    cp.delete_pipeline(name="string-principal")
    assert cp.list_pipelines()["pipelines"] == []


def test_pipeline_build_failure_then_retry_stage(server, account):
    env = make_pipeline_env(server, account)
    server.ctl("POST", "/_pipewright/config", {"account": account, "autoStartOnCreate": False})
    cp = server.client("codepipeline", account)
    cp.create_pipeline(pipeline=pipeline_decl(env, "app"))
    server.ctl("POST", "/_pipewright/builds/next-outcome",
               {"project": "bake", "outcome": "FAILED", "phase": "BUILD", "account": account})
    ex_id = cp.start_pipeline_execution(name="app")["pipelineExecutionId"]
    assert wait_execution(cp, "app", ex_id) == "Failed"
    st = cp.get_pipeline_state(name="app")
    build_stage = st["stageStates"][1]
    assert build_stage["latestExecution"]["status"] == "Failed"
    err = build_stage["actionStates"][0]["latestExecution"]["errorDetails"]
    assert err["code"] == "JobFailed" and err["message"].startswith("Build terminated with state: FAILED. Phase: BUILD")
    assert "latestExecution" not in st["stageStates"][2]  # Deploy never ran

    with raises_code("StageNotRetryableException"):
        cp.retry_stage_execution(pipelineName="app", stageName="Source", pipelineExecutionId=ex_id, retryMode="FAILED_ACTIONS")
    assert cp.retry_stage_execution(pipelineName="app", stageName="Build", pipelineExecutionId=ex_id,
                                    retryMode="FAILED_ACTIONS")["pipelineExecutionId"] == ex_id
    assert execution_status(cp, "app", ex_id) in ("InProgress", "Succeeded")  # the retried build takes 0.2 s
    assert wait_execution(cp, "app", ex_id) == "Succeeded"
    st = cp.get_pipeline_state(name="app")
    assert st["stageStates"][1]["retryStageMetadata"] == {"manualStageRetryAttempt": 1, "latestRetryTrigger": "ManualStageRetry"}
    bakes = [a for a in cp.list_action_executions(pipelineName="app", filter={"pipelineExecutionId": ex_id})["actionExecutionDetails"]
             if a["actionName"] == "bake"]
    assert [a["status"] for a in bakes] == ["Succeeded", "Failed"]
    assert bakes[0]["output"]["executionResult"]["externalExecutionId"] != bakes[1]["output"]["executionResult"]["externalExecutionId"]
    # ALL_ACTIONS on a stopped stage
    ex2 = hold_before_build(server, cp, account, step=30)
    cp.stop_pipeline_execution(pipelineName="app", pipelineExecutionId=ex2, abandon=True, reason="test")
    server.ctl("POST", "/_pipewright/config", {"account": account, "stepSeconds": 0.1})
    cp.retry_stage_execution(pipelineName="app", stageName="Build", pipelineExecutionId=ex2, retryMode="ALL_ACTIONS")
    assert wait_execution(cp, "app", ex2) == "Succeeded"
    with raises_code("StageNotRetryableException"):
        cp.retry_stage_execution(pipelineName="app", stageName="Build", pipelineExecutionId=ex_id, retryMode="FAILED_ACTIONS")


def hold_before_build(server: Server, cp: Any, account: str, step: float) -> str:
    """Start an execution, hold it at the Build stage's inbound transition, then release it with
    `step` as the step length, so its build runs for 2*step from now (independent of machine speed)."""
    cp.disable_stage_transition(pipelineName="app", stageName="Build", transitionType="Inbound", reason="hold")
    server.ctl("POST", "/_pipewright/config", {"account": account, "stepSeconds": 0.05})
    ex = cp.start_pipeline_execution(name="app")["pipelineExecutionId"]
    wait_for(lambda: cp.get_pipeline_state(name="app")["stageStates"][1].get("inboundExecution", {})
             .get("pipelineExecutionId") == ex, timeout=5, what="execution held before Build")
    server.ctl("POST", "/_pipewright/config", {"account": account, "stepSeconds": step})
    cp.enable_stage_transition(pipelineName="app", stageName="Build", transitionType="Inbound")
    return ex


def test_stop_pipeline_execution(server, account):
    env = make_pipeline_env(server, account)
    server.ctl("POST", "/_pipewright/config", {"account": account, "autoStartOnCreate": False, "stepSeconds": 30})
    cp, cb = server.client("codepipeline", account), server.client("codebuild", account)
    cp.create_pipeline(pipeline=pipeline_decl(env, "app"))

    # abandon: stops at once, the running action is Abandoned
    ex1 = cp.start_pipeline_execution(name="app")["pipelineExecutionId"]
    cp.stop_pipeline_execution(pipelineName="app", pipelineExecutionId=ex1, abandon=True, reason="hotfix coming")
    assert execution_status(cp, "app", ex1) == "Stopped"
    source = cp.get_pipeline_state(name="app")["stageStates"][0]
    assert source["actionStates"][0]["latestExecution"]["status"] == "Abandoned"
    assert source["latestExecution"]["status"] == "Stopped"
    summary = cp.list_pipeline_executions(pipelineName="app")["pipelineExecutionSummaries"][0]
    assert summary["stopTrigger"] == {"reason": "hotfix coming"}
    with raises_code("PipelineExecutionNotStoppableException"):
        cp.stop_pipeline_execution(pipelineName="app", pipelineExecutionId=ex1)

    # stop and wait: Stopping until the running build finishes, then Stopped; Deploy never runs
    ex2 = hold_before_build(server, cp, account, step=0.8)
    cp.stop_pipeline_execution(pipelineName="app", pipelineExecutionId=ex2, abandon=False, reason="wait for it")
    assert execution_status(cp, "app", ex2) == "Stopping"
    assert cp.get_pipeline_state(name="app")["stageStates"][1]["latestExecution"]["status"] == "Stopping"
    with raises_code("DuplicatedStopRequestException"):
        cp.stop_pipeline_execution(pipelineName="app", pipelineExecutionId=ex2)
    assert wait_execution(cp, "app", ex2, timeout=5) == "Stopped"
    build_id = cp.get_pipeline_state(name="app")["stageStates"][1]["actionStates"][0]["latestExecution"]["externalExecutionId"]
    assert cb.batch_get_builds(ids=[build_id])["builds"][0]["buildStatus"] == "SUCCEEDED"  # it was let finish
    st = cp.get_pipeline_state(name="app")
    assert st["stageStates"][1]["latestExecution"]["status"] == "Stopped"
    assert "latestExecution" not in st["stageStates"][2]


def test_stop_build_fails_pipeline_action(server, account):
    env = make_pipeline_env(server, account)
    server.ctl("POST", "/_pipewright/config", {"account": account, "autoStartOnCreate": False})
    cp, cb = server.client("codepipeline", account), server.client("codebuild", account)
    cp.create_pipeline(pipeline=pipeline_decl(env, "app"))
    ex = hold_before_build(server, cp, account, step=30)
    build_id = wait_for(lambda: cp.get_pipeline_state(name="app")["stageStates"][1]["actionStates"][0]
                        .get("latestExecution", {}).get("externalExecutionId"), timeout=5, what="build")
    cb.stop_build(id=build_id)
    assert execution_status(cp, "app", ex) == "Failed"
    err = cp.get_pipeline_state(name="app")["stageStates"][1]["actionStates"][0]["latestExecution"]["errorDetails"]
    assert err["message"].startswith("Build terminated with state: STOPPED")


def test_superseded_mode(server, account):
    env = make_pipeline_env(server, account)
    # a long step keeps E1 in Source while E2 and E3 arrive, whatever the machine's speed
    server.ctl("POST", "/_pipewright/config", {"account": account, "autoStartOnCreate": False, "stepSeconds": 30})
    cp = server.client("codepipeline", account)
    cp.create_pipeline(pipeline=pipeline_decl(env, "app"))
    e1 = cp.start_pipeline_execution(name="app")["pipelineExecutionId"]
    e2 = cp.start_pipeline_execution(name="app")["pipelineExecutionId"]
    st = cp.get_pipeline_state(name="app")["stageStates"][0]
    assert st["latestExecution"]["pipelineExecutionId"] == e1
    assert st["inboundExecution"]["pipelineExecutionId"] == e2
    e3 = cp.start_pipeline_execution(name="app")["pipelineExecutionId"]
    assert execution_status(cp, "app", e2) == "Superseded"
    assert execution_status(cp, "app", e1) == "InProgress" and execution_status(cp, "app", e3) == "InProgress"
    assert cp.get_pipeline_state(name="app")["stageStates"][0]["inboundExecution"]["pipelineExecutionId"] == e3
    summaries = cp.list_pipeline_executions(pipelineName="app")["pipelineExecutionSummaries"]
    assert [s["pipelineExecutionId"] for s in summaries] == [e3, e2, e1]
    assert {s["executionMode"] for s in summaries} == {"SUPERSEDED"}
    # E1 leaves the stage: the waiting E3 enters it and runs to the end
    server.ctl("POST", "/_pipewright/config", {"account": account, "stepSeconds": 0.1})
    cp.stop_pipeline_execution(pipelineName="app", pipelineExecutionId=e1, abandon=True)
    assert execution_status(cp, "app", e1) == "Stopped"
    assert cp.get_pipeline_state(name="app")["stageStates"][0]["latestExecution"]["pipelineExecutionId"] == e3
    assert wait_execution(cp, "app", e3, timeout=8) == "Succeeded"
    assert execution_status(cp, "app", e2) == "Superseded"


def test_pending_connection_fails_source(server, account):
    env = make_pipeline_env(server, account, complete_connection=False)
    cp = server.client("codepipeline", account)
    cp.create_pipeline(pipeline=pipeline_decl(env, "app"))
    ex = cp.list_pipeline_executions(pipelineName="app")["pipelineExecutionSummaries"][0]["pipelineExecutionId"]
    assert wait_execution(cp, "app", ex) == "Failed"
    err = cp.get_pipeline_state(name="app")["stageStates"][0]["actionStates"][0]["latestExecution"]["errorDetails"]
    assert err["code"] == "ConfigurationError" and "PENDING" in err["message"]


def test_missing_codebuild_project_fails_build_action(server, account):
    env = make_pipeline_env(server, account)
    cp = server.client("codepipeline", account)
    cp.create_pipeline(pipeline=pipeline_decl(env, "app", project="does-not-exist"))
    ex = cp.list_pipeline_executions(pipelineName="app")["pipelineExecutionSummaries"][0]["pipelineExecutionId"]
    assert wait_execution(cp, "app", ex) == "Failed"
    err = cp.get_pipeline_state(name="app")["stageStates"][1]["actionStates"][0]["latestExecution"]["errorDetails"]
    assert "Project cannot be found" in err["message"]


def test_stage_transitions(server, account):
    env = make_pipeline_env(server, account)
    server.ctl("POST", "/_pipewright/config", {"account": account, "autoStartOnCreate": False})
    cp = server.client("codepipeline", account)
    cp.create_pipeline(pipeline=pipeline_decl(env, "app"))
    cp.disable_stage_transition(pipelineName="app", stageName="Deploy", transitionType="Inbound", reason="freeze")
    ex = cp.start_pipeline_execution(name="app")["pipelineExecutionId"]
    deploy = wait_for(lambda: (lambda st: st if st.get("inboundExecution") else None)(
        cp.get_pipeline_state(name="app")["stageStates"][2]), timeout=5, what="execution waiting at Deploy")
    assert deploy["inboundExecution"]["pipelineExecutionId"] == ex
    assert deploy["inboundTransitionState"]["enabled"] is False and deploy["inboundTransitionState"]["disabledReason"] == "freeze"
    assert execution_status(cp, "app", ex) == "InProgress"
    cp.enable_stage_transition(pipelineName="app", stageName="Deploy", transitionType="Inbound")
    assert wait_execution(cp, "app", ex) == "Succeeded"
    assert cp.get_pipeline_state(name="app")["stageStates"][2]["inboundTransitionState"]["enabled"] is True


def test_retry_build_delete_builds_and_codeconnections_alias(server, account):
    server.ctl("POST", "/_pipewright/config", {"account": account, "stepSeconds": 0})
    cb = server.client("codebuild", account)
    make_project(server, account, "zz", source={"type": "GITHUB", "location": "https://github.com/example-org/app.git"},
                 artifacts={"type": "NO_ARTIFACTS"})
    make_project(server, account, "aa")
    first = cb.start_build(projectName="zz", sourceVersion="main")["build"]
    retried = cb.retry_build(id=first["id"])["build"]
    assert retried["id"] != first["id"] and retried["buildNumber"] == 2 and retried["sourceVersion"] == "main"
    deleted = cb.batch_delete_builds(ids=[first["id"], "zz:00000000-0000-0000-0000-000000000000"])
    assert deleted["buildsDeleted"] == [first["id"]]
    assert deleted["buildsNotDeleted"][0]["statusCode"] == "BUILD_NOT_FOUND"
    assert cb.list_builds_for_project(projectName="zz")["ids"] == [retried["id"]]
    assert cb.list_projects(sortBy="NAME", sortOrder="DESCENDING")["projects"] == ["zz", "aa"]
    assert cb.list_projects(sortBy="CREATED_TIME")["projects"] == ["zz", "aa"]

    cc = server.client("codeconnections", account, validate=False)
    arn = cc.create_connection(ProviderType="GitHub", ConnectionName="new-name")["ConnectionArn"]
    assert arn.startswith(f"arn:aws:codeconnections:us-east-1:{account}:connection/")
    assert cc.get_connection(ConnectionArn=arn)["Connection"]["ConnectionStatus"] == "PENDING"
    listed = server.client("codestar-connections", account).list_connections()["Connections"]
    assert [c["ConnectionArn"] for c in listed] == [arn]


# --------------------------------------------------------------------------- errors, faults, counters


def test_unimplemented_operations_fail_fast(server, account):
    server.ctl("POST", "/_pipewright/requests/reset", {"account": account})
    cp = server.client("codepipeline", account, retries=3, validate=False)
    with raises_code("NotImplemented") as e:
        cp.list_webhooks()
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert "CodePipeline.ListWebhooks is not implemented by the Pipewright emulator" in str(e.value)
    iam = server.client("iam", account, retries=3)
    with raises_code("NotImplemented"):
        iam.change_password(OldPassword="a", NewPassword="b")
    cs = server.client("codestar-connections", account, retries=3)
    with raises_code("NotImplemented"):
        cs.create_host(Name="h", ProviderType="GitHubEnterpriseServer", ProviderEndpoint="https://ghe.example.com")
    notifications = server.client("codestar-notifications", account, retries=3)  # the emulator's own service
    with raises_code("NotImplemented") as e:
        notifications.list_event_types()
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    _, counts = server.ctl("GET", f"/_pipewright/requests?account={account}")
    assert counts["counts"] == {"codepipeline.ListWebhooks": 1, "iam.ChangePassword": 1,
                                "codestar-connections.CreateHost": 1,
                                "codestar-notifications.ListEventTypes": 1}, "501s must not be retried"


def test_fault_injection(server, account):
    other = str(int(account) + 7)
    status, body = server.ctl("POST", "/_pipewright/faults", {
        "service": "codepipeline", "operation": "ListPipelines", "count": 2, "code": "InternalFailure",
        "status": 500, "message": "injected", "account": account})
    assert status == 200 and body["fault"]["remaining"] == 2
    cp = server.client("codepipeline", account)
    server.client("codepipeline", other).list_pipelines()  # other accounts are not affected
    for _ in range(2):
        with pytest.raises(ClientError) as e:
            cp.list_pipelines()
        assert error_code(e.value) == "InternalFailure" and "injected" in str(e.value)
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    cp.list_pipelines()

    # "after": the first calls go through, the next one fails
    server.ctl("POST", "/_pipewright/faults", {"service": "codepipeline", "operation": "ListPipelines", "after": 2,
                                              "code": "InvalidInputException", "status": 400, "account": account})
    cp.list_pipelines()
    cp.list_pipelines()
    with raises_code("InvalidInputException"):
        cp.list_pipelines()
    cp.list_pipelines()
    status, _ = server.ctl("POST", "/_pipewright/faults", {"service": "codepipeline", "operation": "ListPipelines",
                                                          "after": -1})
    assert status == 400

    # a transient 500 is retried by the SDK and succeeds
    server.ctl("POST", "/_pipewright/faults", {"service": "codepipeline", "operation": "ListPipelines", "account": account})
    server.client("codepipeline", account, retries=3).list_pipelines()

    # XML protocols: IAM/STS (query) and S3 (rest-xml) parse the injected code
    server.ctl("POST", "/_pipewright/faults", {"service": "iam", "operation": "CreateRole", "code": "LimitExceeded",
                                              "status": 409, "message": "too many roles", "account": account})
    with pytest.raises(ClientError) as e:
        server.client("iam", account).create_role(RoleName="r", AssumeRolePolicyDocument=trust("codebuild.amazonaws.com"))
    assert error_code(e.value) == "LimitExceeded" and e.value.response["Error"]["Message"] == "too many roles"
    server.ctl("POST", "/_pipewright/faults", {"service": "sts", "operation": "GetCallerIdentity", "code": "Throttling",
                                              "status": 400, "account": account})
    with raises_code("Throttling"):
        server.client("sts", account).get_caller_identity()
    server.ctl("POST", "/_pipewright/faults", {"service": "s3", "operation": "CreateBucket", "code": "AccessDenied",
                                              "status": 403, "account": account})
    with raises_code("AccessDenied"):
        server.client("s3", account).create_bucket(Bucket=f"b-{account}")
    server.ctl("POST", "/_pipewright/faults", {"service": "codestar-connections", "operation": "CreateConnection",
                                              "code": "ResourceUnavailableException", "status": 400, "account": account})
    with raises_code("ResourceUnavailableException"):
        server.client("codestar-connections", account).create_connection(ProviderType="GitHub", ConnectionName="x")

    server.ctl("POST", "/_pipewright/faults", {"service": "codebuild", "operation": "StartBuild", "count": 5})
    status, listed = server.ctl("GET", "/_pipewright/faults")
    assert status == 200 and [(f["service"], f["operation"], f["remaining"]) for f in listed["faults"]] == [
        ("codebuild", "StartBuild", 5)]
    status, cleared = server.ctl("DELETE", "/_pipewright/faults")
    assert status == 200 and cleared["cleared"] == 1
    assert server.ctl("GET", "/_pipewright/faults")[1]["faults"] == []
    assert server.ctl("POST", "/_pipewright/faults", {"service": "codebuild"})[0] == 400


def test_request_counters(server, account):
    server.ctl("POST", "/_pipewright/requests/reset", {"account": account})
    cs = server.client("codestar-connections", account)
    cs.list_connections()
    cs.list_connections()
    server.client("sts", account).get_caller_identity()
    server.client("s3", account).list_buckets()
    status, counts = server.ctl("GET", f"/_pipewright/requests?account={account}")
    assert status == 200
    assert counts["counts"] == {"codestar-connections.ListConnections": 2, "sts.GetCallerIdentity": 1, "s3.ListBuckets": 1}
    assert counts["byAccount"][account] == counts["counts"] and counts["total"] == 4
    _, everything = server.ctl("GET", "/_pipewright/requests")
    assert everything["total"] >= 4 and account in everything["byAccount"]
    server.ctl("POST", "/_pipewright/requests/reset", {"account": account})
    assert server.ctl("GET", f"/_pipewright/requests?account={account}")[1]["total"] == 0


def test_latency_ms_config_and_validation(server, account):
    status, cfg = server.ctl("GET", "/_pipewright/config")
    assert status == 200 and cfg["latencyMs"] == 0
    for bad in (-1, 1.5, "300", True, None, 60001):
        status, body = server.ctl("POST", "/_pipewright/config", {"latencyMs": bad})
        assert status == 400 and "latencyMs" in body["error"], (bad, body)
        status, body = server.ctl("POST", "/_pipewright/config", {"account": account, "latencyMs": bad})
        assert status == 400 and "latencyMs" in body["error"], (bad, body)
    try:
        status, cfg = server.ctl("POST", "/_pipewright/config", {"account": account, "latencyMs": 25})
        assert status == 200 and cfg["accounts"][account]["latencyMs"] == 25 and cfg["latencyMs"] == 0
        status, cfg = server.ctl("POST", "/_pipewright/config", {"latencyMs": 0})
        assert status == 200 and cfg["latencyMs"] == 0
    finally:
        server.ctl("POST", "/_pipewright/config", {"account": account, "latencyMs": 0})
        server.ctl("POST", "/_pipewright/config", {"latencyMs": 0})


def test_latency_ms_round_trips_overlap(server, account):
    import threading

    latency = 0.3
    clients = [server.client("codebuild", account) for _ in range(4)]
    for c in clients:
        c.list_projects()  # load botocore's models etc. before timing
    durations: list[float] = [0.0] * 4
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def call(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            t = time.perf_counter()
            clients[i].list_projects()
            durations[i] = time.perf_counter() - t
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    try:
        status, _ = server.ctl("POST", "/_pipewright/config", {"account": account, "latencyMs": int(latency * 1000)})
        assert status == 200
        threads = [threading.Thread(target=call, args=(i,)) for i in range(4)]
        t0 = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=30)
        total = time.perf_counter() - t0
        assert not errors, errors
        assert all(d >= latency for d in durations), durations
        # one after the other they would take >= 1.2 s; side by side about 0.3 s (generous margin for a busy CI host)
        assert total < 3 * latency, (total, durations)
    finally:
        server.ctl("POST", "/_pipewright/config", {"account": account, "latencyMs": 0})


def test_latency_ms_spares_control_endpoints_and_accounts_override_it(server, account):
    other = str(int(account) + 3)
    fast, slow = server.client("sts", account), server.client("sts", other)
    fast.get_caller_identity()
    slow.get_caller_identity()
    try:
        server.ctl("POST", "/_pipewright/config", {"latencyMs": 1000})
        server.ctl("POST", "/_pipewright/config", {"account": account, "latencyMs": 0})
        for method, path in (("GET", "/_pipewright/config"), ("GET", "/_pipewright/health"),
                             ("GET", "/_pipewright/faults"), ("GET", f"/_pipewright/requests?account={other}")):
            t = time.perf_counter()
            status, body = server.ctl(method, path)
            assert status == 200 and time.perf_counter() - t < 0.6, (path, time.perf_counter() - t)
        assert body["counts"] == {"sts.GetCallerIdentity": 1}
        t = time.perf_counter()
        assert slow.get_caller_identity()["Account"] == other  # the global latency
        assert time.perf_counter() - t >= 1.0
        t = time.perf_counter()
        assert fast.get_caller_identity()["Account"] == account  # the account's own setting wins
        assert time.perf_counter() - t < 0.6
    finally:
        server.ctl("POST", "/_pipewright/config", {"latencyMs": 0})
        server.ctl("POST", "/_pipewright/config", {"account": account, "latencyMs": 0})
    assert server.ctl("GET", "/_pipewright/config")[1]["latencyMs"] == 0


# --------------------------------------------------------------------------- seed


def test_seed_demo_account(server, account):
    started = time.time()
    status, result = server.ctl("POST", "/_pipewright/seed", {"account": account, "region": "us-east-1",
                                                               "builds": 1000, "executions": 50})
    elapsed = time.time() - started
    assert status == 200, result
    assert elapsed < 10, f"seeding took {elapsed:.1f}s"
    assert result["counts"]["builds"] == 1000 and result["counts"]["executions"] == 50
    assert result["counts"]["buildsByStatus"]["SUCCEEDED"] > 700
    assert result["counts"]["buildsByStatus"].get("FAILED", 0) > 30 and result["counts"]["buildsByStatus"].get("STOPPED", 0) > 0
    assert server.ctl("POST", "/_pipewright/seed", {"account": account})[0] == 409

    cb, cp = server.client("codebuild", account), server.client("codepipeline", account)
    project = cb.batch_get_projects(names=["cruddur-backend-flask-bake-image"])["projects"][0]
    assert project["environment"]["image"] == "aws/codebuild/amazonlinux2-x86_64-standard:5.0"
    assert project["environment"]["privilegedMode"] is True and project["environment"]["computeType"] == "BUILD_GENERAL1_SMALL"
    assert project["timeoutInMinutes"] == 20 and project["source"]["buildspec"] == "backend-flask/buildspec.yml"
    assert project["source"]["type"] == "GITHUB"
    assert project["webhook"]["filterGroups"][0][0] == {"type": "EVENT", "pattern": "PULL_REQUEST_MERGED"}
    assert project["webhook"]["filterGroups"][0][1]["pattern"] == "^refs/heads/prod$"

    ids, token = [], None
    while True:
        resp = cb.list_builds_for_project(projectName="cruddur-backend-flask-bake-image", **({"nextToken": token} if token else {}))
        ids += resp["ids"]
        token = resp.get("nextToken")
        if not token:
            break
    assert len(ids) == 1000
    builds = cb.batch_get_builds(ids=ids[:100])["builds"]
    starts = [b["startTime"] for b in builds]
    assert starts == sorted(starts, reverse=True)
    oldest = cb.batch_get_builds(ids=ids[-1:])["builds"][0]
    assert oldest["startTime"].timestamp() < time.time() - 80 * 86400 and oldest["buildNumber"] == 1
    assert builds[0]["buildNumber"] == 1000
    durations = {round((b["endTime"] - b["startTime"]).total_seconds()) for b in builds}
    assert len(durations) > 50 and all(b["buildComplete"] for b in builds)
    initiators = {b["initiator"].split("/")[0] for b in builds}
    assert "GitHub-Hookshot" in initiators and "codepipeline" in initiators
    failed = [b for b in cb.batch_get_builds(ids=ids[:400][-100:])["builds"] + builds if b["buildStatus"] == "FAILED"]
    assert {p["phaseType"] for b in failed for p in b["phases"] if p.get("phaseStatus") == "FAILED"}
    logs = server.client("logs", account)
    # the oldest build that ran to success has a whole log (one that failed early has a short one, and
    # one that failed in PROVISIONING none, as on AWS)
    old_builds = cb.batch_get_builds(ids=ids[-30:])["builds"]
    logged = [b for b in old_builds if b["buildStatus"] == "SUCCEEDED"][-1]
    ev = logs.get_log_events(logGroupName=logged["logs"]["groupName"], logStreamName=logged["logs"]["streamName"],
                             startFromHead=True)["events"]
    assert len(ev) > 20 and abs(ev[0]["timestamp"] / 1000 - logged["startTime"].timestamp()) < 600
    for b in old_builds:
        if any(p["phaseType"] == "PROVISIONING" and p.get("phaseStatus") == "SUCCEEDED" for p in b["phases"]):
            assert logs.get_log_events(logGroupName=b["logs"]["groupName"], logStreamName=b["logs"]["streamName"],
                                       startFromHead=True)["events"], b["id"]
    for b in old_builds:
        if any(p["phaseType"] == "PROVISIONING" and p.get("phaseStatus") == "FAILED" for p in b["phases"]):
            with pytest.raises(logs.exceptions.ResourceNotFoundException):
                logs.get_log_events(logGroupName=b["logs"]["groupName"], logStreamName=b["logs"]["streamName"])

    ex_page = cp.list_pipeline_executions(pipelineName="cruddur-backend-fargate", maxResults=20)
    assert len(ex_page["pipelineExecutionSummaries"]) == 20 and ex_page["nextToken"]
    all_ex = ex_page["pipelineExecutionSummaries"]
    token = ex_page["nextToken"]
    while token:
        page = cp.list_pipeline_executions(pipelineName="cruddur-backend-fargate", maxResults=20, nextToken=token)
        all_ex += page["pipelineExecutionSummaries"]
        token = page.get("nextToken")
    assert len(all_ex) == 50 and [e["startTime"] for e in all_ex] == sorted((e["startTime"] for e in all_ex), reverse=True)
    assert all_ex[-1]["startTime"].timestamp() < time.time() - 60 * 86400
    statuses = {e["status"] for e in all_ex}
    assert "Succeeded" in statuses and statuses <= {"Succeeded", "Failed", "Stopped"}
    # the newest execution whose build got its source (one that failed or stopped before DOWNLOAD_SOURCE
    # has no resolvedSourceVersion, as on AWS: about 2 % of newest executions, by the seed's draw)
    for ex in all_ex:
        linked = cp.list_action_executions(pipelineName="cruddur-backend-fargate",
                                           filter={"pipelineExecutionId": ex["pipelineExecutionId"]})["actionExecutionDetails"]
        bake = [a for a in linked if a["actionName"] == "bake"][0]
        build_id = bake.get("output", {}).get("executionResult", {}).get("externalExecutionId")
        if build_id is None:
            continue
        build = cb.batch_get_builds(ids=[build_id])["builds"][0]
        assert build["initiator"] == "codepipeline/cruddur-backend-fargate"
        if "resolvedSourceVersion" in build:
            assert build["resolvedSourceVersion"] == ex["sourceRevisions"][0]["revisionId"]
            break
    else:
        raise AssertionError("no execution's build resolved its source version")
    state = cp.get_pipeline_state(name="cruddur-backend-fargate")
    assert [s["stageName"] for s in state["stageStates"]] == ["Source", "Build", "Deploy"]

    ecs = server.client("ecs", account)
    svc = ecs.describe_services(cluster="cruddur", services=["backend-flask"])["services"][0]
    td = ecs.describe_task_definition(taskDefinition=svc["taskDefinition"])["taskDefinition"]
    assert td["family"] == "backend-flask" and td["containerDefinitions"][0]["name"] == "backend-flask"
    repo = server.client("ecr", account).describe_repositories(repositoryNames=["backend-flask"])["repositories"][0]
    assert td["containerDefinitions"][0]["image"].startswith(repo["repositoryUri"])
    conns = server.client("codestar-connections", account).list_connections()["Connections"]
    assert [(c["ConnectionName"], c["ConnectionStatus"]) for c in conns] == [("Cruddur", "AVAILABLE")]
    pipeline = cp.get_pipeline(name="cruddur-backend-fargate")["pipeline"]
    assert [a["actionTypeId"]["provider"] for s in pipeline["stages"] for a in s["actions"]] == [
        "CodeStarSourceConnection", "CodeBuild", "ECS"]
    server.client("iam", account).get_role(RoleName=pipeline["roleArn"].rsplit("/", 1)[1])
    server.client("s3", account).head_bucket(Bucket=pipeline["artifactStore"]["location"])


# --------------------------------------------------------------------------- run.sh and reset (last)


def test_run_sh_starts_reports_and_stops_cleanly(tmp_path):
    ready = tmp_path / "ready"
    proc = subprocess.Popen(["bash", os.path.join(HERE, "run.sh"), "--port", "0", "--ready-file", str(ready),
                             "--latency-ms", "25"],
                            cwd="/", stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("PIPEWRIGHT_EMULATOR_URL=http://127.0.0.1:"), proc.stderr.read() if proc.poll() is not None else line  # type: ignore[union-attr]
        url = line.strip().split("=", 1)[1]
        assert ready.read_text().strip() == url
        with urllib.request.urlopen(url + "/_pipewright/health", timeout=5) as resp:
            health = json.loads(resp.read())
            assert health["ok"] is True and health["latencyMs"] == 25
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0


def test_moto_api_reset_clears_emulator_state(server, account):
    cs = server.client("codestar-connections", account)
    arn = cs.create_connection(ProviderType="GitHub", ConnectionName="gone")["ConnectionArn"]
    make_project(server, account, "gone")
    server.ctl("POST", "/_pipewright/faults", {"service": "codebuild", "operation": "StartBuild"})
    server.ctl("POST", "/_pipewright/builds/next-outcome", {"project": "gone"})
    server.ctl("POST", "/_pipewright/config", {"account": account, "stepSeconds": 9})
    req = urllib.request.Request(server.url + "/moto-api/reset", data=b"", method="POST")
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200
    assert server.ctl("GET", "/_pipewright/requests")[1]["total"] == 0
    with raises_code("ResourceNotFoundException"):
        cs.get_connection(ConnectionArn=arn)
    assert server.client("codebuild", account).list_projects()["projects"] == []
    assert server.ctl("GET", "/_pipewright/faults")[1]["faults"] == []
    assert server.ctl("GET", "/_pipewright/builds/next-outcome")[1]["outcomes"] == []
    cfg = server.ctl("GET", "/_pipewright/config")[1]
    assert cfg["accounts"] == {} and cfg["stepSeconds"] == 0.1


def test_logs_append_and_seed_only_ecr_ecs(server, account):
    status, body = server.ctl("POST", "/_pipewright/logs/append", {
        "account": account, "group": "/aws/codebuild/x", "stream": "s1",
        "lines": ["<img src=x onerror=alert(1)>", "plain"]})
    assert status == 200 and body["appended"] == 2
    logs = server.client("logs", account)
    events = logs.get_log_events(logGroupName="/aws/codebuild/x", logStreamName="s1", startFromHead=True)["events"]
    assert [e["message"] for e in events] == ["<img src=x onerror=alert(1)>", "plain"]
    status, _ = server.ctl("POST", "/_pipewright/logs/append", {"account": account})
    assert status == 400

    status, body = server.ctl("POST", "/_pipewright/seed", {"account": account, "only": ["ecr", "ecs"]})
    assert status == 200, body
    assert server.client("ecr", account).describe_repositories()["repositories"][0]["repositoryName"] == "backend-flask"
    assert server.client("ecs", account).list_services(cluster="cruddur")["serviceArns"]
    assert server.client("codepipeline", account).list_pipelines()["pipelines"] == []
    assert server.client("codebuild", account).list_projects()["projects"] == []
    status, _ = server.ctl("POST", "/_pipewright/seed", {"account": account, "only": ["pipeline"]})
    assert status == 400


def test_s3_expected_bucket_owner_is_enforced(server, account):
    """A bucket another account owns is refused with 403 when the request names its expected owner."""
    other = account[:-1] + ("1" if account[-1] != "1" else "2")
    theirs = server.client("s3", account=other)
    name = f"owned-by-{other}"
    theirs.create_bucket(Bucket=name)
    mine = server.client("s3", account=account)
    with pytest.raises(ClientError) as e:
        mine.head_bucket(Bucket=name, ExpectedBucketOwner=account)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    with raises_code("AccessDenied"):
        mine.list_objects_v2(Bucket=name, ExpectedBucketOwner=account)
    # The owner naming itself, and a request without the header, go through.
    theirs.head_bucket(Bucket=name, ExpectedBucketOwner=other)
    theirs.list_objects_v2(Bucket=name)
    # A missing bucket is still NoSuchBucket (404), not a 403.
    with pytest.raises(ClientError) as e:
        mine.head_bucket(Bucket=f"missing-{account}", ExpectedBucketOwner=account)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
