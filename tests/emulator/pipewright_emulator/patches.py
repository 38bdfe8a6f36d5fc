"""Everything the emulator changes inside moto, applied once by `install()`."""

from __future__ import annotations

import re

_installed = False
_CRED_RE = re.compile(r"Credential=([^/,\s]+)/")


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True

    from moto.core.responses import BaseResponse
    from moto.moto_api._internal.models import MotoAPIBackend

    from . import codebuild, codepipeline, codestar_connections, state
    from .protocol import resolve_account

    codestar_connections.register()
    codebuild.register()
    codepipeline.register()

    # 1. A 12-digit access key id is the account id (moto 5 only knows IAM-created keys).
    original_account = BaseResponse.get_current_account

    def get_current_account(self: BaseResponse) -> str:
        auth = self.headers.get("Authorization", "") if self.headers is not None else ""
        m = _CRED_RE.search(auth or "")
        key = m.group(1) if m else None
        if key is None:
            qs_cred = (self.querystring.get("X-Amz-Credential") or [None])[0] if self.querystring else None
            key = qs_cred.split("/")[0] if qs_cred else None
        if key and key.isdigit() and len(key) == 12:
            env_like = {}
            if "x-moto-account-id" in self.headers:
                env_like["HTTP_X_MOTO_ACCOUNT_ID"] = self.headers["x-moto-account-id"]
            return resolve_account(env_like, key)
        return original_account(self)

    BaseResponse.get_current_account = get_current_account  # type: ignore[method-assign]

    # 2. POST /moto-api/reset also clears the emulator's own process-wide state.
    original_reset = MotoAPIBackend.reset

    def reset(self: MotoAPIBackend) -> None:
        with state.LOCK:
            original_reset(self)
            state.reset_all()

    MotoAPIBackend.reset = reset  # type: ignore[method-assign]
