"""Path converters of the API's routes."""

from django.urls import register_converter


class IdConverter:
    """A primary key: at most 18 digits, so that every id the URL accepts fits a 64-bit integer column
    (a longer one matches no route and gets the API's 404, not an overflow in the database driver)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")
