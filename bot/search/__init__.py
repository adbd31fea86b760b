"""Finding the right page for a question typed in the person's own words."""

from bot.search.index import SearchIndex

__all__ = ["SearchIndex"]
