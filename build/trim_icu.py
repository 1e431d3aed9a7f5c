"""Rebuild Qt's ICU data library with only the parts Qt 6 reads: 32 MB -> about 5 MB.

    python build/trim_icu.py dist/aurora-desktop/_internal/PySide6/Qt/lib/libicudata.so.73

Qt Core links ICU, and ICU's data library carries the data for every feature ICU has.
Qt 6 uses ICU for collation (QCollator: sorting names, Qt's file dialog), for case
mapping in a locale (whose tables are in libicuuc, not here), for text codecs it does
not implement itself, and for the display names of time zones. It formats numbers and
dates, names languages and countries, and finds word and line breaks with its own data.
So this removes, measured on ICU 73:

- legacy code pages (*.cnv, 5.1 MB): the app reads and writes UTF-8 only; Qt converts
  UTF-8/16/32 and Latin-1 itself;
- break-iterator rules and dictionaries (brkitr/, 3.4 MB): Qt 6 has its own;
- display names of units, currencies, languages, regions and time zones, and
  transliteration and spelled-out number rules (unit/ curr/ lang/ region/ zone/
  translit/ rbnf/, 15 MB): Qt's QLocale carries its own CLDR data; a time zone's
  display name falls back to its offset ("GMT+01:00");
- the locales' number and date formats (<locale>.res at the top, 4.3 MB), not read by Qt.

Kept: all collation (coll/, 3.3 MB, so sorting follows each language's rules), the root
locale and the resource indexes, time zone rules, normalization and character
properties data. tests/e2e/test_frozen_app.py checks the frozen app against the full
data (collation in several languages, Turkish case mapping, the codecs it keeps).

Tools: icupkg (Debian icu-devtools) edits the data package; binutils' objcopy, as and ld
rebuild the library with the one symbol Qt's libicuuc looks for (icudtNN_dat).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

REMOVED_TREES = ("brkitr", "unit", "curr", "lang", "region", "zone", "translit", "rbnf")
# Top-level items that look like locales ("de.res", "zh_Hant_TW.res") but are indexes.
KEEP_TOP = {"root.res", "res_index.res", "pool.res"}
LOCALE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]+)*\.res$")


def removed(item: str) -> bool:
    """Whether an item of the package (as icupkg lists it: "coll/de.res", "de.res") goes."""
    tree, _, name = item.rpartition("/")
    if tree in REMOVED_TREES:
        return True
    if tree:
        return False
    if name.endswith(".cnv"):
        return True
    return bool(LOCALE.match(name)) and name not in KEEP_TOP


def data_blob(library: Path) -> tuple[str, bytes]:
    """(symbol, bytes) of the ICU data package inside the library."""
    symbols = subprocess.run(["readelf", "-Ws", str(library)], check=True, capture_output=True, text=True).stdout
    match = re.search(r":\s+([0-9a-f]+)\s+(\d+|0x[0-9a-f]+)\s+OBJECT\s+GLOBAL\s+\S+\s+\d+\s+(icudt\d+_dat)", symbols)
    if not match:
        raise SystemExit(f"{library}: no icudtNN_dat symbol")
    address, size, symbol = int(match.group(1), 16), int(match.group(2), 0), match.group(3)
    sections = subprocess.run(["readelf", "-SW", str(library)], check=True, capture_output=True, text=True).stdout
    rodata = re.search(r"\.rodata\s+PROGBITS\s+([0-9a-f]+)\s+([0-9a-f]+)", sections)
    if not rodata:
        raise SystemExit(f"{library}: no .rodata section")
    start = address - int(rodata.group(1), 16) + int(rodata.group(2), 16)  # the symbol's offset in the file
    with library.open("rb") as f:
        f.seek(start)
        blob = f.read(size)
    return symbol, blob


def trim(library: Path) -> tuple[int, int]:
    """Replace `library` with a trimmed one; (bytes before, bytes after)."""
    before = library.stat().st_size
    soname = library.name
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        symbol, blob = data_blob(library)
        package = work / f"{symbol.removesuffix('_dat')}l.dat"
        package.write_bytes(blob)
        items = subprocess.run(["icupkg", "-l", str(package)], check=True, capture_output=True, text=True)
        gone = [item for item in items.stdout.split() if removed(item)]
        (work / "removed.txt").write_text("\n".join(gone) + "\n", encoding="ascii")
        # icupkg names the items after the output file ("icudt73l/coll/de.res"), and ICU looks
        # them up by that name: the output keeps the input's file name, in its own folder.
        trimmed = work / "out" / package.name
        trimmed.parent.mkdir()
        subprocess.run(["icupkg", "-r", str(work / "removed.txt"), str(package), str(trimmed)], check=True)
        source = work / "data.s"
        source.write_text(
            "\t.section .rodata\n"
            f"\t.globl {symbol}\n"
            f"\t.type {symbol}, @object\n"
            "\t.balign 16\n"
            f"{symbol}:\n"
            f'\t.incbin "{trimmed}"\n'
            f"\t.size {symbol}, .-{symbol}\n"
            '\t.section .note.GNU-stack,"",@progbits\n',
            encoding="ascii",
        )
        subprocess.run(["as", "-o", str(work / "data.o"), str(source)], check=True)
        built = work / soname
        subprocess.run(["ld", "-shared", "-soname", soname, "-o", str(built), str(work / "data.o")], check=True)
        library.write_bytes(built.read_bytes())
    return before, library.stat().st_size


def main() -> None:
    for name in sys.argv[1:]:
        before, after = trim(Path(name))
        print(f"{name}: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
