"""Opens a change context for every web request, under the logged-in user."""

from .context import change_context


class ChangeContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        with change_context(user=user, source="web", note=request.path[:200]) as context:
            request.change_context = context
            return self.get_response(request)
