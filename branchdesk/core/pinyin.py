"""Search keys for Chinese names: the name, its pinyin initials and its full pinyin.

Polyphonic characters (曾 zeng/ceng, 单 shan/dan) give every reading, capped so a long name
cannot explode the key.
"""

from __future__ import annotations

from itertools import islice, product

_MAX_VARIANTS = 16


def search_key(name: str) -> str:
    """Lower-case text that a search box matches by substring; parts separated by '|'."""
    name = (name or "").strip()
    if not name:
        return ""
    # Imported here: pypinyin's dictionaries take a quarter of a second to load, and the app
    # only needs them when a member is saved (keys are stored), not at start-up.
    from pypinyin import Style, lazy_pinyin, pinyin

    initials = pinyin(name, style=Style.FIRST_LETTER, heteronym=True, errors="default")
    fulls = pinyin(name, style=Style.NORMAL, heteronym=True, errors="default")
    common = lazy_pinyin(name)
    parts = [name.lower(), "".join(w[:1] for w in common), "".join(common)]
    parts += ["".join(v) for v in islice(product(*initials), _MAX_VARIANTS)]
    parts += ["".join(v) for v in islice(product(*fulls), _MAX_VARIANTS)]
    return "|".join(dict.fromkeys(p.lower() for p in parts if p))


def matches(key: str, query: str) -> bool:
    query = query.strip().lower().replace(" ", "")
    return not query or query in key
