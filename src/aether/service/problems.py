"""Errors as RFC 9457 problem details (application/problem+json), a cap on request bodies,
and the OpenAPI entries that document both. No response ever carries a traceback."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from aether.scenario import error_message

PROBLEM_CODES = {400: "Bad request", 401: "Missing, unknown, revoked or expired API key",
                 403: "The key may not do this, or a quota is spent", 404: "No such object for this key",
                 409: "The object's state does not allow this", 413: "Request body too large",
                 422: "The request is invalid or can never be met", 429: "Too many requests"}
MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("aether.service")


class ApiError(Exception):
    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None):
        self.status, self.detail, self.headers = status, detail, headers or {}


def problem(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    title = PROBLEM_CODES.get(status, "Error")
    return JSONResponse({"type": "about:blank", "title": title, "status": status, "detail": detail},
                        status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _where(loc: tuple) -> str:
    return ".".join(str(part) for part in loc if part not in ("body",)) or "body"


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, error: ApiError):
        return problem(error.status, error.detail, error.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, error: StarletteHTTPException):
        return problem(error.status_code, str(error.detail), getattr(error, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, error: RequestValidationError):
        # The same wording `aether validate` uses: what is wrong and what is allowed.
        lines = [f"{_where(e.get('loc', ()))}: {error_message(e, 'request')}" for e in error.errors()]
        return problem(422, "; ".join(lines)[:2000])

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, error: Exception):
        log.exception("unexpected error")
        return problem(500, "internal error; the service log has the details")


class BodyLimit:
    """ASGI middleware: 413 for a body over max_bytes, by Content-Length or as it streams in."""

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        too_big = problem(413, f"the request body is over {self.max_bytes} bytes")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            return await too_big(scope, receive, send)
        seen = 0

        async def limited_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise StarletteHTTPException(413, f"the request body is over {self.max_bytes} bytes")
            return message

        await self.app(scope, limited_receive, send)


def document(schema: dict) -> dict:
    """Every operation documents the problem responses, as application/problem+json."""
    from aether.service.schemas import Problem

    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = Problem.model_json_schema()
    for schemas in ("HTTPValidationError", "ValidationError"):
        schema["components"]["schemas"].pop(schemas, None)
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for code, description in PROBLEM_CODES.items():
                responses[str(code)] = {"description": description, "content": {
                    MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    return schema
