"""Every read a page or consumer needs, with its query budget."""

from practices.selectors.practices import (  # noqa: F401
    home_page,
    practice_get_for_user,
    practice_list,
    practice_list_for_author,
    practice_revision_history,
)
from practices.selectors.tags import (  # noqa: F401
    tag_autocomplete,
    tag_get,
    tag_index,
    tag_moved_to,
    tag_popular,
)
