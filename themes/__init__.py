"""The theme files shipped with pulse (YAML; a data-only package: see pulseboard.services.themes)."""
