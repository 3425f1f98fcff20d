"""The reading side: YAML sources -> validated `Model`, or every problem found.

Split by job (docs/architecture.md):
- positions.py  YAML with positions: a file into ruamel.yaml's node tree, each
                node with its line and column; why a file cannot be read
- convert.py    the nodes into the model's dataclasses, by their type hints
- checks.py     checks across items: ids, links, references, placeholders
- strings.py    the interface strings, shipped and overridden
- loader.py     which files are sources, and reading them all in order
"""
from .checks import REF_RE
from .convert import IDENT_RE, INVISIBLE_RE, LANG_RE
from .loader import declared_languages, load, source_files
from .positions import MAX_FILE_BYTES
from .strings import BUNDLED_STRINGS, shipped_languages, shipped_strings

__all__ = ["BUNDLED_STRINGS", "IDENT_RE", "INVISIBLE_RE", "LANG_RE", "MAX_FILE_BYTES", "REF_RE",
           "declared_languages", "load", "shipped_languages", "shipped_strings", "source_files"]
