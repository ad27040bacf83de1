from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    """Cursor pagination for every list (API.md): newest first, `?page_size=` up to 200."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-created_at", "-id")
