"""CodeStar Connections (and the same API under the newer `codeconnections` name).

A new moto service: backend + response class, registered as `moto.codestarconnections`
and `moto.codeconnections`, routed by the SigV4 signing name.
"""

from __future__ import annotations

import re
import sys
import types
from typing import Any

from moto.core.base_backend import BackendDict, BaseBackend
from moto.core.common_models import BaseModel

from .base import JsonResponse, ServiceError
from .util import arn_parts, decode_token, encode_token, new_uuid

PROVIDER_TYPES = ["Bitbucket", "GitHub", "GitHubEnterpriseServer", "GitLab", "GitLabSelfManaged"]
MAX_CONNECTIONS = 250
MAX_TAGS = 200
NAME_RE = re.compile(r"^[\s\S]{1,32}$")


def not_found(arn: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", f"Connection {arn} does not exist")


class Connection(BaseModel):
    def __init__(self, account_id: str, region: str, name: str, provider_type: str | None,
                 host_arn: str | None, tags: list[dict[str, str]], service_prefix: str):
        self.id = new_uuid()
        self.name = name
        self.provider_type = provider_type or "GitHubEnterpriseServer"
        self.host_arn = host_arn
        self.owner = account_id
        self.region = region
        self.status = "PENDING"
        self.arn = f"arn:aws:{service_prefix}:{region}:{account_id}:connection/{self.id}"
        self.tags: dict[str, str] = {t["Key"]: t["Value"] for t in tags}

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "ConnectionName": self.name,
            "ConnectionArn": self.arn,
            "ProviderType": self.provider_type,
            "OwnerAccountId": self.owner,
            "ConnectionStatus": self.status,
        }
        if self.host_arn:
            d["HostArn"] = self.host_arn
        return d

    def tag_list(self) -> list[dict[str, str]]:
        return [{"Key": k, "Value": v} for k, v in self.tags.items()]


class CodeStarConnectionsBackend(BaseBackend):
    def __init__(self, region_name: str, account_id: str):
        super().__init__(region_name, account_id)
        self.connections: dict[str, Connection] = {}  # by uuid, creation order

    @property
    def _url_module(self) -> Any:  # type: ignore[override]
        return URLS

    def create_connection(self, name: str, provider_type: str | None, host_arn: str | None,
                          tags: list[dict[str, str]], service_prefix: str = "codestar-connections") -> Connection:
        if len(self.connections) >= MAX_CONNECTIONS:
            raise ServiceError("LimitExceededException",
                               f"Maximum number of connections ({MAX_CONNECTIONS}) reached for account {self.account_id}")
        if len(tags) > MAX_TAGS:
            raise ServiceError("LimitExceededException", f"A resource can have at most {MAX_TAGS} tags")
        conn = Connection(self.account_id, self.region_name, name, provider_type, host_arn, tags, service_prefix)
        self.connections[conn.id] = conn
        return conn

    def find(self, arn: str) -> Connection:
        parts = arn_parts(arn or "")
        if not parts or not parts["resource"].startswith("connection/"):
            raise not_found(arn)
        conn = self.connections.get(parts["resource"].split("/", 1)[1])
        if conn is None:
            raise not_found(arn)
        return conn

    def list_connections(self, provider: str | None, host_arn: str | None) -> list[Connection]:
        return [
            c for c in self.connections.values()
            if (not provider or c.provider_type == provider) and (not host_arn or c.host_arn == host_arn)
        ]

    def delete_connection(self, arn: str) -> None:
        conn = self.find(arn)
        del self.connections[conn.id]


codestarconnections_backends = BackendDict(
    CodeStarConnectionsBackend,
    "codestar-connections",
    additional_regions=[
        "us-east-2", "us-west-1", "ap-east-1", "ap-northeast-3", "ap-southeast-3", "eu-south-1",
        "me-south-1", "af-south-1", "sa-east-1", "eu-north-1", "eu-west-3", "il-central-1",
        "me-central-1", "ap-south-2", "eu-central-2", "eu-south-2", "ap-southeast-4", "ca-west-1",
    ],
)


def find_connection_anywhere(arn: str) -> Connection | None:
    """Look a connection up by ARN in whichever account/region it lives (control endpoint, pipelines)."""
    parts = arn_parts(arn or "")
    if not parts:
        return None
    try:
        return codestarconnections_backends[parts["account"]][parts["region"]].find(arn)
    except (ServiceError, KeyError):
        return None


class CodeStarConnectionsResponse(JsonResponse):
    json_version = "1.0"

    def __init__(self) -> None:
        super().__init__(service_name="codestar-connections")

    @property
    def backend(self) -> CodeStarConnectionsBackend:
        return codestarconnections_backends[self.current_account][self.region]

    @property
    def service_prefix(self) -> str:
        auth = self.headers.get("Authorization", "")
        return "codeconnections" if "/codeconnections/aws4_request" in auth else "codestar-connections"

    def create_connection(self):
        name = self.require("ConnectionName")
        if not NAME_RE.match(name):
            raise ServiceError("ValidationException",
                               "1 validation error detected: Value at 'connectionName' failed to satisfy constraint: "
                               "Member must have length less than or equal to 32")
        provider = self.p("ProviderType")
        host_arn = self.p("HostArn")
        if not provider and not host_arn:
            raise ServiceError("InvalidInputException", "ProviderType or HostArn must be specified")
        if provider and provider not in PROVIDER_TYPES:
            raise ServiceError("ValidationException",
                               f"1 validation error detected: Value '{provider}' at 'providerType' failed to satisfy "
                               f"constraint: Member must satisfy enum value set: [{', '.join(PROVIDER_TYPES)}]")
        tags = self.p("Tags", [])
        conn = self.backend.create_connection(name, provider, host_arn, tags, self.service_prefix)
        return self.reply({"ConnectionArn": conn.arn, "Tags": conn.tag_list() if tags else None})

    def get_connection(self):
        conn = self.backend.find(self.require("ConnectionArn"))
        return self.reply({"Connection": conn.to_dict()})

    def list_connections(self):
        max_results = self.p("MaxResults", 50) or 50
        if not 0 <= int(max_results) <= 100:
            raise ServiceError("ValidationException", "MaxResults must be between 0 and 100")
        items = self.backend.list_connections(self.p("ProviderTypeFilter"), self.p("HostArnFilter"))
        start = decode_token(self.p("NextToken"), "connections")
        if start is None:
            raise ServiceError("ValidationException", "Invalid NextToken")
        page = items[start:start + int(max_results)]
        next_token = encode_token(start + len(page), "connections") if start + len(page) < len(items) else None
        return self.reply({"Connections": [c.to_dict() for c in page], "NextToken": next_token})

    def delete_connection(self):
        self.backend.delete_connection(self.require("ConnectionArn"))
        return self.reply({})

    def list_tags_for_resource(self):
        conn = self.backend.find(self.require("ResourceArn"))
        return self.reply({"Tags": conn.tag_list()})

    def tag_resource(self):
        conn = self.backend.find(self.require("ResourceArn"))
        new = {t["Key"]: t["Value"] for t in self.require("Tags")}
        if len({**conn.tags, **new}) > MAX_TAGS:
            raise ServiceError("LimitExceededException", f"A resource can have at most {MAX_TAGS} tags")
        conn.tags.update(new)
        return self.reply({})

    def untag_resource(self):
        conn = self.backend.find(self.require("ResourceArn"))
        for key in self.require("TagKeys"):
            conn.tags.pop(key, None)
        return self.reply({})


URLS = types.SimpleNamespace(
    url_bases=[
        r"https?://codestar-connections\.(.+)\.amazonaws\.com",
        r"https?://codeconnections\.(.+)\.amazonaws\.com",
    ],
    url_paths={"{0}/$": CodeStarConnectionsResponse.dispatch},
)


def register() -> None:
    """Make moto's server route `codestar-connections` and `codeconnections` here."""
    import re as _re

    import moto.backend_index as backend_index

    for name, module_name in (("codestar-connections", "codestarconnections"), ("codeconnections", "codeconnections")):
        module = types.ModuleType(f"moto.{module_name}")
        setattr(module, f"{module_name}_backends", codestarconnections_backends)
        sys.modules[f"moto.{module_name}"] = module
        pattern = (name, _re.compile(rf"https?://{_re.escape(name)}\.(.+)\.amazonaws\.com"))
        if pattern[0] not in [n for n, _ in backend_index.backend_url_patterns]:
            backend_index.backend_url_patterns.insert(0, pattern)
