#!/usr/bin/env python3
"""Benchmark: `pipewright-cli apply` of the reference plan vs the same resources made with the AWS CLI.

Both sides run against the local emulator (tests/emulator), each round in two fresh accounts (a
12-digit access key id is the account), seeded with only the ECR repository `backend-flask` and the
ECS cluster `cruddur` / service `backend-flask`. Before anything is timed, each account gets the
GitHub connection `Cruddur`, already AVAILABLE (the handshake is completed through the control
endpoint), so both sides measure resource creation only, never a handshake.

Timed, per round:

* Pipewright: the wall clock of one `pipewright-cli apply tests/fixtures/reference-plan.toml
  --endpoint-url URL --region us-east-1 --json` process (it reuses the connection and creates the
  other 8 resources).
* AWS CLI: the wall clock of the sequence below, one `aws` process after another, as a shell script
  would run it (each waits for the previous one; the reads feed the writes):

    reads   sts get-caller-identity                          account id (bucket name, ARNs)
            codestar-connections list-connections            ARN of `Cruddur`, check it is AVAILABLE
            ecr describe-repositories                        the push policy's repository exists
    writes  s3api create-bucket                              codepipeline-us-east-1-<account>-<suffix>
            iam create-role                                  CodeBuild service role
            iam put-role-policy                              PipewrightCodeBuildBase
            iam put-role-policy                              ECRPushImage
            codebuild create-project                         cruddur-backend-flask-bake-image
            codebuild create-webhook                         PULL_REQUEST_MERGED into prod
            iam create-role                                  CodePipeline service role
            iam put-role-policy                              PipewrightCodePipeline
            codepipeline create-pipeline                     cruddur-backend-fargate

  The requests and policy documents are the ones Pipewright sends (src-tauri/core/src/apply/
  requests.rs and src-tauri/core/src/policy.rs, mirrored below). The script checks nothing that
  already exists: unlike `apply` (which looks before every write, so it can be re-run, update and
  roll back), it fails on a second run. That favours the CLI; the "creates only" row shows the
  9 writes alone, the floor for any CLI script.

Untimed, after each round: both sides must have succeeded (exit codes, receipt status), both
pipelines must exist (GetPipeline), and the two accounts must hold the same resources (pipeline
declarations, projects with their webhooks, roles, the three inline policies, the bucket; account
ids and connection ARNs normalised), so neither side measures errors or does less work. Request
counts per side come from the emulator's `/_pipewright/requests?account=A`.

Setup and verification use the botocore that awscli 1.x vendors (`import awscli` aliases it as
`botocore`), so the bench needs nothing but the pinned awscli (tests/bench/requirements.txt).
Run it through scripts/bench.sh, which makes the venv and starts an emulator.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
PLAN = REPO / "tests" / "fixtures" / "reference-plan.toml"
DEFAULT_BINARY = REPO / "target" / "debug" / "pipewright-cli"
DEFAULT_OUT = REPO / "target" / "bench" / "apply_vs_cli.json"

REGION = "us-east-1"
SECRET = "testing"

# The reference plan (tests/fixtures/reference-plan.toml), as apply derives names from it.
BUCKET_SUFFIX = "k3v9q2xa"  # pipeline.artifactBucketSuffix
CONNECTION = "Cruddur"
PIPELINE = "cruddur-backend-fargate"
PROJECT = "cruddur-backend-flask-bake-image"
REPOSITORY = "example/aws-bootcamp-cruddur-2023"
BRANCH = "prod"
ECR_REPOSITORY = "backend-flask"
ECR_POLICY = "ECRPushImage"
CODEBUILD_ROLE = f"codebuild-{PROJECT}-service-role"
PIPELINE_ROLE = f"AWSCodePipelineServiceRole-{REGION}-{PIPELINE}"[:64]
CODEBUILD_BASE_POLICY = "PipewrightCodeBuildBase"
PIPELINE_POLICY = "PipewrightCodePipeline"
ROLE_DESCRIPTION = "Created by Pipewright"

TARGET_RATIO = 5.0
TARGET_SECONDS = 2.0


# ----------------------------------------------------------------------------------------------
# The requests Pipewright sends (mirrors requests.rs / policy.rs for the reference plan)
# ----------------------------------------------------------------------------------------------

def trust_policy(service: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
    }


def ecr_push_policy(account: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "EcrLogin", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
            {
                "Sid": "EcrPushToRepository",
                "Effect": "Allow",
                "Action": [
                    "ecr:CompleteLayerUpload",
                    "ecr:UploadLayerPart",
                    "ecr:InitiateLayerUpload",
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:PutImage",
                    "ecr:BatchGetImage",
                ],
                "Resource": f"arn:aws:ecr:{REGION}:{account}:repository/{ECR_REPOSITORY}",
            },
        ],
    }


def codebuild_base_policy(account: str, bucket: str, connection_arn: str) -> dict:
    logs = f"arn:aws:logs:{REGION}:{account}:log-group:/aws/codebuild/{PROJECT}"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "BuildLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": [logs, f"{logs}:*"],
            },
            {
                "Sid": "PipelineArtifacts",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:GetBucketAcl",
                           "s3:GetBucketLocation"],
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            },
            {
                "Sid": "GitHubSource",
                "Effect": "Allow",
                "Action": ["codestar-connections:UseConnection", "codestar-connections:GetConnectionToken",
                           "codeconnections:UseConnection", "codeconnections:GetConnectionToken"],
                "Resource": connection_arn,
            },
            {
                "Sid": "BuildReports",
                "Effect": "Allow",
                "Action": ["codebuild:CreateReportGroup", "codebuild:CreateReport", "codebuild:UpdateReport",
                           "codebuild:BatchPutTestCases", "codebuild:BatchPutCodeCoverages"],
                "Resource": f"arn:aws:codebuild:{REGION}:{account}:report-group/{PROJECT}-*",
            },
        ],
    }


def pipeline_policy(account: str, bucket: str, connection_arn: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Artifacts",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:GetBucketVersioning", "s3:PutObject",
                           "s3:PutObjectAcl", "s3:GetBucketAcl", "s3:GetBucketLocation"],
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            },
            {
                "Sid": "GitHubConnection",
                "Effect": "Allow",
                "Action": ["codestar-connections:UseConnection", "codeconnections:UseConnection"],
                "Resource": connection_arn,
            },
            {
                "Sid": "Build",
                "Effect": "Allow",
                "Action": ["codebuild:BatchGetBuilds", "codebuild:StartBuild", "codebuild:BatchGetBuildBatches",
                           "codebuild:StartBuildBatch"],
                "Resource": f"arn:aws:codebuild:{REGION}:{account}:project/{PROJECT}",
            },
            {
                "Sid": "DeployToEcs",
                "Effect": "Allow",
                "Action": ["ecs:DescribeServices", "ecs:DescribeTaskDefinition", "ecs:DescribeTasks",
                           "ecs:ListTasks", "ecs:RegisterTaskDefinition", "ecs:TagResource", "ecs:UpdateService"],
                "Resource": "*",
            },
            {
                "Sid": "PassTaskRoles",
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": "*",
                "Condition": {"StringEqualsIfExists": {"iam:PassedToService": ["ecs-tasks.amazonaws.com"]}},
            },
        ],
    }


def create_project_input(account: str, connection_arn: str) -> dict:
    return {
        "name": PROJECT,
        "description": "Bake the backend-flask image and push it to ECR",
        "source": {
            "type": "GITHUB",
            "location": f"https://github.com/{REPOSITORY}.git",
            "buildspec": "backend-flask/buildspec.yml",
            "reportBuildStatus": True,
            "auth": {"type": "CODECONNECTIONS", "resource": connection_arn},
        },
        "sourceVersion": f"refs/heads/{BRANCH}",
        "artifacts": {"type": "NO_ARTIFACTS"},
        "environment": {
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/amazonlinux2-x86_64-standard:5.0",
            "computeType": "BUILD_GENERAL1_SMALL",
            "privilegedMode": True,
            "imagePullCredentialsType": "CODEBUILD",
            "environmentVariables": [],
        },
        "serviceRole": f"arn:aws:iam::{account}:role/{CODEBUILD_ROLE}",
        "timeoutInMinutes": 20,
        "badgeEnabled": True,
        "logsConfig": {"cloudWatchLogs": {"status": "ENABLED"}},
        "tags": [{"key": "created-by", "value": "pipewright"}],
    }


def create_webhook_input() -> dict:
    return {
        "projectName": PROJECT,
        "buildType": "BUILD",
        "filterGroups": [[
            {"type": "EVENT", "pattern": "PULL_REQUEST_MERGED"},
            {"type": "BASE_REF", "pattern": f"^refs/heads/{BRANCH}$"},
        ]],
    }


def create_pipeline_input(account: str, bucket: str, connection_arn: str) -> dict:
    return {
        "pipeline": {
            "name": PIPELINE,
            "roleArn": f"arn:aws:iam::{account}:role/{PIPELINE_ROLE}",
            "artifactStore": {"type": "S3", "location": bucket},
            "stages": [
                {"name": "Source", "actions": [{
                    "name": "Source",
                    "actionTypeId": {"category": "Source", "owner": "AWS",
                                     "provider": "CodeStarSourceConnection", "version": "1"},
                    "runOrder": 1,
                    "configuration": {
                        "ConnectionArn": connection_arn,
                        "FullRepositoryId": REPOSITORY,
                        "BranchName": BRANCH,
                        "DetectChanges": "true",
                        "OutputArtifactFormat": "CODE_ZIP",
                    },
                    "outputArtifacts": [{"name": "SourceArtifact"}],
                    "inputArtifacts": [],
                }]},
                {"name": "Build", "actions": [{
                    "name": "bake",
                    "actionTypeId": {"category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1"},
                    "runOrder": 1,
                    "configuration": {"ProjectName": PROJECT},
                    "inputArtifacts": [{"name": "SourceArtifact"}],
                    "outputArtifacts": [{"name": "ImageDefinition"}],
                }]},
                {"name": "Deploy", "actions": [{
                    "name": "Deploy",
                    "actionTypeId": {"category": "Deploy", "owner": "AWS", "provider": "ECS", "version": "1"},
                    "runOrder": 1,
                    "configuration": {"ClusterName": "cruddur", "ServiceName": "backend-flask",
                                      "FileName": "imagedefinitions.json"},
                    "inputArtifacts": [{"name": "ImageDefinition"}],
                    "outputArtifacts": [],
                }]},
            ],
            "version": 1,
            "pipelineType": "V2",
            "executionMode": "SUPERSEDED",
        },
        "tags": [{"key": "created-by", "value": "pipewright"}],
    }


# ----------------------------------------------------------------------------------------------
# Environment, emulator control, untimed AWS calls
# ----------------------------------------------------------------------------------------------

class BenchError(Exception):
    pass


def side_env(account: str, scratch: Path) -> dict[str, str]:
    """The same environment for both sides: the account's keys, no profile files, no IMDS."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") and k not in ("PIPEWRIGHT_PROFILE", "PIPEWRIGHT_LOG")}
    env.update({
        "AWS_ACCESS_KEY_ID": account,
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_EC2_METADATA_DISABLED": "true",
        # keep ~/.aws out of it on both sides
        "AWS_CONFIG_FILE": str(scratch / "aws-config-none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(scratch / "aws-credentials-none"),
        # Pipewright keeps its receipts here, not in the user's data dir
        "PIPEWRIGHT_HOME": str(scratch / "pipewright-home"),
    })
    return env


def control(url: str, path: str, body: dict | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{url}/_pipewright/{path}", data=data, method="GET" if data is None else "POST")
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


class Aws:
    """Untimed calls for setup and verification (the botocore awscli vendors)."""

    def __init__(self, url: str):
        import awscli  # noqa: F401  (installs the alias that makes `botocore` the vendored copy)
        import botocore.config
        import botocore.session

        self._session = botocore.session.get_session()
        self._config = botocore.config.Config(retries={"max_attempts": 1})
        self._url = url
        self._clients: dict[tuple[str, str], Any] = {}

    def __call__(self, account: str, service: str):
        key = (account, service)
        if key not in self._clients:
            self._clients[key] = self._session.create_client(
                service, endpoint_url=self._url, region_name=REGION, config=self._config,
                aws_access_key_id=account, aws_secret_access_key=SECRET)
        return self._clients[key]


def new_account(used: set[str]) -> str:
    while True:
        account = str(random.randint(200_000_000_000, 899_999_999_999))
        if account not in used:
            used.add(account)
            return account


def prepare_account(url: str, aws: Aws, account: str) -> str:
    """Seed ECR + ECS, pre-create the connection and complete its handshake; reset request counts."""
    control(url, "seed", {"account": account, "region": REGION, "only": ["ecr", "ecs"],
                          "builds": 0, "executions": 0})
    arn = aws(account, "codestar-connections").create_connection(
        ProviderType="GitHub", ConnectionName=CONNECTION)["ConnectionArn"]
    control(url, "connections/complete", {"connectionArn": arn, "status": "AVAILABLE"})
    control(url, "requests/reset", {"account": account})
    return arn


def request_counts(url: str, account: str) -> dict[str, int]:
    got = control(url, f"requests?account={account}")
    counts = (got.get("byAccount") or {}).get(account)
    if counts is None:
        counts = got.get("counts") or {}
    return dict(sorted(counts.items()))


# ----------------------------------------------------------------------------------------------
# The two timed sides
# ----------------------------------------------------------------------------------------------

def run_pipewright(binary: Path, url: str, env: dict[str, str]) -> dict:
    cmd = [str(binary), "apply", str(PLAN), "--endpoint-url", url, "--region", REGION, "--json",
           "--connection-timeout", "10"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=REPO)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise BenchError(f"pipewright-cli apply exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    receipt = json.loads(proc.stdout)
    outcomes = {r["step"]: r["outcome"] for r in receipt.get("resources", [])}
    expected = {"connection": "reused", "artifact_bucket": "created", "codebuild_role": "created",
                "ecr_policy": "created", "codebuild_project": "created", "webhook": "created",
                "pipeline_role": "created", "pipeline": "created"}
    if receipt.get("status") != "succeeded" or outcomes != expected:
        raise BenchError(f"unexpected receipt: status {receipt.get('status')}, outcomes {outcomes}")
    return {"seconds": seconds, "receiptStatus": receipt["status"], "outcomes": outcomes}


class CliScript:
    """The AWS CLI sequence: one `aws` process after another, each timed."""

    def __init__(self, aws_bin: Path, url: str, env: dict[str, str]):
        self.aws_bin, self.url, self.env = aws_bin, url, env
        self.calls: list[dict] = []

    def aws(self, kind: str, *args: str) -> Any:
        cmd = [str(self.aws_bin), "--endpoint-url", self.url, "--region", REGION, "--output", "json", *args]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, env=self.env, capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        name = " ".join(args[:2])
        self.calls.append({"command": name, "kind": kind, "seconds": seconds})
        if proc.returncode != 0:
            raise BenchError(f"aws {name} exited {proc.returncode}: {proc.stderr.strip()}")
        return json.loads(proc.stdout) if proc.stdout.strip() else None

    def run(self) -> dict:
        t0 = time.perf_counter()
        # reads: what the script needs to know (and a careful one checks) before writing
        account = self.aws("read", "sts", "get-caller-identity")["Account"]
        conns = self.aws("read", "codestar-connections", "list-connections", "--provider-type-filter", "GitHub")
        found = [c for c in conns.get("Connections", []) if c.get("ConnectionName") == CONNECTION]
        if not found or found[0].get("ConnectionStatus") != "AVAILABLE":
            raise BenchError(f"connection {CONNECTION} missing or not AVAILABLE: {found}")
        connection_arn = found[0]["ConnectionArn"]
        self.aws("read", "ecr", "describe-repositories", "--repository-names", ECR_REPOSITORY)
        bucket = f"codepipeline-{REGION}-{account}-{BUCKET_SUFFIX}"
        tags = "Key=created-by,Value=pipewright"

        # writes, in dependency order
        self.aws("write", "s3api", "create-bucket", "--bucket", bucket)
        self.aws("write", "iam", "create-role", "--role-name", CODEBUILD_ROLE,
                 "--assume-role-policy-document", json.dumps(trust_policy("codebuild.amazonaws.com")),
                 "--description", ROLE_DESCRIPTION, "--tags", tags)
        self.aws("write", "iam", "put-role-policy", "--role-name", CODEBUILD_ROLE,
                 "--policy-name", CODEBUILD_BASE_POLICY,
                 "--policy-document", json.dumps(codebuild_base_policy(account, bucket, connection_arn)))
        self.aws("write", "iam", "put-role-policy", "--role-name", CODEBUILD_ROLE, "--policy-name", ECR_POLICY,
                 "--policy-document", json.dumps(ecr_push_policy(account)))
        self.aws("write", "codebuild", "create-project",
                 "--cli-input-json", json.dumps(create_project_input(account, connection_arn)))
        self.aws("write", "codebuild", "create-webhook", "--cli-input-json", json.dumps(create_webhook_input()))
        self.aws("write", "iam", "create-role", "--role-name", PIPELINE_ROLE,
                 "--assume-role-policy-document", json.dumps(trust_policy("codepipeline.amazonaws.com")),
                 "--description", ROLE_DESCRIPTION, "--tags", tags)
        self.aws("write", "iam", "put-role-policy", "--role-name", PIPELINE_ROLE, "--policy-name", PIPELINE_POLICY,
                 "--policy-document", json.dumps(pipeline_policy(account, bucket, connection_arn)))
        self.aws("write", "codepipeline", "create-pipeline",
                 "--cli-input-json", json.dumps(create_pipeline_input(account, bucket, connection_arn)))
        seconds = time.perf_counter() - t0
        return {
            "seconds": seconds,
            "writesSeconds": sum(c["seconds"] for c in self.calls if c["kind"] == "write"),
            "calls": self.calls,
        }


# ----------------------------------------------------------------------------------------------
# Verification: both pipelines exist and both accounts hold the same resources
# ----------------------------------------------------------------------------------------------

VOLATILE = {"created", "lastModified", "lastModifiedSecret", "url", "payloadUrl", "secret",
            "badgeRequestUrl", "CreateDate", "RoleId", "RoleLastUsed", "ResponseMetadata"}


def normalise(value: Any, account: str, connection_arn: str) -> Any:
    def strip(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: strip(x) for k, x in v.items() if k not in VOLATILE}
        if isinstance(v, list):
            return [strip(x) for x in v]
        return v
    text = json.dumps(strip(value), sort_keys=True, default=str)
    text = text.replace(connection_arn, "<connection>").replace(account, "<account>")
    return json.loads(text)


def snapshot(aws: Aws, account: str, connection_arn: str) -> dict:
    iam = aws(account, "iam")
    got: dict[str, Any] = {}
    codepipeline = aws(account, "codepipeline")
    got["pipeline"] = codepipeline.get_pipeline(name=PIPELINE)["pipeline"]
    got["pipeline tags"] = codepipeline.list_tags_for_resource(
        resourceArn=f"arn:aws:codepipeline:{REGION}:{account}:{PIPELINE}")["tags"]
    projects = aws(account, "codebuild").batch_get_projects(names=[PROJECT])["projects"]
    got["project"] = projects[0] if projects else None
    for role in (CODEBUILD_ROLE, PIPELINE_ROLE):
        got[f"role {role}"] = iam.get_role(RoleName=role)["Role"]
        names = iam.list_role_policies(RoleName=role)["PolicyNames"]
        for name in sorted(names):
            got[f"policy {role}/{name}"] = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
    aws(account, "s3").head_bucket(Bucket=f"codepipeline-{REGION}-{account}-{BUCKET_SUFFIX}")
    got["bucket"] = f"codepipeline-{REGION}-<account>-{BUCKET_SUFFIX}"
    return normalise(got, account, connection_arn)


def differences(a: Any, b: Any, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{path}/{k}: only on the {'CLI' if k in b else 'Pipewright'} side")
            else:
                out += differences(a[k], b[k], f"{path}/{k}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: Pipewright {json.dumps(a)[:120]} vs CLI {json.dumps(b)[:120]}"]


# ----------------------------------------------------------------------------------------------
# Reporting
# ----------------------------------------------------------------------------------------------

def busy_processes() -> dict[str, int]:
    """How many compiler/build processes are running (context for the numbers)."""
    names = ("rustc", "cargo", "cc1", "cc1plus", "ld", "node", "cc", "clang")
    found: dict[str, int] = {}
    for pid in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not pid.isdigit():
            continue
        try:
            comm = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            continue
        if comm in names:
            found[comm] = found.get(comm, 0) + 1
    return found


def stats(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "all": values}


def fmt_s(x: float) -> str:
    return f"{x:.2f} s" if x < 10 else f"{x:.1f} s"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--endpoint-url", default=os.environ.get("PIPEWRIGHT_EMULATOR_URL"),
                    help="the emulator's base URL (default $PIPEWRIGHT_EMULATOR_URL)")
    ap.add_argument("--rounds", type=int, default=3, help="timed rounds, each in fresh accounts (default 3)")
    ap.add_argument("--warmup", type=int, default=1,
                    help="untimed rounds first, to warm caches on both sides (default 1)")
    ap.add_argument("--binary", type=Path, default=DEFAULT_BINARY, help="pipewright-cli (default target/debug)")
    ap.add_argument("--aws", type=Path, default=Path(sys.executable).parent / "aws",
                    help="the aws command (default: the one beside this Python)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON results (default target/bench/apply_vs_cli.json)")
    ap.add_argument("--check-targets", action="store_true", help="exit 3 when a target is missed")
    args = ap.parse_args()

    if not args.endpoint_url:
        ap.error("--endpoint-url (or PIPEWRIGHT_EMULATOR_URL) is required: run scripts/bench.sh")
    url = args.endpoint_url.rstrip("/")
    if not args.binary.is_file() or not os.access(args.binary, os.X_OK):
        print(f"apply_vs_cli: {args.binary} is missing: run `cargo build -p pipewright-cli` first", file=sys.stderr)
        return 1
    if not args.aws.is_file():
        found = shutil.which("aws")
        if not found:
            print("apply_vs_cli: no `aws` command: run scripts/bench.sh (it installs the pinned awscli)",
                  file=sys.stderr)
            return 1
        args.aws = Path(found)
    if args.rounds < 1:
        ap.error("--rounds must be >= 1")

    aws = Aws(url)
    aws_version = subprocess.run([str(args.aws), "--version"], capture_output=True, text=True)
    aws_version = (aws_version.stdout or aws_version.stderr).strip()
    binary_stat = args.binary.stat()
    load_before = os.getloadavg()
    busy_before = busy_processes()
    print(f"apply_vs_cli: emulator {url}; {args.warmup} warm-up + {args.rounds} timed rounds; "
          f"load {load_before[0]:.2f} on {os.cpu_count()} CPUs", file=sys.stderr)

    used: set[str] = set()
    rounds: list[dict] = []
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="pipewright-bench-") as tmp:
        scratch = Path(tmp)
        for i in range(args.warmup + args.rounds):
            warm = i < args.warmup
            label = f"warm-up {i + 1}" if warm else f"round {i - args.warmup + 1}"
            pw_account, cli_account = new_account(used), new_account(used)
            pw_conn = prepare_account(url, aws, pw_account)
            cli_conn = prepare_account(url, aws, cli_account)
            # alternate which side goes first, so neither always runs on a "fresher" emulator
            order = ["pipewright", "cli"] if i % 2 == 0 else ["cli", "pipewright"]
            result: dict[str, Any] = {"label": label, "warmup": warm, "order": order,
                                      "accounts": {"pipewright": pw_account, "cli": cli_account},
                                      "loadavg1": os.getloadavg()[0]}
            try:
                for side in order:
                    if side == "pipewright":
                        result["pipewright"] = run_pipewright(args.binary, url, side_env(pw_account, scratch))
                    else:
                        result["cli"] = CliScript(args.aws, url, side_env(cli_account, scratch)).run()
                result["pipewright"]["requests"] = request_counts(url, pw_account)
                result["cli"]["requests"] = request_counts(url, cli_account)
                # untimed: both created the pipeline, and the same resources
                pw_snap = snapshot(aws, pw_account, pw_conn)
                cli_snap = snapshot(aws, cli_account, cli_conn)
                diffs = differences(pw_snap, cli_snap)
                result["verified"] = {"pipelinesExist": True, "sameResources": not diffs, "differences": diffs}
                if diffs:
                    failures.append(f"{label}: the two accounts differ: " + "; ".join(diffs[:5]))
            except BenchError as e:
                failures.append(f"{label}: {e}")
                result["error"] = str(e)
            except Exception as e:  # a verification call failed (e.g. no pipeline)
                failures.append(f"{label}: verification failed: {type(e).__name__}: {e}")
                result["error"] = f"{type(e).__name__}: {e}"
            rounds.append(result)
            pw_s = result.get("pipewright", {}).get("seconds")
            cli_s = result.get("cli", {}).get("seconds")
            print(f"  {label}: pipewright {fmt_s(pw_s) if pw_s else '-'}, aws cli {fmt_s(cli_s) if cli_s else '-'}"
                  f"{'  ERROR' if 'error' in result else ''}", file=sys.stderr)
            if "error" in result:
                break

    timed = [r for r in rounds if not r["warmup"] and "error" not in r]
    load_after = os.getloadavg()
    busy_after = busy_processes()
    results: dict[str, Any] = {
        "benchmark": "apply_vs_cli",
        "createdAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "plan": str(PLAN.relative_to(REPO)),
        "endpointUrl": url,
        "pipewright": {"binary": str(args.binary), "size": binary_stat.st_size,
                       "modified": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(binary_stat.st_mtime)),
                       "debugBuild": "debug" in args.binary.parts},
        "awsCli": aws_version,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "loadavgBefore": load_before, "loadavgAfter": load_after,
                    "buildProcessesBefore": busy_before, "buildProcessesAfter": busy_after},
        "cliSequence": ("3 reads (sts get-caller-identity, codestar-connections list-connections, "
                        "ecr describe-repositories) + 9 writes (s3api create-bucket, iam create-role x2, "
                        "iam put-role-policy x3, codebuild create-project, codebuild create-webhook, "
                        "codepipeline create-pipeline), sequential, one aws process each"),
        "rounds": rounds,
        "failures": failures,
    }

    if failures or len(timed) < args.rounds:
        results["summary"] = None
        write(args.out, results)
        print("\napply_vs_cli: FAILED, no numbers reported:", file=sys.stderr)
        for f in failures:
            print(f"  {f}", file=sys.stderr)
        print(f"(details in {args.out})", file=sys.stderr)
        return 1

    pw = stats([r["pipewright"]["seconds"] for r in timed])
    cli = stats([r["cli"]["seconds"] for r in timed])
    writes = stats([r["cli"]["writesSeconds"] for r in timed])
    per_call = statistics.median([c["seconds"] for r in timed for c in r["cli"]["calls"]])
    pw_requests = sum(timed[-1]["pipewright"]["requests"].values())
    cli_requests = sum(timed[-1]["cli"]["requests"].values())
    cli_calls = len(timed[-1]["cli"]["calls"])
    ratio = cli["median"] / pw["median"]
    ratio_min = cli["min"] / pw["min"]
    ratio_writes = writes["median"] / pw["median"]
    ratio_ok = ratio >= TARGET_RATIO
    time_ok = pw["median"] < TARGET_SECONDS
    results["summary"] = {
        "pipewrightSeconds": pw, "cliSeconds": cli, "cliWritesOnlySeconds": writes,
        "cliMedianSecondsPerAwsCall": per_call,
        "ratioCliOverPipewright": ratio, "ratioOfMins": ratio_min, "ratioWritesOnly": ratio_writes,
        "requests": {"pipewright": pw_requests, "cli": cli_requests,
                     "pipewrightByOperation": timed[-1]["pipewright"]["requests"],
                     "cliByOperation": timed[-1]["cli"]["requests"]},
        "targets": {"ratioAtLeast": TARGET_RATIO, "ratioMet": ratio_ok,
                    "pipewrightUnderSeconds": TARGET_SECONDS, "timeMet": time_ok,
                    "pipewrightWorstUnder": pw["max"] < TARGET_SECONDS},
    }
    write(args.out, results)

    n = len(timed)
    print()
    print(f"apply of the reference plan vs the AWS CLI sequence — {n} round{'s' if n != 1 else ''}, fresh accounts each, "
          f"emulator {url}")
    print(f"pipewright-cli: {args.binary.relative_to(REPO) if args.binary.is_relative_to(REPO) else args.binary}"
          f"{' (DEBUG build)' if results['pipewright']['debugBuild'] else ''}; {aws_version.split()[0]}")
    print()
    rows = [
        ("", "median", "min", "max", "requests"),
        ("pipewright-cli apply (1 process)", fmt_s(pw["median"]), fmt_s(pw["min"]), fmt_s(pw["max"]),
         str(pw_requests)),
        (f"AWS CLI sequence ({cli_calls} aws calls)", fmt_s(cli["median"]), fmt_s(cli["min"]), fmt_s(cli["max"]),
         str(cli_requests)),
        ("  of which the 9 creates", fmt_s(writes["median"]), fmt_s(writes["min"]), fmt_s(writes["max"]), "9"),
    ]
    widths = [max(len(r[c]) for r in rows) for c in range(5)]
    for r in rows:
        print(f"  {r[0]:<{widths[0]}}  " + "  ".join(f"{x:>{w}}" for x, w in zip(r[1:], widths[1:])))
    print()
    print(f"  ratio CLI / Pipewright (medians): {ratio:.1f}x   (mins: {ratio_min:.1f}x; "
          f"creates only: {ratio_writes:.1f}x)")
    print(f"  one aws call takes {fmt_s(per_call)} (median): mostly starting Python and loading botocore")
    print()
    print(f"  target >= {TARGET_RATIO:g}x faster than the CLI: {'MET' if ratio_ok else 'NOT MET'} ({ratio:.1f}x)")
    print(f"  target apply < {TARGET_SECONDS:g} s:             {'MET' if time_ok else 'NOT MET'} "
          f"(median {fmt_s(pw['median'])}, worst {fmt_s(pw['max'])})")
    print()
    busy = ", ".join(f"{k} x{v}" for k, v in sorted(busy_after.items())) or "none"
    print(f"  machine: {os.cpu_count()} CPUs, load average {load_before[0]:.2f} before / {load_after[0]:.2f} after; "
          f"build processes running at the end: {busy}")
    print(f"  both sides verified each round: exit codes, GetPipeline, and the same resources in both accounts")
    print(f"  results: {args.out}")
    if args.check_targets and not (ratio_ok and time_ok):
        return 3
    return 0


def write(path: Path, results: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")


if __name__ == "__main__":
    sys.exit(main())
