"""Realistic CodeBuild log output (docker build & push), placed on the build's phase timeline.

Lines are generated once per build from its phase schedule and written into moto's CloudWatch
Logs backend lazily, as the simulated clock passes each line's timestamp.
"""

from __future__ import annotations

import random
from datetime import datetime, timezone
from typing import Any

RED = "\x1b[91m"
YELLOW = "\x1b[33m"
GREEN = "\x1b[32m"
BOLD_BLUE = "\x1b[1;34m"
RESET = "\x1b[0m"

# (phase -> commands) of the buildspec the emulated projects "run"
BUILDSPEC = {
    "INSTALL": ['echo "cd into $CODEBUILD_SRC_DIR/backend"', "cd $CODEBUILD_SRC_DIR/backend-flask"],
    "PRE_BUILD": [
        "echo Logging in to Amazon ECR...",
        "aws ecr get-login-password --region $AWS_DEFAULT_REGION | docker login --username AWS --password-stdin $IMAGE_URL",
    ],
    "BUILD": [
        "echo Build started on `date`",
        "echo Building the Docker image...",
        "docker build -t $REPO_NAME .",
        "docker tag $REPO_NAME $IMAGE_URL/$REPO_NAME",
    ],
    "POST_BUILD": [
        "echo Build completed on `date`",
        "echo Pushing the Docker image..",
        "docker push $IMAGE_URL/$REPO_NAME",
        "cd $CODEBUILD_SRC_DIR",
        'printf "[{\\"name\\":\\"$CONTAINER_NAME\\",\\"imageUri\\":\\"$IMAGE_URL/$REPO_NAME\\"}]" > imagedefinitions.json',
    ],
}

FAILING_COMMAND = {
    "INSTALL": "cd $CODEBUILD_SRC_DIR/backend-flask",
    "PRE_BUILD": "aws ecr get-login-password --region $AWS_DEFAULT_REGION | docker login --username AWS --password-stdin $IMAGE_URL",
    "BUILD": "docker build -t $REPO_NAME .",
    "POST_BUILD": "docker push $IMAGE_URL/$REPO_NAME",
}


def failure_context(phase: str, outcome: str, ctx: dict[str, Any]) -> dict[str, str]:
    """The `contexts` entry CodeBuild reports for a phase that did not succeed."""
    if outcome == "TIMED_OUT":
        return {"statusCode": "BUILD_TIMED_OUT", "message": "Build has timed out. "}
    if outcome == "FAULT":
        return {"statusCode": "INTERNAL_ERROR", "message": "Internal service error: CodeBuild experienced an unexpected error"}
    if phase in FAILING_COMMAND:
        return {
            "statusCode": "COMMAND_EXECUTION_ERROR",
            "message": f"Error while executing command: {FAILING_COMMAND[phase]}. Reason: exit status 1",
        }
    if phase == "DOWNLOAD_SOURCE":
        return {
            "statusCode": "YAML_FILE_ERROR",
            "message": f"stat {ctx['src_dir']}/{ctx['buildspec']}: no such file or directory",
        }
    if phase == "PROVISIONING":
        return {
            "statusCode": "ACCESS_DENIED",
            "message": f"Service role {ctx['service_role']} does not allow AWS CodeBuild to create Amazon CloudWatch Logs "
            "log streams for build. Error message: not authorized to perform: logs:CreateLogStream",
        }
    if phase == "UPLOAD_ARTIFACTS":
        return {"statusCode": "CLIENT_ERROR", "message": "no matching artifact paths found"}
    return {"statusCode": "CLIENT_ERROR", "message": f"Phase {phase} failed"}


def _stamp(t: float) -> str:
    return datetime.fromtimestamp(t, tz=timezone.utc).strftime("%Y/%m/%d %H:%M:%S.%f")


def container(t: float, text: str) -> str:
    return f"[Container] {_stamp(t)} {text}"


def _hex(r: random.Random, n: int) -> str:
    return f"{r.getrandbits(4 * n):0{n}x}"


def _docker_build_lines(r: random.Random, ctx: dict[str, Any], fail: bool) -> list[str]:
    base = f"{ctx['account']}.dkr.ecr.{ctx['region']}.amazonaws.com/cruddur-python:3.10-slim-buster"
    lines = [f"Sending build context to Docker daemon  {r.randint(30, 90)}.{r.randint(10, 99)}kB", "",
             f"Step 1/9 : FROM {base}", "3.10-slim-buster: Pulling from cruddur-python"]
    layers = [_hex(r, 12) for _ in range(5)]
    lines += [f"{layer}: Pulling fs layer" for layer in layers]
    lines += [f"{layer}: Download complete" for layer in layers]
    lines += [f"{layer}: Pull complete" for layer in layers]
    lines += [f"Digest: sha256:{_hex(r, 64)}", f"Status: Downloaded newer image for {base}", f" ---> {_hex(r, 12)}"]
    lines += ["Step 2/9 : WORKDIR /backend-flask", f" ---> Running in {_hex(r, 12)}",
              f"Removing intermediate container {_hex(r, 12)}", f" ---> {_hex(r, 12)}",
              "Step 3/9 : COPY requirements.txt requirements.txt", f" ---> {_hex(r, 12)}",
              "Step 4/9 : RUN pip3 install -r requirements.txt", f" ---> Running in {_hex(r, 12)}"]
    pkgs = [("Flask", "2.3.2", 96), ("flask-cors", "3.0.10", 14), ("opentelemetry-api", "1.18.0", 57),
            ("aws-xray-sdk", "2.12.0", 103), ("watchtower", "3.0.1", 16), ("blinker", "1.6.2", 13),
            ("psycopg", "3.1.9", 180), ("boto3", "1.26.160", 135), ("botocore", "1.29.160", 10947)]
    for name, version, size in pkgs:
        lines.append(f"Collecting {name}")
        lines.append(f"  Downloading {name.replace('-', '_')}-{version}-py3-none-any.whl ({size} kB)")
        lines.append(f"     {GREEN}{'━' * 40}{RESET} {size}.0/{size}.0 kB {BOLD_BLUE}{r.randint(5, 60)}.{r.randint(0, 9)} MB/s{RESET} eta {'0:00:00'}")
    if fail:
        lines += [f"{RED}ERROR: Could not find a version that satisfies the requirement flask-otel==0.9.9 (from versions: none){RESET}",
                  f"{RED}ERROR: No matching distribution found for flask-otel==0.9.9{RESET}",
                  "The command '/bin/sh -c pip3 install -r requirements.txt' returned a non-zero code: 1"]
        return lines
    lines.append("Installing collected packages: " + ", ".join(n for n, _, _ in pkgs))
    lines.append("Successfully installed " + " ".join(f"{n}-{v}" for n, v, _ in pkgs))
    lines.append(f"{RED}WARNING: Running pip as the 'root' user can result in broken permissions and conflicting behaviour "
                 f"with the system package manager. It is recommended to use a virtual environment instead: "
                 f"https://pip.pypa.io/warnings/venv{RESET}")
    lines += [f"{RED}", "[notice] A new release of pip is available: 23.0.1 -> 24.0",
              "[notice] To update, run: pip install --upgrade pip", f"{RESET}"]
    lines += [f"Removing intermediate container {_hex(r, 12)}", f" ---> {_hex(r, 12)}",
              "Step 5/9 : COPY . .", f" ---> {_hex(r, 12)}",
              "Step 6/9 : ENV FLASK_DEBUG=1", f" ---> Running in {_hex(r, 12)}",
              f"Removing intermediate container {_hex(r, 12)}", f" ---> {_hex(r, 12)}",
              "Step 7/9 : EXPOSE ${PORT}", f" ---> Running in {_hex(r, 12)}",
              f"Removing intermediate container {_hex(r, 12)}", f" ---> {_hex(r, 12)}",
              "Step 8/9 : ENV PYTHONUNBUFFERED=1", f" ---> Running in {_hex(r, 12)}",
              f"Removing intermediate container {_hex(r, 12)}", f" ---> {_hex(r, 12)}",
              'Step 9/9 : CMD [ "python3", "-m" , "flask", "run", "--host=0.0.0.0", "--port=4567", "--debug"]',
              f" ---> Running in {_hex(r, 12)}", f"Removing intermediate container {_hex(r, 12)}"]
    image_id = _hex(r, 12)
    lines += [f" ---> {image_id}", f"Successfully built {image_id}", f"Successfully tagged {ctx['repo']}:latest"]
    return lines


def _docker_push_lines(r: random.Random, ctx: dict[str, Any], fail: bool) -> list[str]:
    repo_uri = f"{ctx['account']}.dkr.ecr.{ctx['region']}.amazonaws.com/{ctx['repo']}"
    layers = [_hex(r, 12) for _ in range(7)]
    lines = [f"The push refers to repository [{repo_uri}]"]
    lines += [f"{layer}: Preparing" for layer in layers]
    if fail:
        lines += [f"{layers[0]}: Retrying in 5 seconds",
                  f"{RED}name unknown: The repository with name '{ctx['repo']}' does not exist in the registry with id "
                  f"'{ctx['account']}'{RESET}"]
        return lines
    for i, layer in enumerate(layers):
        lines.append(f"{layer}: {'Layer already exists' if i > 2 else 'Pushed'}")
    lines.append(f"latest: digest: sha256:{_hex(r, 64)} size: {r.randint(2000, 2600)}")
    return lines


def build_log_lines(schedule: list[dict[str, Any]], ctx: dict[str, Any], seed: str) -> list[tuple[float, str]]:
    """(timestamp, message) for every log line of a build, in order.

    ``schedule`` is the list of phase dicts (type/start/end/status/contexts) of the build.
    ``ctx`` holds: account, region, repo, src_dir, buildspec, sha, service_role, build_uuid.
    """
    r = random.Random(seed)
    out: list[tuple[float, str]] = []

    def spread(start: float, end: float, entries: list[tuple[str, str]]) -> None:
        n = len(entries)
        span = max(end - start, 0.0)
        for i, (kind, text) in enumerate(entries):
            t = start + span * (i + 1) / (n + 1) if n else start
            if out and t <= out[-1][0]:
                t = out[-1][0] + 0.000001
            out.append((t, container(t, text) if kind == "c" else text))

    for ph in schedule:
        kind = ph["type"]
        start, end, status = ph["start"], ph.get("end"), ph.get("status")
        if end is None or kind in ("SUBMITTED", "QUEUED", "COMPLETED", "FINALIZING"):
            continue
        ok = status == "SUCCEEDED"
        ctx_line = ph.get("contexts") or [{"statusCode": "", "message": ""}]
        complete = [("c", f"Phase complete: {kind} State: {status}"),
                    ("c", f"Phase context status code: {ctx_line[0]['statusCode']} Message: {ctx_line[0]['message']}")]
        entries: list[tuple[str, str]] = []
        if kind == "PROVISIONING":
            if not ok:
                continue  # no container came up, so no log stream content
            entries = [("c", "Running on CodeBuild On-demand"), ("c", "Waiting for agent ping"),
                       ("c", "Waiting for DOWNLOAD_SOURCE")]
            # these happen at the very end of provisioning
            spread(start + (end - start) * 0.8, end, entries)
            continue
        if kind == "DOWNLOAD_SOURCE":
            src = ctx["src_dir"]
            entries = [("c", "Phase is DOWNLOAD_SOURCE"), ("c", f"CODEBUILD_SRC_DIR={src}")]
            if ok:
                entries += [("c", f"YAML location is {src}/{ctx['buildspec']}"),
                            ("c", "Setting HTTP client timeout to higher timeout for Github and GitHub Enterprise sources"),
                            ("c", "Processing environment variables"),
                            ("c", "Selecting 'docker' runtime version '20' based on manual selections..."),
                            ("c", f"Moving to directory {src}"),
                            ("c", "Unable to initialize cache download: no paths specified to be cached"),
                            ("c", f"Configuring ssm agent with target id: codebuild:{ctx['build_uuid']}"),
                            ("c", "Successfully updated ssm agent configuration"),
                            ("c", "Registering with agent"),
                            ("c", "Phases found in YAML: 4"),
                            ("c", " INSTALL: 2 commands"), ("c", " PRE_BUILD: 2 commands"),
                            ("c", " BUILD: 4 commands"), ("c", " POST_BUILD: 5 commands"),
                            ("c", "Phase complete: DOWNLOAD_SOURCE State: SUCCEEDED"),
                            ("c", "Phase context status code:  Message: ")]
            else:
                entries += [("c", f"YAML location is {src}/{ctx['buildspec']}")] + complete
            spread(start, end, entries)
            continue
        if kind == "UPLOAD_ARTIFACTS":
            entries = [("c", "Entering phase UPLOAD_ARTIFACTS"), ("c", "Expanding base directory path: ."),
                       ("c", "Assembling file list"), ("c", "Expanding ."), ("c", "Expanding file paths for base directory ."),
                       ("c", "Assembling file list"), ("c", "Expanding imagedefinitions.json")]
            entries.append(("c", "Found 1 file(s)") if ok else ("c", "Skipping invalid file path imagedefinitions.json"))
            spread(start, end, entries + complete)
            continue
        commands = BUILDSPEC.get(kind)
        if commands is None:
            continue
        entries = [("c", f"Entering phase {kind}")]
        interrupted = status in ("STOPPED", "TIMED_OUT", "FAULT")
        for cmd in commands:
            entries.append(("c", f"Running command {cmd}"))
            failing = status == "FAILED" and cmd == FAILING_COMMAND.get(kind)
            if cmd.startswith("echo ") and "`date`" in cmd:
                entries.append(("o", cmd[5:].replace("`date`", datetime.fromtimestamp(start, tz=timezone.utc).strftime("%a %b %d %H:%M:%S UTC %Y"))))
            elif cmd.startswith("echo ") and not cmd.startswith('echo "'):
                entries.append(("o", cmd[5:]))
            elif cmd.startswith('echo "'):
                entries.append(("o", cmd[6:-1].replace("$CODEBUILD_SRC_DIR", ctx["src_dir"])))
            elif "docker login" in cmd:
                if failing:
                    role = ctx["service_role"].rsplit("/", 1)[-1] or "codebuild-service-role"
                    user = f"arn:aws:sts::{ctx['account']}:assumed-role/{role}/AWSCodeBuild-{ctx['build_uuid']}"
                    entries.append(("o", f"{RED}An error occurred (AccessDeniedException) when calling the GetAuthorizationToken operation: "
                                         f"User: {user} is not authorized to perform: ecr:GetAuthorizationToken on resource: * "
                                         f"because no identity-based policy allows the ecr:GetAuthorizationToken action{RESET}"))
                    entries.append(("o", "Error: Cannot perform an interactive login from a non TTY device"))
                else:
                    entries += [("o", f"{YELLOW}WARNING! Your password will be stored unencrypted in /root/.docker/config.json.{RESET}"),
                                ("o", "Configure a credential helper to remove this warning. See"),
                                ("o", "https://docs.docker.com/engine/reference/commandline/login/#credentials-store"),
                                ("o", ""), ("o", "Login Succeeded")]
            elif cmd.startswith("docker build"):
                entries += [("o", line) for line in _docker_build_lines(r, ctx, failing)]
            elif cmd.startswith("docker push"):
                entries += [("o", line) for line in _docker_push_lines(r, ctx, failing)]
            elif failing and cmd.startswith("cd "):
                entries.append(("o", f"/codebuild/output/tmp/script.sh: 4: cd: can't cd to {ctx['src_dir']}/backend-flask"))
            if failing:
                entries.append(("c", f"Command did not exit successfully {cmd} exit status 1"))
                break
        if interrupted:
            entries = entries[: max(1, len(entries) // 2)]
        spread(start, end, entries + complete)
    return out
