"""Every read a page or consumer needs, with its query budget."""

from practices.selectors.practices import (  # noqa: F401
    home_page,
    practice_list_for_author,
)
