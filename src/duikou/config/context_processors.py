from .navigation import NAVIGATION


def navigation(request):
    """The menu, with the entry of the section the page belongs to marked (/projects/12/ → 项目)."""
    path = request.path
    user = getattr(request, "user", None)  # absent on pages answered before authentication (413)
    items = []
    for item in NAVIGATION:
        if item.permission and (user is None or not user.has_perm(item.permission)):
            continue
        url = item.url
        is_active = path == url if url == "/" else path.startswith(url)
        items.append({"label": item.label, "url": url, "is_active": is_active})
    return {"navigation": items}
