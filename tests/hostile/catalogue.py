"""Every endpoint of the site, read from the URL conf, with the values that fill its path.

The hostile-input tests (fuzzing, CSRF, access, XSS, ids) walk `endpoints()`: a view added to
any urls.py is tested without anyone remembering to add it. A new path parameter that no rule
below can fill fails `sample_path` with a message that says where to add one; endpoints that
cannot be fuzzed meaningfully are listed in NOT_FUZZED with the reason.

`build_world()` makes the data those paths point at (through the app's own services), in the
test database or, run by `manage.py shell`, in a live server's database.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Namespaces that are not ours to fuzz, with the reason.
NOT_FUZZED = {
    "admin": "Django's own admin: staff only, Django's code with Django's tests",
}
# Views that take no session and no CSRF token, with the reason: the annotation API reads only
# a bearer token (which no browser sends by itself), so a forged cross-site request is anonymous
# and cannot write; a POST without a token is 401 there, a POST to a read-only resource 405.
TOKEN_ONLY = {
    "api:container": "W3C protocol container: bearer token only",
    "api:annotation": "one W3C annotation: bearer token only",
    "api:search": "search: bearer token only, GET",
    "api:openapi": "the OpenAPI document: GET",
    "api:context": "the JSON-LD context: GET",
}
# Answers of 500 and above that are meant, by endpoint, with the reason.
DELIBERATE_5XX = {
    "sharing:oembed": {501: "the oEmbed spec's answer to a format the provider does not offer"},
}


def is_server_error(endpoint_name: str, status: int) -> bool:
    return status >= 500 and status not in DELIBERATE_5XX.get(endpoint_name, {})


LOOPBACK_SOURCE = "http://127.0.0.1:9/fuzz/story"  # refused by the fetch guard, never fetched
PASSWORD = "a-long-test-password"  # tests.factories.make_user's


@dataclass(frozen=True)
class Endpoint:
    name: str  # "namespace:name"
    route: str  # the pattern as written, e.g. "a/<str:public_id>/reply/"
    parameters: tuple[tuple[str, str], ...]  # (name, converter or "regex")

    @property
    def namespace(self) -> str:
        return self.name.split(":", 1)[0]


def endpoints(*, include_not_fuzzed: bool = False) -> list[Endpoint]:
    """Every named URL pattern in the URL conf, in order."""
    found: list[Endpoint] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                converters = getattr(pattern.pattern, "converters", {})
                groups = getattr(pattern.pattern, "regex", None)
                names = list(converters) or list(groups.groupindex if groups else [])
                parameters = tuple(
                    (name, type(converters[name]).__name__ if name in converters else "regex")
                    for name in names
                )
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                found.append(Endpoint(name, prefix + str(pattern.pattern), parameters))

    walk(get_resolver().url_patterns, "", "")
    if include_not_fuzzed:
        return found
    return [endpoint for endpoint in found if endpoint.namespace not in NOT_FUZZED]


# Which object fills `pk` (or a non-article `slug`), by endpoint name.
_PK_OWNERS = {
    "articles:job": "job",
    "claims:quote": "quote",
    "claims:attribution": "quote",
    "api:token_revoke": "api_token",
    "notifications:follow_remove": "follow",
    "groups:revoke": "invite",
}
_PK_OWNER_WORDS = {"feed": "feed", "unsubscribe": "feed", "notifications:": "notification"}
# Slugs are the article's unless the endpoint is a speaker's or a group's.
_SLUG_OWNERS = {"claims:speaker": "speaker"}
_GROUP_SLUG_EXCEPT = {"groups:save"}  # saves the article named by its slug to a group
# A password reset link that is well formed but not valid (its page says so).
_REGEX_VALUES = {"fmt": "md", "uidb64": "MQ", "token": "c1s3bj-0123456789abcdef0123456789abcdef"}


def sample_kwargs(endpoint: Endpoint, world: dict) -> dict[str, object]:
    """Path values that point at `world`'s objects."""
    kwargs: dict[str, object] = {}
    for name, _converter in endpoint.parameters:
        if name == "public_id":
            kwargs[name] = world["public_id"]
        elif name == "slug":
            in_group = (
                endpoint.name.startswith("groups:") and endpoint.name not in _GROUP_SLUG_EXCEPT
            )
            kwargs[name] = (
                world["group"] if in_group else world[_SLUG_OWNERS.get(endpoint.name, "slug")]
            )
        elif name == "pk":
            owner = _PK_OWNERS.get(endpoint.name) or next(
                (owner for word, owner in _PK_OWNER_WORDS.items() if word in endpoint.name), None
            )
            if owner is None:
                raise LookupError(
                    f"{endpoint.name}: which object fills <pk>? Add it to _PK_OWNERS in "
                    "tests/hostile/catalogue.py."
                )
            kwargs[name] = world[owner]
        elif name == "username":
            kwargs[name] = world["owner"]  # the reader whose private note must stay private
        elif name in _REGEX_VALUES:
            kwargs[name] = _REGEX_VALUES[name]
        else:
            raise LookupError(
                f"{endpoint.name}: no sample value for <{name}>; add one in "
                "tests/hostile/catalogue.py (sample_kwargs)."
            )
    return kwargs


def sample_path(endpoint: Endpoint, world: dict, **overrides: object) -> str:
    return reverse(endpoint.name, kwargs=sample_kwargs(endpoint, world) | overrides)


def build_world() -> dict:
    """A reader, another reader, an article with quotes, a public note with a reply, a private
    note, a feed, a job, a follow and a notification: what every path parameter points at.
    Returns their keys."""
    from newsapp.annotations.services import reply_create
    from newsapp.api.services import api_token_create
    from newsapp.articles.models import Feed, FeedSubscription, Job, JobKind, JobStatus
    from newsapp.claims.models import Quote
    from newsapp.groups.services import group_create, invite_create
    from newsapp.notifications.models import Notification
    from newsapp.notifications.services import follow_create
    from tests.factories import make_annotation, make_article, make_user

    owner = make_user("fuzz-owner")
    other = make_user("fuzz-other")
    article = make_article(title="Fuzzing the harbour bridge", source_url=LOOPBACK_SOURCE)
    public = make_annotation(
        article=article, author=owner, note="A *public* note.", visibility="public"
    )
    private = make_annotation(
        article=article,
        author=other,
        exact="Critics say the cost",
        note="PRIVATE-NOTE-TEXT only its author may read.",
        visibility="private",
    )
    reply = reply_create(parent=public, author=other, note="A reply.")
    quote = Quote.objects.filter(article=article).select_related("speaker").first()
    feed = Feed.objects.create(url="http://127.0.0.1:9/fuzz/feed.xml", title="Fuzz feed")
    FeedSubscription.objects.create(feed=feed, user=owner)
    job = Job.objects.create(
        kind=JobKind.IMPORT_URL, status=JobStatus.DONE, requested_by=owner, url=LOOPBACK_SOURCE
    )
    follow_create(user=owner, target="article", key=str(article.pk))
    group = group_create(creator=owner, name="Fuzz desk", colour="#2a7f62")
    invite = invite_create(group=group, user=owner)
    notification = Notification.objects.get(recipient=owner)  # the reply's
    api_token, _ = api_token_create(user=owner, name="Fuzz token")
    return {
        "owner": owner.username,
        "other": other.username,
        "password": PASSWORD,
        "slug": article.slug,
        "public_id": public.public_id,
        "private_id": private.public_id,
        "private_text": "PRIVATE-NOTE-TEXT",
        "reply_id": reply.public_id,
        "quote": quote.pk,
        "speaker": quote.speaker.slug,
        "feed": feed.pk,
        "job": job.pk,
        "follow": owner.follows.get().pk,
        "notification": notification.pk,
        "group": group.slug,
        "invite": invite.pk,
        "api_token": api_token.pk,
    }


def discover_fields(client, world: dict) -> dict[str, set[str]]:
    """The field names of every form and HTMX control on every page a reader can open, by the
    endpoint they send to (a GET of each endpoint's sample path, whole page and fragment)."""
    from html.parser import HTMLParser

    from django.urls import Resolver404, resolve

    fields: dict[str, set[str]] = {}

    class Forms(HTMLParser):
        def __init__(self, page: str) -> None:
            super().__init__()
            self.page = page
            self.target: str | None = None

        def handle_starttag(self, tag, attrs):
            attributes = dict(attrs)
            action = next(
                (attributes[key] for key in ("hx-post", "action", "hx-get") if attributes.get(key)),
                None,
            )
            if tag == "form" or (action and tag != "a"):
                self.target = _endpoint_of(action or self.page)
            named = tag in ("input", "textarea", "select", "button") and attributes.get("name")
            if named and self.target:
                fields.setdefault(self.target, set()).add(attributes["name"])

        def handle_endtag(self, tag):
            if tag == "form":
                self.target = None

    def _endpoint_of(path: str) -> str | None:
        try:
            return resolve(path.split("?")[0].split("#")[0]).view_name
        except Resolver404:
            return None

    for endpoint in endpoints():
        path = sample_path(endpoint, world)
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = client.get(path, **headers)
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                Forms(path).feed(response.content.decode("utf-8", "replace"))
    return fields
