"""The WCAG 2 contrast ratio, written here apart from the product's, so tests judge it."""

from __future__ import annotations

RGB = tuple[int, int, int]


def _luminance(rgb: RGB) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = rgb
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def ratio(a: RGB, b: RGB) -> float:
    """From 1 (the same) to 21 (black on white); WCAG AA asks 4.5 for text."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
