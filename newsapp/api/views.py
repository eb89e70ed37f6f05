"""The W3C Web Annotation Protocol at /api/annotations/, Hypothesis-shaped search at
/api/search, Gloss's JSON-LD context, the OpenAPI document and its readable page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from newsapp.annotations.models import Annotation

from . import services
from .auth import Caller, require_write
from .documents import read_annotation, request_body
from .errors import ApiError
from .http import (
    JSONLD,
    api_view,
    base_url,
    json_response,
    jsonld_response,
    matches,
)
from .listing import MAX_LIMIT, MAX_OFFSET, page_of, read_filters, read_int
from .models import WaitingAnnotation
from .openapi import openapi_document
from .prefer import container_preference
from .presenter import annotation_iri, annotation_jsonld, contexts, gloss_context, hypothesis_row
from .targets import article_for_target

LDP = "http://www.w3.org/ns/ldp#"
OA = "http://www.w3.org/ns/oa#"
PROTOCOL = "http://www.w3.org/TR/annotation-protocol/"
PAGE_SIZE = 100
MAX_PAGE = MAX_OFFSET // PAGE_SIZE


# --- the container ---------------------------------------------------------------------------


@api_view(["GET", "POST"])
def container(request, caller: Caller):
    if request.method == "POST":
        return _create(request, caller)
    filters = read_filters(request.GET)
    limit = read_int(request.GET, "limit", default=PAGE_SIZE, low=1, high=MAX_LIMIT)
    page = read_int(request.GET, "page", default=-1, low=0, high=MAX_OFFSET)
    iris = read_int(request.GET, "iris", default=0, low=0, high=1) == 1
    root = base_url(request) + reverse("api:container")

    def iri(**extra) -> str:
        query = filters.query()
        if limit != PAGE_SIZE:
            query.append(("limit", str(limit)))
        query += [(name, str(value)) for name, value in extra.items()]
        return root + ("?" + urlencode(query) if query else "")

    preference = container_preference(request.META.get("HTTP_PREFER", ""))
    if page >= 0:
        return _page(
            request, caller, filters, root=root, iri=iri, number=page, limit=limit, iris=iris
        )
    result = page_of(
        caller.user,
        filters,
        host=request.get_host(),
        offset=0,
        limit=0 if preference.minimal else limit,
    )
    total = result.total
    last = max(0, (total - 1) // limit)
    page_flag = {"iris": 1} if preference.iris else {}
    document = {
        "@context": [*contexts(base_url(request)), "http://www.w3.org/ns/ldp.jsonld"],
        "id": iri(),
        "type": ["BasicContainer", "AnnotationCollection"],
        "label": "Annotations on Gloss",
        "total": total,
    }
    if total:
        if preference.minimal:
            document["first"] = iri(page=0, **page_flag)
        else:
            document["first"] = _page_document(
                request,
                result.items,
                root=root,
                iri=iri,
                number=0,
                limit=limit,
                total=total,
                iris=preference.iris,
                embedded=True,
            )
        document["last"] = iri(page=last, **page_flag)
    response = jsonld_response(document, vary="Accept, Prefer")
    response["Link"] = ", ".join(
        [f'<{LDP}BasicContainer>; rel="type"', f'<{PROTOCOL}>; rel="{LDP}constrainedBy"']
    )
    response["Content-Location"] = document["id"]
    response["Accept-Post"] = JSONLD
    if preference.applied:
        response["Preference-Applied"] = "return=representation"
    return response


def _page(request, caller, filters, *, root, iri, number, limit, iris) -> HttpResponse:
    if number * limit > MAX_OFFSET:
        raise ApiError(400, f"Pages go up to {MAX_OFFSET:,} annotations.", path="?page")
    result = page_of(
        caller.user, filters, host=request.get_host(), offset=number * limit, limit=limit
    )
    if number > 0 and not result.items:
        raise ApiError(404, f"There is no page {number}.", path="?page")
    document = _page_document(
        request,
        result.items,
        root=root,
        iri=iri,
        number=number,
        limit=limit,
        total=result.total,
        iris=iris,
        embedded=False,
    )
    response = jsonld_response(document, vary="Accept, Prefer")
    response["Link"] = f'<{LDP}Page>; rel="type"'
    response["Content-Location"] = document["id"]
    return response


def _page_document(request, items, *, root, iri, number, limit, total, iris, embedded) -> dict:
    flag = {"iris": 1} if iris else {}
    base = base_url(request)
    document: dict = {} if embedded else {"@context": contexts(base)}
    document.update(
        {
            "id": iri(page=number, **flag),
            "type": "AnnotationPage",
            "partOf": {"id": iri(), "total": total},
            "startIndex": number * limit,
        }
    )
    if (number + 1) * limit < total:
        document["next"] = iri(page=number + 1, **flag)
    if number > 0:
        document["prev"] = iri(page=number - 1, **flag)
    document["items"] = [
        annotation_iri(base, item.public_id)
        if iris
        else annotation_jsonld(item, base_url=base, embedded=True)
        for item in items
    ]
    return document


def _create(request, caller: Caller) -> HttpResponse:
    require_write(caller)
    document = read_annotation(request_body(request))
    article = article_for_target(document.target_url, host=request.get_host())
    created = services.api_annotation_create(author=caller.user, document=document, article=article)
    response = jsonld_response(
        annotation_jsonld(_fresh(created), base_url=base_url(request)), status=201
    )
    response["Location"] = annotation_iri(base_url(request), created.public_id)
    response["Link"] = f'<{LDP}Resource>; rel="type"'
    return response


# --- one annotation --------------------------------------------------------------------------


def _fresh(item):
    """``item`` as a listing loads it (with what its JSON-LD shows)."""
    if isinstance(item, Annotation):
        return (
            Annotation.objects.select_related("article", "author", "revision", "api_identity")
            .prefetch_related("tags", "sources")
            .get(pk=item.pk)
        )
    return WaitingAnnotation.objects.select_related("author").get(pk=item.pk)


def _find(caller: Caller, public_id: str) -> Annotation | WaitingAnnotation:
    """The annotation at this IRI if the caller may see it (the IRI opens unlisted ones)."""
    annotation = (
        Annotation.objects.visible_to(caller.user, via_link=True)
        .top_level()
        .filter(public_id=public_id)
        .select_related("article", "author", "revision", "api_identity")
        .prefetch_related("tags", "sources")
        .first()
    )
    if annotation is not None:
        return annotation
    waiting = (
        WaitingAnnotation.objects.visible_to(caller.user, via_link=True)
        .filter(public_id=public_id)
        .select_related("author")
        .first()
    )
    if waiting is None:
        raise Http404
    return waiting


def _moved(request, caller: Caller, public_id: str) -> HttpResponse | None:
    """A waiting annotation that attached to its article lives at the new annotation's IRI."""
    attached = (
        WaitingAnnotation.objects.filter(public_id=public_id, deleted_at__isnull=True)
        .exclude(attached_to=None)
        .values_list("attached_to__public_id", flat=True)
        .first()
    )
    if attached is None:
        return None
    visible = Annotation.objects.visible_to(caller.user, via_link=True).filter(public_id=attached)
    if not visible.exists():
        return None
    return HttpResponsePermanentRedirect(annotation_iri(base_url(request), attached))


@api_view(["GET", "PUT", "DELETE"])
def annotation(request, caller: Caller, public_id: str):
    method = "GET" if request.method == "HEAD" else request.method
    if method in {"PUT", "DELETE"}:
        require_write(caller)
    try:
        item = _find(caller, public_id)
    except Http404:
        moved = _moved(request, caller, public_id) if method == "GET" else None
        if moved is None:
            raise
        return moved
    base = base_url(request)
    current = jsonld_response(annotation_jsonld(item, base_url=base))
    if method == "GET":
        current["Link"] = f'<{LDP}Resource>; rel="type"'
        return current
    if_match = request.META.get("HTTP_IF_MATCH", "")
    if item.author_id != caller.user.pk:
        raise ApiError(403, "Only the author can change this annotation.")
    if method == "PUT" and not if_match:
        raise ApiError(428, "Send If-Match with the ETag you last read.", path="If-Match")
    if if_match and not matches(if_match, current["ETag"]):
        raise ApiError(
            412,
            "The annotation changed since you read it: read it again, then retry.",
            path="If-Match",
        )
    if method == "DELETE":
        services.api_annotation_delete(annotation=item, user=caller.user)
        return HttpResponse(status=204)
    document = read_annotation(request_body(request))
    try:
        if isinstance(item, Annotation):
            target = article_for_target(document.target_url, host=request.get_host())
            if target is None or target.pk != item.article_id:
                raise services.TargetChanged()
            services.api_annotation_replace(annotation=item, user=caller.user, document=document)
        else:
            services.waiting_replace(waiting=item, user=caller.user, document=document)
    except services.TargetChanged:
        raise ApiError(
            409,
            "An annotation's target cannot change: create a new annotation instead.",
            path="$.target",
        ) from None
    response = jsonld_response(annotation_jsonld(_fresh(item), base_url=base))
    response["Link"] = f'<{LDP}Resource>; rel="type"'
    return response


# --- search ----------------------------------------------------------------------------------


@api_view(["GET"])
def search(request, caller: Caller):
    filters = read_filters(request.GET)
    limit = read_int(request.GET, "limit", default=20, low=0, high=MAX_LIMIT)
    offset = read_int(request.GET, "offset", default=0, low=0, high=MAX_OFFSET)
    sort = request.GET.get("sort", "updated")
    if sort not in {"created", "updated"}:
        raise ApiError(400, "Sort by created or updated.", path="?sort")
    order = request.GET.get("order", "desc")
    if order not in {"asc", "desc"}:
        raise ApiError(400, "Order asc or desc.", path="?order")
    result = page_of(
        caller.user,
        filters,
        host=request.get_host(),
        offset=offset,
        limit=limit,
        sort=sort,
        descending=order == "desc",
    )
    base, host = base_url(request), request.get_host()
    return json_response(
        {
            "total": result.total,
            "rows": [hypothesis_row(item, base_url=base, host=host) for item in result.items],
        }
    )


# --- documents about the API -----------------------------------------------------------------


@api_view(["GET"])
def context(request, caller: Caller):
    response = json_response(gloss_context(base_url(request)))
    response["Content-Type"] = "application/ld+json"
    return response


@api_view(["GET"])
def openapi(request, caller: Caller):
    return json_response(openapi_document(base_url(request)))


@require_GET
def docs(request):
    """The readable page of the OpenAPI document (rendered here: no script, no CDN)."""
    return render(request, "api/docs.html", {"api": openapi_document(base_url(request))})
