"""The emulator holds every request to AWS's API rules (botocore's models) before its handler runs.

Run: tests/emulator/.venv/bin/python -m pytest tests/emulator -q

boto3 checks some rules itself, so the negative tests use clients made with
`client_validation=False` (botocore's `parameter_validation=False`), and requests boto3 cannot even
build (unknown members, wrong JSON types) are signed and sent by hand (`raw`).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from conftest import Server
from test_emulator import error_code, make_project, raises_code, trust

HERE = os.path.dirname(os.path.abspath(__file__))
TARGETS = {"codebuild": "CodeBuild_20161006", "codepipeline": "CodePipeline_20150709",
           "codestar-connections": "com.amazonaws.codestar.connections.CodeStar_connections_20191201",
           "logs": "Logs_20140328", "ecr": "AmazonEC2ContainerRegistry_V20150921",
           "ecs": "AmazonEC2ContainerServiceV20141113"}
JSON_10 = {"codestar-connections"}


def raw(server: Server, account: str, service: str, *, operation: str | None = None, body: Any = None,
        form: list[tuple[str, str]] | None = None, method: str = "POST", path: str = "/",
        headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """A SigV4-signed request as an SDK would send it, but with any body: JSON (X-Amz-Target
    `operation`) or a query-protocol form."""
    hdrs = dict(headers or {})
    data: bytes = b""
    if form is not None:
        data = urlencode(form).encode()
        hdrs["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
    elif operation is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        hdrs["Content-Type"] = f"application/x-amz-json-{'1.0' if service in JSON_10 else '1.1'}"
        hdrs["X-Amz-Target"] = f"{TARGETS[service]}.{operation}"
    req = AWSRequest(method=method, url=server.url + path, data=data, headers=hdrs)
    SigV4Auth(Credentials(account, "secret"), service, "us-east-1").add_auth(req)
    prepared = req.prepare()
    http_req = urllib.request.Request(prepared.url, data=prepared.body or None, method=method,
                                      headers=dict(prepared.headers.items()))
    try:
        with urllib.request.urlopen(http_req, timeout=30) as resp:
            return resp.status, dict(resp.headers.items()), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers.items()), e.read()


def refused(exc: pytest.ExceptionInfo[ClientError], code: str) -> str:
    """Asserts a 400 with `code`; returns the message."""
    err = exc.value.response
    assert err["Error"]["Code"] == code, err
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 400, err
    return str(err["Error"]["Message"])


def project_params(account: str, **overrides: Any) -> dict[str, Any]:
    params: dict[str, Any] = dict(
        name="bake",
        source={"type": "CODEPIPELINE", "buildspec": "buildspec.yml"},
        artifacts={"type": "CODEPIPELINE"},
        environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/amazonlinux2-x86_64-standard:5.0",
                     "computeType": "BUILD_GENERAL1_SMALL"},
        serviceRole=f"arn:aws:iam::{account}:role/cb",
    )
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def pipeline(account: str, name: str = "app") -> dict[str, Any]:
    return {
        "name": name,
        "roleArn": f"arn:aws:iam::{account}:role/pipeline-role",
        "artifactStore": {"type": "S3", "location": f"artifacts-{account}"},
        "stages": [
            {"name": "Source", "actions": [{
                "name": "Source",
                "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "CodeStarSourceConnection",
                                 "version": "1"},
                "configuration": {"ConnectionArn": f"arn:aws:codestar-connections:us-east-1:{account}:connection/x",
                                  "FullRepositoryId": "example-org/app", "BranchName": "prod"},
                "outputArtifacts": [{"name": "SourceArtifact"}]}]},
            {"name": "Build", "actions": [{
                "name": "bake",
                "actionTypeId": {"category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1"},
                "configuration": {"ProjectName": "bake"},
                "inputArtifacts": [{"name": "SourceArtifact"}]}]},
        ],
    }


# --------------------------------------------------------------------------- JSON protocol


def test_validation_is_on_by_default(server):
    status, health = server.ctl("GET", "/_pipewright/health")
    assert status == 200 and health["validate"] is True


def test_too_long_pipeline_name(server, account):
    cp = server.client("codepipeline", account, client_validation=False)
    name = "p" * 101
    with pytest.raises(ClientError) as e:
        cp.create_pipeline(pipeline=pipeline(account, name))
    assert refused(e, "ValidationException") == (
        f"1 validation error detected: Value '{name}' at 'pipeline.name' failed to satisfy constraint: "
        "Member must have length less than or equal to 100")
    assert cp.list_pipelines()["pipelines"] == []  # refused before the handler ran
    with pytest.raises(ClientError) as e:
        cp.get_pipeline(name=name)
    assert "at 'name' failed to satisfy constraint: Member must have length less than or equal to 100" in refused(e, "ValidationException")
    # 100 characters is allowed: the request reaches the handler, which looks the pipeline up
    with raises_code("PipelineNotFoundException"):
        cp.get_pipeline(name="p" * 100)


def test_pattern_mismatch_in_codebuild_project_name(server, account):
    cb = server.client("codebuild", account, client_validation=False)
    with pytest.raises(ClientError) as e:
        cb.create_project(**project_params(account, name="bake image"))
    assert refused(e, "ValidationException") == (
        "1 validation error detected: Value 'bake image' at 'name' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [A-Za-z0-9][A-Za-z0-9\\-_]{1,149}")
    # the pattern is applied to the whole value (AWS writes it unanchored)
    with pytest.raises(ClientError) as e:
        cb.create_project(**project_params(account, name="bake!"))
    assert "regular expression pattern" in refused(e, "ValidationException")
    # two rules broken by one value are two errors
    with pytest.raises(ClientError) as e:
        cb.create_project(**project_params(account, name="-" + "x" * 150))
    message = refused(e, "ValidationException")
    assert message.startswith("2 validation errors detected: ")
    assert "Member must have length less than or equal to 150; " in message and message.endswith(
        "Member must satisfy regular expression pattern: [A-Za-z0-9][A-Za-z0-9\\-_]{1,149}")
    assert cb.list_projects()["projects"] == []


def test_unknown_enum_value(server, account):
    cb = server.client("codebuild", account, client_validation=False)
    env = {"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0", "computeType": "BUILD_GENERAL1_HUGE"}
    with pytest.raises(ClientError) as e:
        cb.create_project(**project_params(account, environment=env))
    message = refused(e, "ValidationException")
    assert message.startswith(
        "1 validation error detected: Value 'BUILD_GENERAL1_HUGE' at 'environment.computeType' failed to satisfy "
        "constraint: Member must satisfy enum value set: [BUILD_GENERAL1_SMALL, BUILD_GENERAL1_MEDIUM, "), message
    with pytest.raises(ClientError) as e:
        cb.start_build(projectName="bake", computeTypeOverride="HUGE")
    assert "at 'computeTypeOverride' failed to satisfy constraint: Member must satisfy enum value set" in refused(e, "ValidationException")
    with pytest.raises(ClientError) as e:
        cb.list_builds(sortOrder="SIDEWAYS")
    assert "Value 'SIDEWAYS' at 'sortOrder'" in refused(e, "ValidationException")


def test_missing_required_members(server, account):
    cb = server.client("codebuild", account, client_validation=False)
    with pytest.raises(ClientError) as e:
        cb.create_project(**project_params(account, environment=None))
    assert refused(e, "ValidationException") == (
        "1 validation error detected: Value null at 'environment' failed to satisfy constraint: Member must not be null")
    with pytest.raises(ClientError) as e:
        cb.create_project(**project_params(account, environment=None, artifacts=None))
    assert refused(e, "ValidationException") == (
        "2 validation errors detected: Value null at 'artifacts' failed to satisfy constraint: Member must not be null; "
        "Value null at 'environment' failed to satisfy constraint: Member must not be null")
    # nested: an action without actionTypeId, in the second stage
    decl = pipeline(account)
    del decl["stages"][1]["actions"][0]["actionTypeId"]
    with pytest.raises(ClientError) as e:
        server.client("codepipeline", account, client_validation=False).create_pipeline(pipeline=decl)
    assert refused(e, "ValidationException") == (
        "1 validation error detected: Value null at 'pipeline.stages.2.member.actions.1.member.actionTypeId' "
        "failed to satisfy constraint: Member must not be null")
    status, _, body = raw(server, account, "codebuild", operation="StartBuild", body={})
    assert status == 400 and json.loads(body) == {
        "__type": "ValidationException",
        "message": "1 validation error detected: Value null at 'projectName' failed to satisfy constraint: "
                   "Member must not be null"}


def test_unknown_members(server, account):
    status, headers, body = raw(server, account, "codebuild", operation="ListProjects", body={"bogus": 1})
    assert status == 400 and headers["Content-Type"] == "application/x-amz-json-1.1"
    err = json.loads(body)
    assert err["__type"] == "ValidationException" and "Unknown member 'bogus'" in err["message"]
    decl = pipeline(account)
    decl["stages"][0]["actions"][0]["runorder"] = 1  # a misspelt runOrder
    status, _, body = raw(server, account, "codepipeline", operation="CreatePipeline", body={"pipeline": decl})
    assert status == 400
    assert "Unknown member 'pipeline.stages.1.member.actions.1.member.runorder'" in json.loads(body)["message"]
    # PascalCase JSON services: AWS prints member paths lowerCamel
    status, _, body = raw(server, account, "codestar-connections", operation="CreateConnection",
                          body={"ConnectionName": "x" * 33, "ProviderType": "GitHub"})
    assert status == 400 and "at 'connectionName' failed to satisfy constraint: Member must have length less than " \
                              "or equal to 32" in json.loads(body)["message"]


def test_list_too_long_batch_get_builds(server, account):
    cb = server.client("codebuild", account, client_validation=False)
    ids = [f"bake:00000000-0000-4000-8000-{i:012d}" for i in range(101)]
    with pytest.raises(ClientError) as e:
        cb.batch_get_builds(ids=ids)
    message = refused(e, "ValidationException")
    assert message.startswith(f"1 validation error detected: Value '[{ids[0]}, {ids[1]}, ")
    assert message.endswith("at 'ids' failed to satisfy constraint: Member must have length less than or equal to 100")
    assert len(cb.batch_get_builds(ids=ids[:100])["buildsNotFound"]) == 100
    with pytest.raises(ClientError) as e:
        cb.batch_get_builds(ids=[])
    assert "Member must have length greater than or equal to 1" in refused(e, "ValidationException")
    with pytest.raises(ClientError) as e:
        cb.batch_get_builds(ids=["bake:x", ""])
    assert refused(e, "ValidationException") == (
        "1 validation error detected: Value '[bake:x, ]' at 'ids' failed to satisfy constraint: Member must satisfy "
        "constraint: [Member must have length greater than or equal to 1]")


def test_integer_out_of_range(server, account):
    cb = server.client("codebuild", account, client_validation=False)
    with pytest.raises(ClientError) as e:
        cb.create_project(**project_params(account, timeoutInMinutes=4))
    assert refused(e, "ValidationException") == (
        "1 validation error detected: Value '4' at 'timeoutInMinutes' failed to satisfy constraint: "
        "Member must have value greater than or equal to 5")
    with pytest.raises(ClientError) as e:
        cb.create_project(**project_params(account, timeoutInMinutes=2161, queuedTimeoutInMinutes=481))
    assert refused(e, "ValidationException") == (
        "2 validation errors detected: Value '2161' at 'timeoutInMinutes' failed to satisfy constraint: "
        "Member must have value less than or equal to 2160; Value '481' at 'queuedTimeoutInMinutes' failed to "
        "satisfy constraint: Member must have value less than or equal to 480")
    cp = server.client("codepipeline", account, client_validation=False)
    with pytest.raises(ClientError) as e:
        cp.list_pipelines(maxResults=1001)
    assert "Value '1001' at 'maxResults'" in refused(e, "ValidationException")


def test_wrong_json_types_are_serialization_exceptions(server, account):
    status, _, body = raw(server, account, "codebuild", operation="BatchGetBuilds", body={"ids": "bake:x"})
    assert status == 400 and json.loads(body)["__type"] == "SerializationException"
    status, _, body = raw(server, account, "codebuild", operation="CreateProject",
                          body={**project_params(account), "timeoutInMinutes": "20"})
    assert status == 400 and json.loads(body)["__type"] == "SerializationException"
    status, _, body = raw(server, account, "codebuild", operation="ListProjects", body=b"{not json")
    assert status == 400 and json.loads(body)["__type"] == "SerializationException"


def test_service_specific_error_codes(server, account):
    # CloudWatch Logs and ECR answer model-rule failures with InvalidParameterException
    logs = server.client("logs", account, client_validation=False)
    with pytest.raises(ClientError) as e:
        logs.create_log_stream(logGroupName="/aws/codebuild/bake", logStreamName="a:b")
    assert refused(e, "InvalidParameterException") == (
        "1 validation error detected: Value 'a:b' at 'logStreamName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [^:*]*")
    ecr = server.client("ecr", account, client_validation=False)
    with pytest.raises(ClientError) as e:
        ecr.create_repository(repositoryName="Backend-Flask")
    assert refused(e, "InvalidParameterException").startswith(
        "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '")


# --------------------------------------------------------------------------- query protocol (IAM, STS)


def test_iam_role_name_too_long_query_protocol(server, account):
    iam = server.client("iam", account, client_validation=False)
    name = "r" * 65
    with pytest.raises(ClientError) as e:
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust("codebuild.amazonaws.com"))
    assert refused(e, "ValidationError") == (
        f"1 validation error detected: Value '{name}' at 'roleName' failed to satisfy constraint: "
        "Member must have length less than or equal to 64")
    assert e.value.response["Error"]["Type"] == "Sender"
    with pytest.raises(ClientError) as e:
        iam.get_role(RoleName=name[:64])
    assert error_code(e.value) == "NoSuchEntity"  # nothing was created
    # lists come as Tags.member.N.Key: rules of their members are checked at AWS's paths
    with pytest.raises(ClientError) as e:
        iam.create_role(RoleName="ok", AssumeRolePolicyDocument=trust("codebuild.amazonaws.com"),
                        Tags=[{"Key": "app", "Value": "a*b"}], MaxSessionDuration=60)
    message = refused(e, "ValidationError")
    assert message.startswith("2 validation errors detected: ") and \
        "Value '60' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600" in message and \
        "Value 'a*b' at 'tags.1.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: " in message
    # the raw XML, and an unknown parameter
    status, headers, body = raw(server, account, "iam", form=[
        ("Action", "CreateRole"), ("Version", "2010-05-08"), ("RoleName", "ok"),
        ("AssumeRolePolicyDocument", trust("codebuild.amazonaws.com")), ("RoleNmae", "typo")])
    assert status == 400 and body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse>')
    assert headers["Content-Type"] == "text/xml" and b"<Type>Sender</Type><Code>ValidationError</Code>" in body
    assert b"<Message>1 validation error detected: Unknown member 'RoleNmae'" in body
    with pytest.raises(ClientError) as e:
        server.client("sts", account, client_validation=False).assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/ok", RoleSessionName="has space")
    assert "at 'roleSessionName' failed to satisfy constraint" in refused(e, "ValidationError")


# --------------------------------------------------------------------------- S3


@pytest.mark.parametrize("name", ["ab", "Bad_Bucket", "UPPER", "192.168.5.4", "xn--bucket", "sthree-bucket",
                                  "bucket-s3alias", "bucket--ol-s3", "bucket.mrap", "my..bucket",
                                  "-bucket", "bucket-", "b" * 64])
def test_bad_s3_bucket_names(server, account, name):
    s3 = server.client("s3", account, client_validation=False)
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket=name)
    assert refused(e, "InvalidBucketName") == "The specified bucket is not valid."
    assert e.value.response["Error"]["BucketName"] == name


def test_bad_s3_bucket_name_raw_request(server, account):
    # boto3 sends names ending in --x-s3 (directory buckets) elsewhere; a plain path-style CreateBucket
    status, headers, body = raw(server, account, "s3", method="PUT", path="/bucket--x-s3")
    assert status == 400 and headers["Content-Type"] == "text/xml"
    assert b"<Code>InvalidBucketName</Code><Message>The specified bucket is not valid.</Message>" \
           b"<BucketName>bucket--x-s3</BucketName>" in body


def test_s3_valid_names_and_expected_bucket_owner(server, account):
    s3 = server.client("s3", account, client_validation=False)
    for name in (f"artifacts.{account}", f"a1-{account}", "b" * 63):
        s3.create_bucket(Bucket=name)
        s3.head_bucket(Bucket=name, ExpectedBucketOwner=account)
    with pytest.raises(ClientError) as e:
        s3.list_objects_v2(Bucket=f"a1-{account}", ExpectedBucketOwner="12345")
    refused(e, "InvalidArgument")
    assert e.value.response["Error"]["ArgumentName"] == "x-amz-expected-bucket-owner"


# --------------------------------------------------------------------------- valid requests still pass


def test_valid_requests_of_every_kind_pass(server, account):
    iam = server.client("iam", account)
    role = iam.create_role(RoleName="AWSCodePipelineServiceRole-us-east-1-cruddur-backend-fargate",
                           Path="/service-role/", Description="pipeline role", MaxSessionDuration=3600,
                           AssumeRolePolicyDocument=trust("codepipeline.amazonaws.com"),
                           Tags=[{"Key": "app", "Value": "cruddur backend:1"}])["Role"]
    iam.put_role_policy(RoleName=role["RoleName"], PolicyName="inline",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))
    assert iam.list_roles(MaxItems=5, PathPrefix="/service-role/")["Roles"][0]["RoleName"] == role["RoleName"]
    iam.tag_role(RoleName=role["RoleName"], Tags=[{"Key": "team", "Value": "équipe"}])
    assert server.client("sts", account).get_caller_identity()["Account"] == account
    s3 = server.client("s3", account)
    s3.create_bucket(Bucket=f"codepipeline-us-east-1-{account}")
    s3.put_object(Bucket=f"codepipeline-us-east-1-{account}", Key="a/b.zip", Body=b"zip")
    assert s3.list_objects_v2(Bucket=f"codepipeline-us-east-1-{account}", EncodingType="url")["KeyCount"] == 1
    ecr = server.client("ecr", account)
    ecr.create_repository(repositoryName="cruddur/backend-flask", imageTagMutability="MUTABLE")
    assert ecr.describe_repositories(maxResults=10)["repositories"][0]["repositoryName"] == "cruddur/backend-flask"
    ecs = server.client("ecs", account)
    ecs.create_cluster(clusterName="cruddur", tags=[{"key": "app", "value": "cruddur"}])
    assert len(ecs.list_clusters(maxResults=10)["clusterArns"]) == 1
    logs = server.client("logs", account)
    logs.create_log_group(logGroupName="/aws/codebuild/bake")
    logs.create_log_stream(logGroupName="/aws/codebuild/bake", logStreamName="0b1c-uuid")
    logs.put_log_events(logGroupName="/aws/codebuild/bake", logStreamName="0b1c-uuid",
                        logEvents=[{"timestamp": int(time.time() * 1000), "message": "hello"}])
    assert logs.get_log_events(logGroupName="/aws/codebuild/bake", logStreamName="0b1c-uuid", startFromHead=True,
                               limit=10)["events"][0]["message"] == "hello"
    cs = server.client("codestar-connections", account)
    cs.create_connection(ProviderType="GitHub", ConnectionName="Cruddur", Tags=[{"Key": "app", "Value": "x"}])
    assert len(cs.list_connections(ProviderTypeFilter="GitHub", MaxResults=10)["Connections"]) == 1
    cb = server.client("codebuild", account)
    make_project(server, account, "cruddur-backend-flask-bake-image", timeoutInMinutes=20, queuedTimeoutInMinutes=480)
    assert cb.list_builds_for_project(projectName="cruddur-backend-flask-bake-image", sortOrder="ASCENDING")["ids"] == []
    cp = server.client("codepipeline", account)
    assert cp.list_pipelines(maxResults=100)["pipelines"] == []


def test_control_endpoints_are_not_validated(server, account):
    # /_pipewright/... bodies are not AWS requests (no model); moto's own endpoints neither
    status, _ = server.ctl("POST", "/_pipewright/requests/reset", {"account": account, "anything": ["goes"]})
    assert status == 200
    with urllib.request.urlopen(server.url + "/moto-api/data.json", timeout=10) as resp:
        assert resp.status == 200


def test_validation_can_be_turned_off(tmp_path):
    log = tempfile.NamedTemporaryFile(prefix="pipewright-emulator-novalidate-", suffix=".log", delete=False)
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PIPEWRIGHT_EMULATOR_VALIDATE="0")
    proc = subprocess.Popen([sys.executable, "-m", "pipewright_emulator", "--port", "0"], cwd=HERE,
                            stdout=subprocess.PIPE, stderr=log, text=True, env=env)
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("PIPEWRIGHT_EMULATOR_URL="), open(log.name).read()
        srv = Server(line.split("=", 1)[1].strip(), proc, log.name)
        assert srv.ctl("GET", "/_pipewright/health")[1]["validate"] is False
        cb = srv.client("codebuild", "210987654321", client_validation=False)
        with pytest.raises(ClientError) as e:  # reaches the handler, which has its own (looser) checks
            cb.create_project(**project_params("210987654321", name="bake image"))
        assert error_code(e.value) == "InvalidInputException"
        status, _, _ = raw(srv, "210987654321", "codebuild", operation="ListProjects", body={"bogus": 1})
        assert status == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0


# --------------------------------------------------------------------------- the validator itself (subprocesses:
# moto is not imported into the test process, where it would hook boto3)


def run_python(script: str) -> str:
    out = subprocess.run([sys.executable, "-c", script], cwd=HERE, capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


def test_every_pattern_of_the_models_compiles_or_is_skipped_gracefully():
    out = run_python("""
import botocore.session
from pipewright_emulator.validation import _compile_pattern, input_node
session = botocore.session.get_session()
ops = skipped = 0
for name in ["sts", "iam", "s3", "ecr", "ecs", "codestar-connections", "codeconnections", "codepipeline",
             "codebuild", "logs"]:
    model = session.get_service_model(name)
    for op in model.operation_names:
        input_node(name, op)   # compiles every input shape without raising
        ops += 1
m = _compile_pattern(r"[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*")          # Java's \\p{..}: the regex fallback
assert m is not None and m("héllo wörld") and not m("a*b")
m = _compile_pattern(r"[\\w-_]*")                                  # Java's class syntax
assert m is not None and m("a-_b") and not m("a.b")
m = _compile_pattern("AWS|ThirdParty")                              # full match, not search
assert m("AWS") and not m("AWSX") and not m("XThirdParty")
m = _compile_pattern(r"[^:*]*")
assert m("") and not m("a:b")
print(ops)
""")
    assert int(out.strip()) > 500


def test_seed_requests_satisfy_aws_rules():
    """The demo seed writes straight into moto; its resources as API requests must pass AWS's rules,
    in any region (the console-style pipeline role name is cut to IAM's 64 characters)."""
    run_python("""
from pipewright_emulator.seed import seed_requests
from pipewright_emulator.validation import bucket_name_problem, validate_params
problems = []
for region in ["us-east-1", "eu-central-1", "ap-southeast-2", "ap-southeast-5", "us-gov-west-1"]:
    for service, operation, params in seed_requests("123456789012", region):
        if service == "s3":
            problem = bucket_name_problem(params["Bucket"])
        else:
            problem = validate_params(service, operation, params)
        if problem:
            problems.append((region, service, operation, problem))
assert not problems, problems
""")


def test_validation_overhead_is_well_under_a_millisecond():
    out = run_python("""
import io, json, time
from pipewright_emulator.protocol import identify
from pipewright_emulator.validation import validate_request

def environ(target, body, ctype="application/x-amz-json-1.1", service="codebuild"):
    data = body.encode()
    env = {"REQUEST_METHOD": "POST", "PATH_INFO": "/", "QUERY_STRING": "", "CONTENT_TYPE": ctype,
           "CONTENT_LENGTH": str(len(data)), "wsgi.input": io.BytesIO(data),
           "HTTP_AUTHORIZATION": f"AWS4-HMAC-SHA256 Credential=123456789012/20260101/us-east-1/{service}/aws4_request"}
    if target:
        env["HTTP_X_AMZ_TARGET"] = target
    return env

ids = [f"bake:00000000-0000-4000-8000-{i:012d}" for i in range(100)]
cases = {
    "ListBuildsForProject": ("CodeBuild_20161006.ListBuildsForProject", json.dumps({"projectName": "bake", "sortOrder": "DESCENDING"}), "codebuild"),
    "BatchGetBuilds(100)": ("CodeBuild_20161006.BatchGetBuilds", json.dumps({"ids": ids}), "codebuild"),
    "CreateRole(query)": (None, "Action=CreateRole&Version=2010-05-08&RoleName=r&AssumeRolePolicyDocument=%7B%7D&Tags.member.1.Key=a&Tags.member.1.Value=b", "iam"),
}
result = {}
for label, (target, body, service) in cases.items():
    ctype = "application/x-www-form-urlencoded; charset=utf-8" if target is None else "application/x-amz-json-1.1"
    envs = [environ(target, body, ctype, service) for _ in range(2000)]
    infos = [identify(e) for e in envs]
    assert validate_request(infos[0], envs[0]) is None
    t = time.perf_counter()
    for info, env in zip(infos[1:], envs[1:]):
        validate_request(info, env)
    result[label] = (time.perf_counter() - t) / (len(envs) - 1) * 1e6
print(json.dumps(result))
""")
    micros = json.loads(out)
    print("validation cost per request (µs):", micros)
    assert all(v < 1000 for v in micros.values()), micros


def test_shapes_compiled_by_threads_at_once_are_never_seen_half_built():
    """Two requests of one operation at once (apply sends both CreateRole together) used to meet a
    node cached before its members were filled in, and 'Tags' came back as an unknown member."""
    import threading

    from pipewright_emulator import validation

    pairs = [("Action", "CreateRole"), ("Version", "2010-05-08"), ("RoleName", "r"),
             ("AssumeRolePolicyDocument", json.dumps(json.loads(trust("codebuild.amazonaws.com")))),
             ("Tags.member.1.Key", "created-by"), ("Tags.member.1.Value", "pipewright")]
    for _ in range(20):
        validation.input_node.cache_clear()
        validation._SHAPE_CACHES.clear()
        results: list[Any] = []
        start = threading.Barrier(8)

        def check() -> None:
            start.wait()
            results.append(validation.validate_query("iam", "CreateRole", pairs))

        threads = [threading.Thread(target=check) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results == [None] * 8, results
