from __future__ import annotations

from ninja import Field, Schema


class ErrorDetail(Schema):
    code: str
    message: str
    details: list[dict[str, object]] = []


class ErrorOut(Schema):
    error: ErrorDetail

    @classmethod
    def of(
        cls, code: str, message: str, details: list[dict[str, object]] | None = None
    ) -> ErrorOut:
        """The API's one error body (see api/errors.py)."""
        return cls(error=ErrorDetail(code=code, message=message, details=details or []))


class MeOut(Schema):
    kind: str  # "user" or "client"
    name: str
    role: str | None
    organisation: str | None
    scopes: list[str]


class RegionOut(Schema):
    code: str
    name: str
    level: int
    level_label: str
    parent_code: str | None


class RegionDetailOut(RegionOut):
    children: list[RegionOut]


class PeerGroupOut(Schema):
    key: str
    name: str
    level: int
    owner_code: str = Field(..., alias="owner.code")


class PeerGroupDetailOut(PeerGroupOut):
    members: list[RegionOut]


class OrganisationOut(Schema):
    id: int
    key: str
    name: str
    kind: str
    region_code: str = Field(..., alias="region.code")
