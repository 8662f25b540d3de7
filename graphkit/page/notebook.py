"""The page inline in Jupyter (or any notebook that shows `_repr_html_`).

    import graphkit
    graphkit.show(graph, focus="alibaba")          # the page, in an iframe, in the cell's output
    graphkit.show("seed_data", lang="zh", height=800)

(`show` is graphkit.page.show; this module holds the PageView it returns.)

The page's Content-Security-Policy is a <meta> element, which browsers only obey in a
document's <head>: pasted into the notebook's own document, the page would lose it (and its
scripts would meet the notebook's). So the page is the `srcdoc` of a sandboxed iframe: a
document of its own, with its CSP, its scripts allowed, and no access to the notebook (no
same-origin, so no cookies, storage or DOM of the notebook).
"""
from __future__ import annotations

import html
import os

DEFAULT_HEIGHT = 720


class PageView:
    """A rendered page that notebooks display inline (`_repr_html_`); `html` is the page itself."""

    def __init__(self, page_html: str, *, height: int = DEFAULT_HEIGHT) -> None:
        if not isinstance(height, int) or height < 100:
            raise ValueError("height must be a whole number of pixels, at least 100")
        self.html = page_html
        self.height = height

    def iframe(self) -> str:
        """The page as an <iframe srcdoc=...> (the whole page, attribute-escaped)."""
        return (f'<iframe class="graphkit-page" srcdoc="{html.escape(self.html, quote=True)}" '
                f'style="width: 100%; height: {self.height}px; border: 1px solid #e2e8f0; border-radius: 6px;" '
                'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" referrerpolicy="no-referrer" '
                'title="graphkit graph page"></iframe>')

    def _repr_html_(self) -> str:
        return self.iframe()

    def save(self, path: str | os.PathLike) -> None:
        """Write the page itself (not the iframe) to `path`, atomically."""
        from ..exports import atomic_write

        atomic_write(path, self.html.encode("utf-8"))
