"""Server entry point: `python -m pipewright_emulator --port 0 [--seed-demo] [--ready-file F]`."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
import urllib.request
from typing import Any


def build_app() -> Any:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    from .control import EmulatorApp
    from .patches import install

    install()
    return EmulatorApp(DomainDispatcherApplication(create_backend_app))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pipewright_emulator", description="Pipewright's local AWS emulator (moto + extensions)")
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0 = pick a free port)")
    parser.add_argument("--seed-demo", action="store_true", help="seed the demo account before reporting ready")
    parser.add_argument("--seed-account", default=None, help="account for --seed-demo (default 123456789012)")
    parser.add_argument("--seed-region", default="us-east-1")
    parser.add_argument("--seed-builds", type=int, default=300)
    parser.add_argument("--seed-executions", type=int, default=40)
    parser.add_argument("--ready-file", default=None, help="write the base URL to this file once the server answers")
    parser.add_argument("--step-seconds", type=float, default=None, help="seconds per simulated action step")
    parser.add_argument("--latency-ms", type=int, default=None,
                        help="simulated network round trip added to every AWS API request, in ms (default 0)")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)

    # Only the ready line goes to stdout; moto's own prints go to stderr.
    real_stdout = sys.stdout
    sys.stdout = sys.stderr

    if args.step_seconds is not None:
        os.environ["PIPEWRIGHT_EMULATOR_STEP_SECONDS"] = str(args.step_seconds)
    if args.latency_ms is not None:
        from .state import MAX_LATENCY_MS

        if not 0 <= args.latency_ms <= MAX_LATENCY_MS:
            parser.error(f"--latency-ms must be between 0 and {MAX_LATENCY_MS}")
        os.environ["PIPEWRIGHT_EMULATOR_LATENCY_MS"] = str(args.latency_ms)

    from werkzeug.serving import make_server

    from moto.moto_server.werkzeug_app import MotoRequestHandler

    from . import state

    state.SETTINGS.__init__()  # re-read env (step seconds, latency) now that args are applied

    class Handler(MotoRequestHandler):
        def log_request(self, code: Any = "-", size: Any = "-") -> None:
            if args.verbose:
                super().log_request(code, size)

    app = build_app()
    server = make_server(args.host, args.port, app, threaded=True, request_handler=Handler)
    port = server.server_port
    os.environ["MOTO_PORT"] = str(port)
    url = f"http://{args.host}:{port}"

    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()

    # wait until the server really answers
    deadline = time.time() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_pipewright/health", timeout=2) as resp:
                if resp.status == 200:
                    break
        except Exception:
            if time.time() > deadline:
                print("pipewright emulator: server did not answer its health check", file=sys.stderr)
                server.shutdown()
                return 1
            time.sleep(0.05)

    if args.seed_demo:
        from moto.core import DEFAULT_ACCOUNT_ID

        from .seed import seed_demo

        with state.LOCK:
            result = seed_demo(args.seed_account or DEFAULT_ACCOUNT_ID, args.seed_region,
                               builds=args.seed_builds, executions=args.seed_executions)
        print(f"pipewright emulator: seeded {json.dumps(result['counts'])}", file=sys.stderr)

    if args.ready_file:
        tmp = f"{args.ready_file}.tmp{os.getpid()}"
        with open(tmp, "w") as fh:
            fh.write(url + "\n")
        os.replace(tmp, args.ready_file)

    real_stdout.write(f"PIPEWRIGHT_EMULATOR_URL={url}\n")
    real_stdout.flush()

    while not stop.wait(0.5):
        if not thread.is_alive():
            return 1
    server.shutdown()
    server.server_close()
    return 0
