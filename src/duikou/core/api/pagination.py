"""API pagination: page numbers, `page_size` chosen by the client up to a cap.

Page numbers rather than limit/offset or cursors: the web registries page the same way (a
`page=3` link means the same rows in both), the count tells a client how many pages to fetch, and
every list is served in an indexed order (the registries' default orders), so a deep page costs what
an offset costs either way. 500 rows is the cap: an export of everything is `duikou export`'s job.
"""

from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
