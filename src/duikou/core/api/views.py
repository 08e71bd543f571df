"""Base views of the API: what every endpoint does before and after its own work.

- **Change context.** The middleware opens a "web" context before DRF has authenticated the request
  (a token user is unknown to it). `initial()` runs right after DRF's authentication and permission
  checks and opens the API's own context — source "api", the authenticated user, the endpoint's path and
  the API token's prefix when a token signed the request in — for the rest of the request, so every write
  through the API is change-logged as such, naming the token (docs/decisions/0001).
- **Language.** Chinese unless the client asks otherwise: the language cookie (the web's choice),
  then `Accept-Language` (`en` for English), then Chinese. Unlike the web pages, an API honours
  the header: scripts have no cookie, and their authors say what they want. The response is rendered
  inside that language, so lazily translated texts (labels, messages) come out in it.
- **Scope.** Every queryset is `restrict(queryset, user, action)` (core/scoping.py): a list shows, and a
  detail, update or state change finds, only what the user's scope holds (404 for the rest); a created or
  updated object is re-checked inside the write's transaction, so one that leaves the scope is not saved.
- **Transactions.** Each write (`perform_create`, `perform_update`, `perform_destroy`, and the state
  changes, which are services with their own `transaction.atomic`) is one transaction: a refused
  write leaves nothing behind.
"""

from __future__ import annotations

from contextlib import ExitStack

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import translation
from django.utils.cache import patch_vary_headers
from rest_framework import mixins, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView as DRFAPIView

from duikou.core.context import change_context
from duikou.core.scoping import check_in_scope, restrict
from duikou.core.tokens import ApiToken

from .exceptions import validation_error

# The action a request's method asks of the rows it finds (POST finds one for a state change, whose own
# permission the view names in `action_permissions`).
METHOD_ACTIONS = {"PUT": "change", "PATCH": "change", "DELETE": "delete"}


class APIViewMixin:
    """Language, change context and rendering of every API view (module docstring)."""

    def dispatch(self, request, *args, **kwargs):
        language = translation.get_language_from_request(request)
        self._change_contexts = ExitStack()
        with self._change_contexts, translation.override(language):
            response = super().dispatch(request, *args, **kwargs)
            if not getattr(response, "is_rendered", True):
                response.render()
        response.headers["Content-Language"] = language
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    def initial(self, request, *args, **kwargs):
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            # Before the permission check: a method the endpoint lacks is a 405 for everyone (a PUT on
            # the ledger is refused because the ledger is append-only, not for want of a permission).
            self.http_method_not_allowed(request, *args, **kwargs)
        super().initial(request, *args, **kwargs)  # authentication, permissions, throttling
        user = request.user if request.user and request.user.is_authenticated else None
        note = f"{request.method} {request.path}"[:200]
        token = request.auth if isinstance(request.auth, ApiToken) else None  # None: the web session
        self._change_contexts.enter_context(
            change_context(
                user=user,
                source="api",
                note=note,
                request_path=request.path,
                api_token_prefix=token.prefix if token is not None else "",
            )
        )


class APIView(APIViewMixin, DRFAPIView):
    """A plain endpoint (the aggregates)."""


class RestrictedQuerySetMixin:
    """The viewset's rows narrowed to the user's scope for the request's action."""

    def get_queryset(self):
        action = METHOD_ACTIONS.get(self.request.method, "view")
        queryset = restrict(super().get_queryset(), self.request.user, action)
        if self.request.method in ("PUT", "PATCH"):
            queryset = queryset.select_for_update(of=("self",))  # see WritableModelViewSet.update
        return queryset


class ReadOnlyModelViewSet(APIViewMixin, RestrictedQuerySetMixin, viewsets.ReadOnlyModelViewSet):
    """List and detail, filtered by the app's FilterSet, paginated."""


class WritableModelViewSet(
    APIViewMixin,
    RestrictedQuerySetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """List, detail, create and update; deletion only where a subclass adds `DestroyModelMixin`."""

    def update(self, request, *args, **kwargs):
        # The row is read locked (RestrictedQuerySetMixin) and written in one transaction: two PATCHes of
        # different fields of one object both land, where the later would otherwise save the earlier's
        # fields as it had read them (issue 5, item 8).
        with transaction.atomic():
            return super().update(request, *args, **kwargs)

    def perform_create(self, serializer):
        with transaction.atomic():
            self.check_saved_in_scope(serializer.save())

    def perform_update(self, serializer):
        with transaction.atomic():
            self.check_saved_in_scope(serializer.save())

    def check_saved_in_scope(self, instance) -> None:
        """Inside the write's transaction: an object outside the user's scope rolls the write back (400)."""
        try:
            check_in_scope(instance, self.request.user)
        except DjangoValidationError as error:
            raise validation_error(error) from error

    def perform_destroy(self, instance):
        # A PROTECTed reference (ledger entries of a project) raises ProtectedError: a 409.
        with transaction.atomic():
            instance.delete()


class NotFoundView(APIView):
    """Any path under /api/ that no route matches: a 404 in the API's error format (not in the schema)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    schema = None

    def get(self, request, *args, **kwargs):
        raise NotFound()

    post = put = patch = delete = head = options = get
