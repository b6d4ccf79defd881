"""The fictional sample maps shipped in `sample_data/`, so the app can offer them to open.

They are for demonstration, training and tests: three clinically plausible DIT cases, each with an
agreed focus enacted across all three corners of the triangle of person. No real people.
"""

from __future__ import annotations

from pathlib import Path

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "sample_data"
"""The repository's `sample_data/` folder, next to the package."""

SUFFIX = ".ditmap.json"

_TITLES: dict[str, str] = {
    "depression-self-critical": "Depression — self-critical pattern (sample)",
    "social-anxiety-pleasing": "Social anxiety — pleasing pattern (sample)",
    "complex-trauma-abandonment": "Complex trauma — abandonment pattern (sample)",
}


def sample_paths() -> list[Path]:
    """Every sample map file, sorted by name; empty if the folder is missing (e.g. an installed wheel)."""
    if not SAMPLES_DIR.is_dir():
        return []
    return sorted(p for p in SAMPLES_DIR.iterdir() if p.is_file() and p.name.endswith(SUFFIX))


def sample_title(path: Path | str) -> str:
    """A human title for a sample file, for the app's "open a sample" list."""
    name = Path(path).name
    stem = name[: -len(SUFFIX)] if name.endswith(SUFFIX) else Path(name).stem
    if stem in _TITLES:
        return _TITLES[stem]
    words = stem.replace("_", " ").replace("-", " ").strip()
    return f"{words[:1].upper()}{words[1:]} (sample)" if words else "Sample map"
