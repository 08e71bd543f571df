from .navigation import NAVIGATION


def navigation(request):
    return {"navigation": NAVIGATION}
