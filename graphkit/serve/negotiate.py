"""HTTP content negotiation: pick one of the formats the server offers from an Accept header."""
from __future__ import annotations


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """[(media range, q)] of an Accept header; malformed q values count as 1 (lenient, like most servers)."""
    ranges = []
    for part in (header or "").split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        if "/" not in media:
            media = "*/*" if media == "*" else media + "/*"
        q = 1.0
        for parameter in pieces[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value)))
                except ValueError:
                    q = 1.0
        ranges.append((media, q))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """q of the most specific range that matches (RFC 9110 §12.5.1)."""
    main = media_type.split("/")[0]
    best, specificity = 0.0, -1
    for media, q in ranges:
        if media == media_type:
            level = 2
        elif media == f"{main}/*":
            level = 1
        elif media == "*/*":
            level = 0
        else:
            continue
        if level > specificity:
            best, specificity = q, level
    return best


def negotiate(header: str | None, offers: list[tuple[str, str]]) -> str | None:
    """The name of the best offer [(media type, name)], in the server's order of preference on
    ties; the first offer when there is no Accept header; None when nothing is acceptable."""
    if not offers:
        return None
    ranges = parse_accept(header)
    if not ranges:
        return offers[0][1]
    best_name, best_q = None, 0.0
    for media_type, name in offers:
        q = _quality(media_type, ranges)
        if q > best_q:
            best_name, best_q = name, q
    return best_name
