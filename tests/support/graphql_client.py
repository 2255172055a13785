"""Talk to the real HTTP endpoint the way a district frontend does."""

import json
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Response:
    status: int
    body: dict[str, Any]
    text: str

    @property
    def data(self) -> dict[str, Any]:
        assert self.body.get("errors") is None, self.body.get("errors")
        return self.body["data"]

    @property
    def sql_queries(self) -> int:
        return int(self.body["extensions"]["sqlQueries"])


@dataclass
class GraphQLClient:
    base_url: str
    host: str
    token: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def execute(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> Response:
        headers = {"Host": self.host, **self.headers}
        bearer = token if token is not None else self.token
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        response = httpx.post(
            f"{self.base_url}/graphql/",
            json={"query": query, "variables": variables or {}},
            headers=headers,
            timeout=30,
        )
        try:
            body = response.json()
        except ValueError:
            body = {}
        return Response(status=response.status_code, body=body, text=response.text)

    def upload(
        self,
        query: str,
        variables: dict[str, Any],
        files: dict[str, tuple[str, bytes, str]],
        *,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """A GraphQL multipart request (github.com/jaydenseric/graphql-multipart-request-spec):
        `files` maps a variable's path (e.g. "variables.file") to (name, content, type); the
        variable itself is sent as null, as the spec says."""
        sent = {**self.headers, "Host": self.host, **(headers or {})}
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        keys = list(files)
        response = httpx.post(
            f"{self.base_url}/graphql/",
            data={
                "operations": json.dumps({"query": query, "variables": variables}),
                "map": json.dumps({str(i): [path] for i, path in enumerate(keys)}),
            },
            files={str(i): files[path] for i, path in enumerate(keys)},
            headers=sent,
            timeout=60,
        )
        try:
            body = response.json()
        except ValueError:
            body = {}
        return Response(status=response.status_code, body=body, text=response.text)

    def login(self, username: str, password: str) -> str:
        result = self.execute(
            "mutation($u: String!, $p: String!) { login(username: $u, password: $p)"
            " { token errors { code } } }",
            {"u": username, "p": password},
            token="",
        )
        token = result.data["login"]["token"]
        assert token, result.body
        return str(token)

    def as_user(self, token: str) -> "GraphQLClient":
        return GraphQLClient(self.base_url, self.host, token, dict(self.headers))
