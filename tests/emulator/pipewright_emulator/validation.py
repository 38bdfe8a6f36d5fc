"""AWS's API rules, enforced on every request before its handler runs, from the API models that
botocore ships (the same models AWS's SDKs are generated from).

What is checked, for the JSON protocol (X-Amz-Target services: CodeBuild, CodePipeline, CodeStar
Connections / CodeConnections, ECR, ECS, CloudWatch Logs, ...) and the query protocol (IAM, STS):

- required members ("Member must not be null"), unknown members (at any depth),
- strings: min/max length, `pattern` as a full match (Java semantics: AWS patterns are written
  unanchored and applied to the whole value), enums,
- integers/longs/floats: min/max value; lists and maps: min/max size; everything recursively,
- JSON value types (a string where a number belongs, ...): SerializationException, as AWS answers.

For S3 (rest-xml): bucket names on CreateBucket (S3's naming rules, InvalidBucketName), the
12-digit `x-amz-expected-bucket-owner`, and enum/pattern/length rules of header and query-string
members (InvalidArgument).

Refusals use AWS's wording, e.g. `1 validation error detected: Value 'a b' at 'name' failed to
satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9][A-Za-z0-9\\-_]{1,149}`
with member paths as AWS prints them (lowerCamel member names, `.N.member` for list items).

The compiled form of every operation's input shape (and every regex) is built once and cached, so
a typical request costs tens of microseconds (see README). Turn it off for debugging only with
PIPEWRIGHT_EMULATOR_VALIDATE=0.
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import threading
from typing import Any, Callable
from urllib.parse import parse_qsl

from .protocol import RequestInfo, service_model

ENV_VAR = "PIPEWRIGHT_EMULATOR_VALIDATE"


def enabled_from_env() -> bool:
    raw = os.environ.get(ENV_VAR)
    if raw is None:
        return True
    return raw.strip().lower() not in ("0", "false", "no", "off")


# The error code each service answers a model-level validation failure with (AWS differs by service:
# IAM and STS say ValidationError; CloudWatch Logs and ECR say InvalidParameterException, e.g.
# "InvalidParameterException: 1 validation error detected: Value '...' at 'logStreamName' failed to
# satisfy constraint: Member must satisfy regular expression pattern: [^:*]*" and ECR's "Invalid
# parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression ...'").
QUERY_DEFAULT_CODE = "ValidationError"
JSON_DEFAULT_CODE = "ValidationException"
ERROR_CODES = {
    "iam": "ValidationError",
    "sts": "ValidationError",
    "logs": "InvalidParameterException",
    "ecr": "InvalidParameterException",
    "ecs": "ValidationException",
    "codebuild": "ValidationException",
    "codepipeline": "ValidationException",
    "codestar-connections": "ValidationException",
    "codeconnections": "ValidationException",
}
# services whose messages use ECR's "Invalid parameter at 'x' failed to satisfy constraint: '...'" form
_ECR_STYLE = {"ecr"}

# query-protocol parameters that are not members of any input shape
_QUERY_RESERVED = {"Action", "Version", "AWSAccessKeyId", "Signature", "SignatureMethod", "SignatureVersion",
                   "Timestamp", "Expires", "SecurityToken"}

_MISSING = object()
_VALUE = object()  # key of a query-tree node's own value


class Rejection:
    """A refused request: code, message and HTTP status, plus extra XML elements for S3 errors."""

    def __init__(self, code: str, message: str, status: int = 400, extra: dict[str, str] | None = None):
        self.code = code
        self.message = message
        self.status = status
        self.extra = extra or {}

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Rejection({self.code!r}, {self.message!r})"


# --------------------------------------------------------------------------- compiled shapes


def _lower_camel(name: str) -> str:
    """AWS prints member paths in lowerCamel case, whatever the wire name ('TableName' -> 'tableName')."""
    return name[:1].lower() + name[1:] if name else name


@functools.lru_cache(maxsize=None)
def _compile_pattern(pattern: str) -> Callable[[str], Any] | None:
    """A full-match function for an AWS (Java) regex, or None if it cannot be compiled.

    AWS patterns are Java regexes applied to the whole value (Matcher.matches), whether or not they
    are written with ^...$, so they are used with fullmatch. Python's `re` with ASCII matches Java's
    defaults for \\w, \\d, \\s and \\b. Some models use syntax `re` does not accept: Unicode classes
    (`[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*` in tag keys/values) and Java's `[\\w-_]` (a '-' after a class
    escape is a literal in Java). Those fall back to the `regex` package (a moto dependency), which
    knows \\p{..} and Java's class syntax (its \\w is Unicode there, a little looser than Java's);
    if that fails too the pattern is skipped (never a crash, never a false refusal)."""
    try:
        return re.compile(pattern, re.ASCII).fullmatch
    except re.error:
        pass
    try:
        import regex  # type: ignore[import-untyped]

        return regex.compile(pattern, regex.V0).fullmatch
    except Exception:
        return None


class Node:
    __slots__ = ("kind", "shape_name", "min", "max", "pattern", "match", "enum", "enum_text", "members",
                 "required", "query_names", "member", "key", "value", "list_item_name", "map_key_name",
                 "map_value_name", "flattened", "sensitive", "scalar", "ok")

    def __init__(self, kind: str, shape_name: str):
        self.kind = kind
        self.shape_name = shape_name
        self.min: float | None = None
        self.max: float | None = None
        self.pattern: str | None = None
        self.match: Callable[[str], Any] | None = None
        self.enum: frozenset[str] | None = None
        self.enum_text = ""
        # structure: wire name -> (path name, node); required wire names; query name -> wire name
        self.members: dict[str, tuple[str, "Node"]] = {}
        self.required: tuple[str, ...] = ()
        self.query_names: dict[str, str] = {}
        self.member: Node | None = None  # list item
        self.key: Node | None = None  # map key
        self.value: Node | None = None  # map value
        self.list_item_name = "member"
        self.map_key_name = "key"
        self.map_value_name = "value"
        self.flattened = False
        self.sensitive = False
        self.scalar = True
        # scalars: a quick "present value is fine" test (type and every rule), so that long lists
        # of valid ids cost little; the detailed checks run only when it says no
        self.ok: Callable[[Any], bool] = lambda v: False


_KINDS = {"structure": "structure", "list": "list", "map": "map", "string": "string", "integer": "integer",
          "long": "integer", "float": "float", "double": "float", "boolean": "boolean", "timestamp": "timestamp",
          "blob": "blob"}


def _compile(shape: Any, cache: dict[Any, Node]) -> Node:
    md = shape.metadata
    enum = tuple(getattr(shape, "enum", None) or ())
    key = (shape.name, md.get("min"), md.get("max"), md.get("pattern"), enum, bool(md.get("document")))
    node = cache.get(key)
    if node is not None:
        return node
    kind = "document" if md.get("document") else _KINDS.get(shape.type_name, "any")
    node = Node(kind, shape.name)
    cache[key] = node  # before the members: shapes can be recursive
    node.sensitive = bool(md.get("sensitive"))
    node.min = md.get("min")
    node.max = md.get("max")
    node.scalar = kind not in ("structure", "list", "map")
    if kind == "string":
        if md.get("pattern"):
            node.pattern = md["pattern"]
            node.match = _compile_pattern(node.pattern)
        if enum:
            node.enum = frozenset(enum)
            node.enum_text = "[" + ", ".join(enum) + "]"
    if node.scalar:
        node.ok = _make_ok(node)
    if kind == "structure":
        for name, sub in shape.members.items():
            node.members[name] = (_lower_camel(name), _compile(sub, cache))
            query_name = sub.serialization.get("name", name)
            node.query_names[query_name] = name
        node.required = tuple(shape.required_members)
    elif kind == "list":
        node.member = _compile(shape.member, cache)
        node.list_item_name = shape.member.serialization.get("name", "member")
        node.flattened = bool(shape.serialization.get("flattened"))
    elif kind == "map":
        node.key = _compile(shape.key, cache)
        node.value = _compile(shape.value, cache)
        node.map_key_name = shape.key.serialization.get("name", "key")
        node.map_value_name = shape.value.serialization.get("name", "value")
        node.flattened = bool(shape.serialization.get("flattened"))
    return node


def _make_ok(node: Node) -> Callable[[Any], bool]:
    kind = node.kind
    lo, hi = node.min, node.max
    if kind == "string":
        match, enum = node.match, node.enum
        if enum is not None:
            return lambda v: v.__class__ is str and v in enum
        if match is not None:
            return lambda v: v.__class__ is str and (lo is None or len(v) >= lo) and (hi is None or len(v) <= hi) \
                and match(v) is not None
        return lambda v: v.__class__ is str and (lo is None or len(v) >= lo) and (hi is None or len(v) <= hi)
    if kind in ("integer", "float"):
        return lambda v: _type_ok(node, v) and (lo is None or v >= lo) and (hi is None or v <= hi)
    return lambda v: _type_ok(node, v)


_SHAPE_CACHES: dict[str, dict[Any, Node]] = {}
# _compile puts a node in the cache before its members (shapes can be recursive): another thread
# must never see it half built. The server is threaded, and apply sends e.g. two CreateRole at once.
_COMPILE_LOCK = threading.RLock()


@functools.lru_cache(maxsize=None)
def input_node(service: str, operation: str) -> Node | None:
    """The compiled input shape of service.operation (None: no model, no such operation, no input)."""
    model = service_model(service)
    if model is None or operation not in model.operation_names:
        return None
    shape = model.operation_model(operation).input_shape
    if shape is None:
        return None
    with _COMPILE_LOCK:
        cache = _SHAPE_CACHES.setdefault(model.service_name, {})
        return _compile(shape, cache)


# --------------------------------------------------------------------------- the checks


def _render(value: Any) -> str:
    """A value as AWS (Java) prints it in validation messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "[" + ", ".join("null" if v is None else _render(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={'null' if v is None else _render(v)}" for k, v in value.items()) + "}"
    return str(value)


class Report:
    __slots__ = ("errors", "types", "unknown")

    def __init__(self) -> None:
        self.errors: list[tuple[str, Any, str, bool]] = []  # (path, value, constraint, sensitive)
        self.types: list[str] = []  # JSON type mismatches (SerializationException)
        self.unknown: list[str] = []  # members the model does not have


def _scalar_constraints(node: Node, value: Any) -> list[str]:
    """The constraints a present scalar value breaks, in AWS's words (type already checked)."""
    out: list[str] = []
    kind = node.kind
    if kind == "string":
        n = len(value)
        if node.min is not None and n < node.min:
            out.append(f"Member must have length greater than or equal to {node.min}")
        if node.max is not None and n > node.max:
            out.append(f"Member must have length less than or equal to {node.max}")
        if node.match is not None and node.match(value) is None:
            out.append(f"Member must satisfy regular expression pattern: {node.pattern}")
        if node.enum is not None and value not in node.enum:
            out.append(f"Member must satisfy enum value set: {node.enum_text}")
    elif kind in ("integer", "float"):
        if node.min is not None and value < node.min:
            out.append(f"Member must have value greater than or equal to {_render(node.min)}")
        if node.max is not None and value > node.max:
            out.append(f"Member must have value less than or equal to {_render(node.max)}")
    return out


_JSON_TYPE_NAMES = {str: "STRING_VALUE", bool: "BOOLEAN_VALUE", int: "NUMBER_VALUE", float: "NUMBER_VALUE",
                    list: "START_ARRAY", dict: "START_OBJECT"}
_KIND_NAMES = {"string": "a String", "integer": "an Integer", "float": "a Double", "boolean": "a Boolean",
               "timestamp": "a Timestamp", "blob": "a Blob", "structure": "a Structure", "list": "a List",
               "map": "a Map"}


def _type_ok(node: Node, value: Any) -> bool:
    kind = node.kind
    if kind == "string" or kind == "blob":
        return isinstance(value, str)
    if kind == "integer":
        if isinstance(value, bool):
            return False
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if kind == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "timestamp":  # epoch seconds, or a date-time string
        return isinstance(value, (int, float, str)) and not isinstance(value, bool)
    if kind == "structure" or kind == "map":
        return isinstance(value, dict)
    if kind == "list":
        return isinstance(value, list)
    return True


def check_value(node: Node, value: Any, path: str, report: Report) -> None:
    """Checks a present (non-null) value against its node; paths are AWS's member paths."""
    if node.scalar and node.ok(value):
        return
    if not _type_ok(node, value):
        report.types.append(f"{_JSON_TYPE_NAMES.get(type(value), type(value).__name__)} can not be converted to "
                            f"{_KIND_NAMES.get(node.kind, node.kind)} (at '{path}')")
        return
    kind = node.kind
    if node.scalar:
        if kind in ("string", "integer", "float"):
            for constraint in _scalar_constraints(node, value):
                report.errors.append((path, value, constraint, node.sensitive))
        return
    if kind == "structure":
        _check_structure(node, value, path, report)
    elif kind == "list":
        _check_size(node, value, path, report)
        item = node.member
        assert item is not None
        if item.scalar:
            if all(map(item.ok, value)):
                return
            # Coral reports a list of scalars as one error at the list: "Member must satisfy constraint: [...]"
            broken: list[str] = []
            for i, v in enumerate(value, 1):
                if v is None:
                    c = ["Member must not be null"]
                elif not _type_ok(item, v):
                    check_value(item, v, f"{path}.{i}.member", report)
                    continue
                else:
                    c = _scalar_constraints(item, v) if item.kind in ("string", "integer", "float") else []
                broken.extend(x for x in c if x not in broken)
            if broken:
                report.errors.append((path, value, f"Member must satisfy constraint: [{', '.join(broken)}]",
                                      item.sensitive))
        else:
            for i, v in enumerate(value, 1):
                sub = f"{path}.{i}.member"
                if v is None:
                    report.errors.append((sub, None, "Member must not be null", False))
                else:
                    check_value(item, v, sub, report)
    elif kind == "map":
        _check_size(node, value, path, report)
        key_node, value_node = node.key, node.value
        assert key_node is not None and value_node is not None
        key_broken: list[str] = []
        value_broken: list[str] = []
        for k, v in value.items():
            for c in _scalar_constraints(key_node, k):
                if c not in key_broken:
                    key_broken.append(c)
            if v is None:
                if "Member must not be null" not in value_broken:
                    value_broken.append("Member must not be null")
            elif value_node.scalar and _type_ok(value_node, v):
                for c in (_scalar_constraints(value_node, v) if value_node.kind in ("string", "integer", "float") else []):
                    if c not in value_broken:
                        value_broken.append(c)
            else:
                check_value(value_node, v, f"{path}.{k}", report)
        if key_broken:
            report.errors.append((path, value, f"Map keys must satisfy constraint: [{', '.join(key_broken)}]",
                                  key_node.sensitive or value_node.sensitive))
        if value_broken:
            report.errors.append((path, value, f"Map value must satisfy constraint: [{', '.join(value_broken)}]",
                                  key_node.sensitive or value_node.sensitive))


def _check_size(node: Node, value: Any, path: str, report: Report) -> None:
    n = len(value)
    if node.min is not None and n < node.min:
        report.errors.append((path, value, f"Member must have length greater than or equal to {node.min}", node.sensitive))
    if node.max is not None and n > node.max:
        report.errors.append((path, value, f"Member must have length less than or equal to {node.max}", node.sensitive))


def _check_structure(node: Node, value: dict[str, Any], path: str, report: Report) -> None:
    members = node.members
    prefix = f"{path}." if path else ""
    for name in node.required:
        if value.get(name) is None:
            report.errors.append((prefix + members[name][0], None, "Member must not be null", False))
    for name, v in value.items():
        entry = members.get(name)
        if entry is None:
            report.unknown.append(prefix + name)
            continue
        if v is None:
            continue  # null is absence (required members are reported above)
        check_value(entry[1], v, prefix + entry[0], report)


def _message(report: Report, ecr_style: bool) -> str:
    parts = []
    for path, value, constraint, sensitive in report.errors:
        if ecr_style:
            text = constraint[7:] if constraint.startswith("Member ") else constraint
            text = text.replace("must satisfy regular expression pattern: ", "must satisfy regular expression ")
            if "regular expression " in text:
                head, _, pat = text.partition("regular expression ")
                text = f"{head}regular expression '{pat}'"
            parts.append(f"Invalid parameter at '{path}' failed to satisfy constraint: '{text}'")
        elif value is None:
            parts.append(f"Value null at '{path}' failed to satisfy constraint: {constraint}")
        elif sensitive:
            parts.append(f"Value at '{path}' failed to satisfy constraint: {constraint}")
        else:
            parts.append(f"Value '{_render(value)}' at '{path}' failed to satisfy constraint: {constraint}")
    for path in report.unknown:
        parts.append(f"Unknown member '{path}': it is not in the operation's input shape in the AWS API model "
                     f"(the Pipewright emulator refuses unknown members)")
    if ecr_style:
        return "; ".join(parts)
    n = len(parts)
    return f"{n} validation error{'s' if n != 1 else ''} detected: " + "; ".join(parts)


def validate_params(service: str, operation: str, params: Any) -> Rejection | None:
    """Validates already-decoded JSON parameters of service.operation (also used by tests and the seed check)."""
    node = input_node(service, operation)
    if node is None:
        return None
    return _judge_json(service, node, params)


def _judge_json_body(service: str, node: Node, body: bytes) -> Rejection | None:
    """A JSON request body judged against the operation's input (an empty body is `{}`)."""
    try:
        params = json.loads(body) if body.strip() else {}
    except ValueError as e:
        return Rejection("SerializationException", f"The request body is not valid JSON: {e}")
    return _judge_json(service, node, params)


def _judge_json(service: str, node: Node, params: Any) -> Rejection | None:
    if not isinstance(params, dict):
        return Rejection("SerializationException", "The request body must be a JSON object")
    report = Report()
    _check_structure(node, params, "", report)
    if report.types:
        return Rejection("SerializationException", report.types[0])
    if report.errors or report.unknown:
        return Rejection(ERROR_CODES.get(service, JSON_DEFAULT_CODE), _message(report, service in _ECR_STYLE))
    return None


# --------------------------------------------------------------------------- query protocol (IAM, STS)


def _query_tree(pairs: list[tuple[str, str]]) -> dict[Any, Any]:
    root: dict[Any, Any] = {}
    for k, v in pairs:
        if k in _QUERY_RESERVED or k.startswith("X-Amz-"):
            continue
        node = root
        for part in k.split("."):
            node = node.setdefault(part, {})
        node.setdefault(_VALUE, v)
    return root


def _query_unknown(tree: dict[Any, Any], prefix: str, report: Report, keep: tuple[str, ...] = ()) -> None:
    for k in tree:
        if k is _VALUE or k in keep:
            continue
        report.unknown.append(f"{prefix}.{k}" if prefix else k)


def _from_query(node: Node, tree: dict[Any, Any], wire: str, path: str, report: Report) -> Any:
    """Rebuilds a typed value from the query parameters under `wire` (a node of the key tree)."""
    kind = node.kind
    if kind == "structure":
        if _VALUE in tree and tree[_VALUE] != "":
            report.unknown.append(wire)
        out: dict[str, Any] = {}
        for qname, sub in tree.items():
            if qname is _VALUE:
                continue
            name = node.query_names.get(qname)
            if name is None:
                report.unknown.append(f"{wire}.{qname}" if wire else qname)
                continue
            path_name, child = node.members[name]
            out[name] = _from_query(child, sub, f"{wire}.{qname}" if wire else qname,
                                    f"{path}.{path_name}" if path else path_name, report)
        return out
    if kind == "list":
        item = node.member
        assert item is not None
        if node.flattened:
            items = tree
        else:
            items = tree.get(node.list_item_name, {})
            _query_unknown(tree, wire, report, keep=(node.list_item_name,))
            if _VALUE in tree and tree[_VALUE] != "":
                report.unknown.append(wire)
        result = []
        for idx in sorted((k for k in items if k is not _VALUE), key=lambda k: int(k) if k.isdigit() else -1):
            if not idx.isdigit():
                report.unknown.append(f"{wire}.{idx}")
                continue
            result.append(_from_query(item, items[idx], f"{wire}.{node.list_item_name}.{idx}",
                                      f"{path}.{len(result) + 1}.member", report))
        return result
    if kind == "map":
        entries = tree if node.flattened else tree.get("entry", {})
        if not node.flattened:
            _query_unknown(tree, wire, report, keep=("entry",))
        out_map: dict[Any, Any] = {}
        assert node.key is not None and node.value is not None
        for idx, entry in entries.items():
            if idx is _VALUE:
                continue
            k = entry.get(node.map_key_name, {}).get(_VALUE)
            v = _from_query(node.value, entry.get(node.map_value_name, {}), f"{wire}.entry.{idx}.value",
                            f"{path}.{k}", report)
            out_map[k] = v
        return out_map
    # scalars
    for k in tree:
        if k is not _VALUE:
            report.unknown.append(f"{wire}.{k}")
    raw = tree.get(_VALUE, "")
    numbers = {"integer": (int, "Member must be an integer"), "float": (float, "Member must be a number")}
    if kind in numbers:
        parse, message = numbers[kind]
        try:
            return parse(raw)
        except ValueError:
            report.errors.append((path, raw, message, False))
            return None
    if kind == "boolean":
        if raw not in ("true", "false"):
            report.errors.append((path, raw, "Member must be true or false", False))
            return None
        return raw == "true"
    return raw


def validate_query(service: str, operation: str, pairs: list[tuple[str, str]]) -> Rejection | None:
    node = input_node(service, operation)
    if node is None:
        return None
    report = Report()
    value = _from_query(node, _query_tree(pairs), "", "", report)
    unknown_params = report.unknown
    report.unknown = []
    _check_structure(node, {k: v for k, v in value.items() if v is not None}, "", report)
    report.unknown = unknown_params
    if report.errors or report.unknown:
        return Rejection(ERROR_CODES.get(service, QUERY_DEFAULT_CODE), _message(report, False))
    return None


# --------------------------------------------------------------------------- S3


_IP_RE = re.compile(r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}")
_BUCKET_RE = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_BUCKET_BAD_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BUCKET_BAD_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_ACCOUNT_RE = re.compile(r"\d{12}")


def bucket_name_problem(name: str) -> str | None:
    """Why S3 refuses `name` for a new general purpose bucket (None if it is valid)."""
    if not 3 <= len(name) <= 63:
        return "Bucket names must be between 3 (min) and 63 (max) characters long"
    if not _BUCKET_RE.fullmatch(name):
        return ("Bucket names can consist only of lowercase letters, numbers, periods (.), and hyphens (-), "
                "and must begin and end with a letter or number")
    if ".." in name:
        return "Bucket names must not contain two adjacent periods"
    if _IP_RE.fullmatch(name):
        return "Bucket names must not be formatted as an IP address"
    for p in _BUCKET_BAD_PREFIXES:
        if name.startswith(p):
            return f"Bucket names must not start with the prefix {p}"
    for s in _BUCKET_BAD_SUFFIXES:
        if name.endswith(s):
            return f"Bucket names must not end with the suffix {s}"
    return None


@functools.lru_cache(maxsize=None)
def _s3_http_members(operation: str) -> tuple[tuple[str, str, str, Node], ...]:
    """(location, wire name, member name, node) of the header / query-string members of an S3 operation
    that carry a rule worth checking."""
    model = service_model("s3")
    if model is None or operation not in model.operation_names:
        return ()
    shape = model.operation_model(operation).input_shape
    if shape is None:
        return ()
    cache = _SHAPE_CACHES.setdefault("s3", {})
    out = []
    for name, sub in shape.members.items():
        loc = sub.serialization.get("location")
        if loc not in ("header", "querystring") or sub.type_name != "string":
            continue
        with _COMPILE_LOCK:
            node = _compile(sub, cache)
        if node.enum is None and node.match is None and node.min is None and node.max is None \
                and name not in ("ExpectedBucketOwner", "ExpectedSourceBucketOwner"):
            continue
        out.append((loc, sub.serialization.get("name", name), name, node))
    return tuple(out)


def validate_s3(info: RequestInfo, environ: dict[str, Any]) -> Rejection | None:
    op = info.operation
    if not op:
        return None
    if op == "CreateBucket":
        path = environ.get("PATH_INFO", "") or ""
        bucket = path.lstrip("/").split("/", 1)[0]
        if bucket:
            problem = bucket_name_problem(bucket)
            if problem is not None:
                return Rejection("InvalidBucketName", "The specified bucket is not valid.", 400,
                                 {"BucketName": bucket})
    members = _s3_http_members(op)
    if not members:
        return None
    query = None
    for loc, wire, name, node in members:
        if loc == "header":
            raw = environ.get("HTTP_" + wire.upper().replace("-", "_"))
        else:
            if query is None:
                query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
            raw = query.get(wire)
        if raw is None:
            continue
        if name in ("ExpectedBucketOwner", "ExpectedSourceBucketOwner") and not _ACCOUNT_RE.fullmatch(raw):
            return Rejection("InvalidArgument", "Invalid Argument", 400, {"ArgumentName": wire, "ArgumentValue": raw})
        broken = _scalar_constraints(node, raw)
        if broken:
            return Rejection("InvalidArgument", f"Invalid value for {wire}: {broken[0]}", 400,
                             {"ArgumentName": wire, "ArgumentValue": raw})
    return None


# --------------------------------------------------------------------------- the hook


def _body(environ: dict[str, Any]) -> bytes | None:
    """The request body (put back for moto), or None when its length is unknown (chunked)."""
    length_raw = environ.get("CONTENT_LENGTH")
    if not length_raw:
        if "chunked" in (environ.get("HTTP_TRANSFER_ENCODING") or "").lower():
            return None
        return b""
    try:
        length = int(length_raw)
    except ValueError:
        return None
    if length <= 0:
        return b""
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def validate_request(info: RequestInfo, environ: dict[str, Any]) -> Rejection | None:
    """Checks a signed AWS request against its operation's input shape; None lets it through."""
    service = info.service
    if not service or not info.operation:
        return None
    model = service_model(service)
    if model is None:
        return None
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        node = input_node(service, info.operation)
        if node is None:
            return None
        body = _body(environ)
        if body is None:
            return None
        return _judge_json_body(service, node, body)
    protocol = model.protocol
    if protocol == "query":
        if info.request_is_json:
            return None
        pairs = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        ctype = (environ.get("CONTENT_TYPE") or "").lower()
        if ctype.startswith("application/x-www-form-urlencoded"):
            body = _body(environ)
            if body is None:
                return None
            try:
                pairs += parse_qsl(body.decode("utf-8"), keep_blank_values=True)
            except UnicodeDecodeError:
                return None
        return validate_query(service, info.operation, pairs)
    if service == "s3" and protocol == "rest-xml":
        return validate_s3(info, environ)
    if protocol == "rest-json" and service in REST_JSON_BODY_ONLY:
        return _validate_rest_json_body(service, info.operation, environ)
    return None


# rest-json services whose operations Pipewright uses take every member in the JSON body (no URI,
# query or header members), so the body alone is the whole input.
REST_JSON_BODY_ONLY = {"codestar-notifications"}


def _validate_rest_json_body(service: str, operation: str, environ: dict[str, Any]) -> Rejection | None:
    model = service_model(service)
    if model is None or operation not in model.operation_names:
        return None
    shape = model.operation_model(operation).input_shape
    if shape is None or any(m.serialization.get("location") for m in shape.members.values()):
        return None  # an operation with URI/query/header members: not checked from the body alone
    node = input_node(service, operation)
    body = _body(environ)
    if node is None or body is None:
        return None
    return _judge_json_body(service, node, body)
