"""The OpenAPI document says what the API really answers on errors: RFC 9457 problem+json."""

from __future__ import annotations

from litestar.openapi.spec import Components, OpenAPI, OpenAPIMediaType, OpenAPIResponse, Reference, Schema
from litestar.openapi.spec.enums import OpenAPIType

from casebook.platform.http.problems import PROBLEM_MEDIA_TYPE

PROBLEM_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    required=["type", "title", "status", "detail", "code"],
    properties={
        "type": Schema(type=OpenAPIType.STRING, description="A stable URI naming the kind of problem."),
        "title": Schema(type=OpenAPIType.STRING),
        "status": Schema(type=OpenAPIType.INTEGER),
        "detail": Schema(type=OpenAPIType.STRING, description="What went wrong, for a human."),
        "code": Schema(type=OpenAPIType.STRING, description="The stable machine code (snake_case)."),
        "instance": Schema(type=OpenAPIType.STRING),
        "errors": Schema(type=OpenAPIType.ARRAY, items=Schema(
            type=OpenAPIType.OBJECT,
            properties={"path": Schema(type=OpenAPIType.STRING), "message": Schema(type=OpenAPIType.STRING),
                        "source": Schema(type=OpenAPIType.STRING)})),
    },
    description="RFC 9457 problem details; more members may follow (e.g. `retry_after_s`, `offset`).",
)
_PROBLEM_CONTENT = {PROBLEM_MEDIA_TYPE: OpenAPIMediaType(schema=Reference(ref="#/components/schemas/Problem"))}


def document_problems(document: OpenAPI) -> None:
    """Replace Litestar's default error bodies with the Problem schema, and give every operation a
    `default` problem answer (401, 404, 422, 429 … all share it)."""
    components = document.components or Components()
    components.schemas = {**(components.schemas or {}), "Problem": PROBLEM_SCHEMA}
    document.components = components
    for path_item in (document.paths or {}).values():
        for method in ("get", "put", "post", "delete", "patch", "head"):
            operation = getattr(path_item, method, None)
            if operation is None:
                continue
            responses = operation.responses or {}
            for status, response in list(responses.items()):
                if status[:1] in {"4", "5"} and isinstance(response, OpenAPIResponse):
                    response.content = dict(_PROBLEM_CONTENT)
            responses.setdefault("default", OpenAPIResponse(description="An error, as problem+json.",
                                                            content=dict(_PROBLEM_CONTENT)))
            operation.responses = responses
