"""The API's contract: an OpenAPI 3.1 document built from the tables below.

``document(server_url)`` returns it as a dict (served by ``docs_views`` as
``/api/v1/openapi.json`` and rendered as ``/api/v1/docs``). Schemas are strict
(``additionalProperties: false``), so a field added to a serializer without a line here fails
the schemathesis run (tests/api/test_api_contract.py), and a route under ``/api/v1`` missing
from ``PATHS`` fails ``test_every_api_route_is_documented``.
"""

from __future__ import annotations

from copy import deepcopy

VERSION = "1.1.0"


def _obj(props: dict, required: list[str] | None = None) -> dict:
    return {
        "type": "object",
        "properties": props,
        "required": list(props) if required is None else required,
        "additionalProperties": False,
    }


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema_type: str, **extra) -> dict:
    return {"type": [schema_type, "null"], **extra}


STR = {"type": "string"}
URL = {"type": "string", "format": "uri"}
TIME = {"type": "string", "format": "date-time"}
BOOL = {"type": "boolean"}
INT = {"type": "integer"}

SCHEMAS: dict[str, dict] = {
    "Error": _obj(
        {
            "error": _obj(
                {
                    "code": {
                        "type": "string",
                        "description": "stable machine word: not_found, invalid_cursor, "
                        "invalid_parameter, bad_request, method_not_allowed, too_many_requests, "
                        "server_error",
                    },
                    "message": {**STR, "description": "for people; Indonesian by default"},
                    "request_id": STR,
                }
            )
        }
    ),
    "Ref": _obj({"slug": STR, "name": STR}),
    "Photo": _obj(
        {"url": URL, "width": {**INT, "minimum": 1}, "height": {**INT, "minimum": 1}},
    ),
    "RoundRef": _obj({"id": INT, "edition": _nullable("integer"), "name": STR}),
    "Listing": _obj(
        {
            "id": INT,
            "title": STR,
            "price": _nullable("integer", minimum=0, description="whole rupiah; null: ask"),
            "currency": {"const": "IDR"},
            "unit": STR,
            "category": _ref("Ref"),
            "district": _ref("Ref"),
            "business": _obj(
                {
                    "id": INT,
                    "name": STR,
                    "whatsapp_url": {
                        "type": ["string", "null"],
                        "format": "uri",
                        "description": "the site's counting redirect to wa.me (null: no number)",
                    },
                }
            ),
            "round": _ref("RoundRef"),
            "url": URL,
            "photos": {"type": "array", "items": _ref("Photo"), "maxItems": 5},
            "stock": {
                "type": "string",
                "enum": ["in_stock", "sold_out", "preorder"],
                "description": "the community's stock mark (no review needed); sold out last",
            },
        }
    ),
    "Round": _obj(
        {
            "id": INT,
            "edition": _nullable("integer"),
            "name": STR,
            "opens_at": TIME,
            "closes_at": TIME,
            "publishes_at": TIME,
            "showcase_ends_at": TIME,
            "url": {"type": ["string", "null"], "format": "uri"},
        }
    ),
    "Community": _obj(
        {
            "slug": STR,
            "name": STR,
            "district": _ref("Ref"),
            "description": STR,
            "instagram": _nullable("string"),
            "verified": BOOL,
            "url": URL,
        }
    ),
    "Business": _obj(
        {
            "id": INT,
            "name": STR,
            "district": _ref("Ref"),
            "community": _obj({"slug": STR, "name": STR}),
            "story": STR,
            "instagram": _nullable("string"),
            "links": _obj({"tokopedia": _nullable("string"), "shopee": _nullable("string")}),
            "checked": _obj({"nib": BOOL, "halal": BOOL, "pirt": BOOL}),
            "url": URL,
        }
    ),
}
_listing = SCHEMAS["Listing"]
SCHEMAS["ListingDetail"] = {
    **_listing,
    "properties": {
        **_listing["properties"],
        "description": STR,
        "halal": BOOL,
        "pirt": BOOL,
        "approved_at": _nullable("string", format="date-time"),
    },
    "required": [*_listing["required"], "description", "halal", "pirt", "approved_at"],
}
CURSOR_NEXT = {"type": ["string", "null"], "description": "pass as `cursor` for the next page"}


def _page(item: str) -> dict:
    return _obj({"items": {"type": "array", "items": _ref(item)}, "next": CURSOR_NEXT})


def _list(item: str) -> dict:
    return _obj({"items": {"type": "array", "items": _ref(item)}})


SCHEMAS.update(
    ListingPage=_page("Listing"),
    CommunityPage=_page("Community"),
    BusinessPage=_page("Business"),
    RefList=_list("Ref"),
    RoundList=_list("Round"),
    RoundDetail=_obj({"round": _ref("Round"), "listings": _page("Listing")}),
)


def _q(name: str, description: str, schema: dict | None = None) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or STR,
    }


def _path(name: str, schema: dict, description: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": schema,
        "description": description,
    }


IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "an ETag from an earlier answer: 304 without a body when unchanged",
    "schema": STR,
}
CURSOR = _q("cursor", "the `next` of the previous page; any other value is a 400")
PER_PAGE = _q(
    "per_page",
    "1..100, default 24 (other whole numbers are clamped; anything else is a 400 "
    "`invalid_parameter`)",
    INT,
)
LISTING_FILTERS = [
    _q("q", "free text (Indonesian), up to 8 words"),
    _q("category", "a category slug (see /api/v1/categories)"),
    _q("district", "a district slug (the business's kecamatan; see /api/v1/districts)"),
    _q("community", "a community slug"),
    _q(
        "min_price",
        "whole rupiah, typed any way (15000, 15.000, 15rb); anything else is a 400 "
        "`invalid_parameter`",
    ),
    _q("max_price", "whole rupiah, as min_price"),
    _q("halal", "1: only listings with the halal mark", {"type": "string", "enum": ["1", "0"]}),
    _q(
        "available",
        "1: leave out sold-out listings (without it they come last)",
        {"type": "string", "enum": ["1", "0"]},
    ),
    _q(
        "sort",
        "newest (default), cheapest, dearest (both leave out listings without a price), "
        "relevance (the default with q)",
        {"type": "string", "enum": ["newest", "cheapest", "dearest", "relevance"]},
    ),
    PER_PAGE,
    CURSOR,
]

OK_HEADERS = {
    "ETag": {"required": True, "schema": STR, "description": "strong validator of the body"},
    "Cache-Control": {"required": True, "schema": STR},
    "Access-Control-Allow-Origin": {"required": True, "schema": {"const": "*"}},
}


def _ok(schema: str, description: str) -> dict:
    return {
        "description": description,
        "headers": OK_HEADERS,
        "content": {"application/json": {"schema": _ref(schema)}},
    }


ERROR_CONTENT = {"application/json": {"schema": _ref("Error")}}
NOT_MODIFIED = {"description": "unchanged since the ETag in If-None-Match"}


def _op(op_id: str, summary: str, schema: str, params: list, errors: dict[int, str]) -> dict:
    responses = {"200": _ok(schema, summary), "304": NOT_MODIFIED}
    for status, text in errors.items():
        responses[str(status)] = {"description": text, "content": ERROR_CONTENT}
    return {
        "get": {
            "operationId": op_id,
            "summary": summary,
            "parameters": [*params, IF_NONE_MATCH],
            "responses": responses,
        }
    }


ID = {"type": "integer", "minimum": 1}
BAD_CURSOR = {
    400: "a cursor this API did not make (`invalid_cursor`), or a number it cannot read "
    "(`invalid_parameter`)"
}
NOT_FOUND = {404: "not public, or no such record (`not_found`)"}

PATHS: dict[str, dict] = {
    "/api/v1/listings": _op(
        "listListings",
        "Public listings: the catalogue's search, filters and cursor paging",
        "ListingPage",
        LISTING_FILTERS,
        BAD_CURSOR,
    ),
    "/api/v1/listings/{listing_id}": _op(
        "getListing",
        "One public listing, with its description",
        "ListingDetail",
        [_path("listing_id", ID, "the listing's id")],
        NOT_FOUND,
    ),
    "/api/v1/rounds": _op("listRounds", "Published rounds, newest first", "RoundList", [], {}),
    "/api/v1/rounds/{round_id}": _op(
        "getRound",
        "A published round and a page of its public listings",
        "RoundDetail",
        [_path("round_id", ID, "the round's id"), PER_PAGE, CURSOR],
        {**BAD_CURSOR, **NOT_FOUND},
    ),
    "/api/v1/communities": _op(
        "listCommunities",
        "Public (verified) communities, in id order",
        "CommunityPage",
        [PER_PAGE, CURSOR],
        BAD_CURSOR,
    ),
    "/api/v1/communities/{slug}": _op(
        "getCommunity",
        "One public community (its listings: /api/v1/listings?community=<slug>)",
        "Community",
        [_path("slug", STR, "the community's slug")],
        NOT_FOUND,
    ),
    "/api/v1/businesses": _op(
        "listBusinesses",
        "Businesses with public listings, in id order",
        "BusinessPage",
        [_q("community", "a community slug"), PER_PAGE, CURSOR],
        BAD_CURSOR,
    ),
    "/api/v1/businesses/{business_id}": _op(
        "getBusiness",
        "One business with public listings",
        "Business",
        [_path("business_id", ID, "the business's id")],
        NOT_FOUND,
    ),
    "/api/v1/categories": _op(
        "listCategories", "Active categories in display order", "RefList", [], {}
    ),
    "/api/v1/districts": _op(
        "listDistricts", "Districts (kecamatan) in display order", "RefList", [], {}
    ),
}


def document(server_url: str) -> dict:
    """The OpenAPI 3.1 document; ``server_url`` is the site's root (absolute)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Etalase UMKM API",
            "version": VERSION,
            "summary": "Read-only public data of the catalogue: listings, rounds, communities, "
            "businesses, categories and districts.",
            "description": "Only public data. Every answer carries an ETag (send it back in "
            "If-None-Match for a 304) and Cache-Control; any origin may read (CORS). Lists "
            "are paged by an opaque `cursor` (the previous answer's `next`). Errors are "
            '`{"error": {"code", "message", "request_id"}}`.',
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": deepcopy(PATHS),
        "components": {"schemas": deepcopy(SCHEMAS)},
    }
