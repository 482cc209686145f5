"""Request checks against X's OpenAPI spec, so the fake X refuses what the real one would.

The spec is the v2.167 subset in tests/fixtures/x-api/ (see SOURCES.md there). This is a small
validator for the JSON-schema keywords that subset uses, written here rather than pulling
`jsonschema` into the test extra: ~100 lines, and it refuses a keyword it does not know, so
a newer spec cannot pass unchecked. Messages copy the style of X's answers: query parameters
as X words them ("The query parameter [x] is not one of [...]"), body fields in the
`$.field: ...` style of the JSON-schema validator X runs (from memory; no capture).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).resolve().parent.parent / "fixtures" / "x-api" / "openapi-v2.167-subset.json"
CHECKED = {
    "type",
    "properties",
    "required",
    "additionalProperties",
    "enum",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
    "$ref",
    "anyOf",
    "format",
}
IGNORED = {"default", "description", "example", "discriminator"}
_TYPES = {
    "string": (str, bytes),
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "array": list,
    "object": dict,
}
_NAMES = {
    str: "string",
    bytes: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    list: "array",
    dict: "object",
    type(None): "null",
}


class Spec:
    def __init__(self, path: Path = SPEC_PATH) -> None:
        self.doc = json.loads(path.read_text(encoding="utf-8"))

    def resolve(self, node: dict) -> dict:
        while "$ref" in node:
            node = self._ref(node["$ref"])
        return node

    def _ref(self, ref: str) -> dict:
        node: Any = self.doc
        for part in ref.lstrip("#/").split("/"):
            node = node[part]
        return node

    def operation(self, method: str, template: str) -> dict:
        return self.doc["paths"][template][method.lower()]

    # -- bodies --------------------------------------------------------------------------------
    def body_problems(self, method: str, template: str, content_type: str, value: Any) -> list[str]:
        """Messages for a request body; [] when X would take it."""
        body = self.operation(method, template).get("requestBody")
        if body is None:
            return []
        media = "multipart/form-data" if "multipart" in content_type else "application/json"
        content = body["content"].get(media)
        if content is None:
            return [f"Content-Type {content_type or 'none'} is not one of [{', '.join(body['content'])}]"]
        if value is None:
            return ["A request body is required."] if body.get("required") else []
        return self.problems(content["schema"], value, "$")

    def problems(self, schema: dict, value: Any, where: str) -> list[str]:
        schema = self.resolve(schema)
        unknown = set(schema) - CHECKED - IGNORED
        if unknown:
            raise ValueError(f"openapi_check does not know the keyword(s) {sorted(unknown)} at {where}")
        if "anyOf" in schema:
            if all(self.problems(option, value, where) for option in schema["anyOf"]):
                return [f"{where}: should be valid to any of the schemas {len(schema['anyOf'])}"]
            return []
        kind = schema.get("type")
        if kind and not _is(value, kind):
            return [f"{where}: {_NAMES.get(type(value), type(value).__name__)} found, {kind} expected"]
        if "enum" in schema and value not in schema["enum"]:
            return [f"{where}: does not have a value in the enumeration [{', '.join(map(str, schema['enum']))}]"]
        if isinstance(value, dict):
            return self._object(schema, value, where)
        if isinstance(value, list):
            return self._array(schema, value, where)
        return _scalar(schema, value, where)

    def _object(self, schema: dict, value: dict, where: str) -> list[str]:
        props = schema.get("properties", {})
        out = [
            f"{where}.{key}: is missing but it is required" for key in schema.get("required", ()) if key not in value
        ]
        for key, item in value.items():
            if key in props:
                out += self.problems(props[key], item, f"{where}.{key}")
            elif schema.get("additionalProperties") is False:
                out.append(
                    f"{where}.{key}: is not defined in the schema and the schema does not allow additional properties"
                )
        return out

    def _array(self, schema: dict, value: list, where: str) -> list[str]:
        out = []
        if len(value) < schema.get("minItems", 0):
            out.append(f"{where}: there must be a minimum of {schema['minItems']} items in the array")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            out.append(f"{where}: there must be a maximum of {schema['maxItems']} items in the array")
        if schema.get("uniqueItems") and len({json.dumps(v, sort_keys=True) for v in value}) < len(value):
            out.append(f"{where}: the items in the array must be unique")
        for index, item in enumerate(value):
            out += self.problems(schema.get("items", {}), item, f"{where}[{index}]")
        return out

    # -- query strings -------------------------------------------------------------------------
    def parameters(self, method: str, template: str) -> dict[str, dict]:
        """The operation's query parameters by name. Where it takes `post.fields` it also takes
        `tweet.fields` as v2.166 defined it: X's field docs (and tweepy) still use that name."""
        out = {}
        for param in self.operation(method, template).get("parameters", []):
            param = self.resolve(param)
            if param["in"] == "query":
                out[param["name"]] = param
        if "post.fields" in out:
            out["tweet.fields"] = self.doc["components"]["parameters"]["TweetFieldsParameter_v2166"]
        return out

    def query_problems(self, method: str, template: str, query: dict[str, str]) -> list[tuple[str, str, str]]:
        """(parameter, value, message) for each problem, in X's words."""
        params, out = self.parameters(method, template), []
        for name, value in query.items():
            if name not in params:
                out.append((name, value, f"The query parameter [{name}] is not one of [{','.join(params)}]"))
                continue
            schema = self.resolve(params[name]["schema"])
            for item in value.split(",") if schema.get("type") == "array" else [value]:
                problem = self._query_value(
                    name, schema.get("items", {}) if schema.get("type") == "array" else schema, item
                )
                if problem:
                    out.append((name, item, problem))
        for name, param in params.items():
            if param.get("required") and not query.get(name):
                out.append((name, "", f"The `{name}` query parameter can not be empty"))
        return out

    def _query_value(self, name: str, schema: dict, raw: str) -> str | None:
        schema = self.resolve(schema)
        said = f"The `{name}` query parameter value [{raw}]"
        if "enum" in schema and raw not in schema["enum"]:
            return f"{said} is not one of [{','.join(schema['enum'])}]"
        if schema.get("type") == "integer":
            if not re.fullmatch(r"-?\d+", raw):
                return f"{said} is not a valid integer"
            low, high = schema.get("minimum"), schema.get("maximum")
            if (low is not None and int(raw) < low) or (high is not None and int(raw) > high):
                return f"{said} is not between {low} and {high}"
        if "pattern" in schema and not re.search(schema["pattern"], raw):
            return f"{said} is not valid"
        if schema.get("format") == "date-time" and not _datetime(raw):
            return f"{said} is not a valid RFC 3339 date-time"
        return None


def _is(value: Any, kind: str) -> bool:
    if kind == "null":
        return value is None
    if isinstance(value, bool) and kind != "boolean":
        return False
    return isinstance(value, _TYPES[kind])


def _scalar(schema: dict, value: Any, where: str) -> list[str]:
    if isinstance(value, (str, bytes)):
        if len(value) < schema.get("minLength", 0):
            return [f"{where}: must be at least {schema['minLength']} characters long"]
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            return [f"{where}: may only be {schema['maxLength']} characters long"]
        if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
            return [f"{where}: does not match the regex pattern {schema['pattern']}"]
        if isinstance(value, str) and schema.get("format") == "date-time" and not _datetime(value):
            return [f"{where}: is not a valid RFC 3339 date-time"]
    elif isinstance(value, (int, float)):
        if "minimum" in schema and value < schema["minimum"]:
            return [f"{where}: must have a minimum value of {schema['minimum']}"]
        if "maximum" in schema and value > schema["maximum"]:
            return [f"{where}: must have a maximum value of {schema['maximum']}"]
    return []


def _datetime(raw: str) -> bool:
    try:
        datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True
