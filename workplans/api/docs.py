"""The API's documentation page: rendered on the server from the OpenAPI schema, in the
site's own layout (no third-party script or style: it keeps to the CSP and passes axe)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator

from ..permissions import readable


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _type(schema: dict) -> str:
    kind = schema.get("type") or ("object" if "$ref" in schema else "")
    if kind == "array":
        return f"array of {_type(schema.get('items', {}))}"
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[1]
    fmt = schema.get("format")
    return f"{kind} ({fmt})" if fmt and fmt not in ("int64",) else kind


def _fields(schema: dict, components: dict) -> list[dict]:
    """A response's fields; for a page of results, the fields of one result."""
    schema = _resolve(schema, components)
    properties = schema.get("properties", {})
    if "results" in properties:
        return _fields(properties["results"].get("items", {}), components)
    return [
        {
            "name": name,
            "type": _type(field),
            "nullable": field.get("nullable", False),
            "description": field.get("description", "") or field.get("title", ""),
        }
        for name, field in properties.items()
    ]


def operations() -> list[dict]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema.get("components", {}).get("schemas", {})
    result = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            ok = operation.get("responses", {}).get("200", {})
            body = ok.get("content", {}).get("application/json", {}).get("schema", {})
            result.append(
                {
                    "id": operation["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "description": operation.get("description", ""),
                    "paginated": "results" in _resolve(body, components).get("properties", {}),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "in": parameter["in"],
                            "type": _type(parameter.get("schema", {})),
                            "description": parameter.get("description", ""),
                            "choices": parameter.get("schema", {}).get("enum", []),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                    "fields": _fields(body, components),
                }
            )
    return result


@readable
def api_docs(request: HttpRequest) -> HttpResponse:
    return render(request, "workplans/api_docs.html", {"operations": operations()})
