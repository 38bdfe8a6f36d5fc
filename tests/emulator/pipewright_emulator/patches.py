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

    from . import codebuild, codepipeline, codestar_connections, codestar_notifications, ecs, state
    from .protocol import resolve_account

    codestar_connections.register()
    codestar_notifications.register()
    codebuild.register()
    codepipeline.register()
    ecs.register()

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

    # 3. AWS-managed policies (arn:aws:iam::aws:policy/...) are loaded on first use, per account,
    #    so AttachRolePolicy/GetPolicy work without MOTO_IAM_LOAD_MANAGED_POLICIES=true (which costs
    #    ~0.1 s and several MB for every account a test touches).
    _install_lazy_managed_policies()

    # 4. moto's dispatcher lists (and stats) its package directory on every request to match the
    #    host against module names; the list never changes, so compute it once (~60% of a request).
    import moto.backends as moto_backends

    modules = list(moto_backends.list_of_moto_modules())
    moto_backends.list_of_moto_modules = lambda: modules  # type: ignore[assignment]

    # 5. moto's call_action lists the response class's methods with inspect.getmembers on every
    #    request (~0.15 ms, about a tenth of a small request); the classes never change, so remember it.
    import functools

    import moto.core.responses as moto_responses

    moto_responses.method_names_from_class = functools.lru_cache(maxsize=None)(  # type: ignore[assignment]
        moto_responses.method_names_from_class
    )


def _install_lazy_managed_policies() -> None:
    import functools
    import json

    from moto.iam import models as iam_models

    @functools.lru_cache(maxsize=1)
    def by_name() -> dict[str, dict]:
        return json.loads(iam_models.aws_managed_policies_data)

    def ensure(backend: object, policy_arn: str) -> None:
        if not isinstance(policy_arn, str) or ":iam::aws:policy/" not in policy_arn:
            return
        managed = backend.managed_policies  # type: ignore[attr-defined]
        if policy_arn in managed:
            return
        name = policy_arn.rsplit("/", 1)[-1]
        data = by_name().get(name)
        if data is None:
            return
        policy = iam_models.AWSManagedPolicy.from_data(name, backend.account_id, backend.region_name, data)  # type: ignore[attr-defined]
        if policy.arn != policy_arn:
            return
        managed[policy.arn] = policy
        backend.aws_managed_policies.append(policy)  # type: ignore[attr-defined]

    def wrap(method_name: str, arn_pos: int = 0) -> None:
        original = getattr(iam_models.IAMBackend, method_name)

        @functools.wraps(original)
        def wrapper(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            arn = kwargs.get("policy_arn", args[arn_pos] if len(args) > arn_pos else None)
            ensure(self, arn)
            return original(self, *args, **kwargs)

        setattr(iam_models.IAMBackend, method_name, wrapper)

    for method in ("attach_role_policy", "attach_user_policy", "attach_group_policy", "detach_role_policy",
                   "detach_user_policy", "detach_group_policy", "get_policy", "get_policy_version",
                   "list_policy_versions", "list_entities_for_policy"):
        if hasattr(iam_models.IAMBackend, method):
            wrap(method)
