#!/usr/bin/env python3
"""Short-format import libraries from mingw-w64's import archives, for the x86 link with /safeseh.

Usage: short_implib.py <machine: i386|i386:x86-64> <mingw lib dir> <out dir> <name>...
For each name (kernel32, ucrt, ...) reads <mingw lib dir>/lib<name>.a and writes <out dir>/<name>.lib.

Why: /safeseh makes lld-link refuse every object that lacks the SafeSEH mark (@feat.00 bit 0). mingw-w64's import
archives are made by GNU dlltool of small real objects (one per function, plus a head and a tail naming the DLL),
which carry no such mark, so an x86 link against them must be /SAFESEH:NO. Short-format import members (what MSVC's
import libraries and llvm-dlltool hold) are not objects and pass. The import tables are taken from the archives
themselves: each function member's __imp_ symbol and its hint/name entry (.idata$6), the DLL name from the tail
member its head points to. Left out: members that are not imports (mingw's helper code), imports by ordinal, and
mingw's aliases whose symbol is not the imported name (`time` importing `_time64`: MSVC-built objects name the real
function). A function the link then lacks fails it loudly, as any unresolved symbol does.
"""
import re
import struct
import subprocess
import sys
import tempfile
from pathlib import Path


def members(data):
    """(name, bytes) of each member of a System V / GNU ar archive."""
    assert data[:8] == b"!<arch>\n", "not an ar archive"
    pos, longnames = 8, b""
    while pos + 60 <= len(data):
        header = data[pos:pos + 60]
        name, size = header[:16].decode().strip(), int(header[48:58])
        body = data[pos + 60:pos + 60 + size]
        pos += 60 + size + (size & 1)
        if name == "//":
            longnames = body
        elif name in ("/", "/SYM64/"):
            continue
        else:
            if name.startswith("/") and name[1:].isdigit():
                start = int(name[1:])
                name = longnames[start:longnames.index(b"/\n", start)].decode()
            yield name.rstrip("/"), body


def coff(obj):
    """Sections {name: raw data} and symbols [(name, section number, storage class)] of a COFF object."""
    machine, nsect, _, symptr, nsym, optsize, _ = struct.unpack_from("<HHIIIHH", obj, 0)
    strtab = obj[symptr + 18 * nsym:]

    def name_of(raw):
        if raw[:4] == b"\0\0\0\0":
            off = struct.unpack_from("<I", raw, 4)[0]
            return strtab[off:strtab.index(b"\0", off)].decode()
        if raw[0:1] == b"/" and raw[1:].rstrip(b"\0").isdigit():
            off = int(raw[1:].rstrip(b"\0"))
            return strtab[off:strtab.index(b"\0", off)].decode()
        return raw.rstrip(b"\0").decode()

    sections = {}
    for i in range(nsect):
        sh = obj[20 + optsize + 40 * i:20 + optsize + 40 * (i + 1)]
        size, rawptr = struct.unpack_from("<II", sh, 16)
        sections.setdefault(name_of(sh[:8]), obj[rawptr:rawptr + size] if rawptr else b"")
    symbols, i = [], 0
    while i < nsym:
        s = obj[symptr + 18 * i:symptr + 18 * (i + 1)]
        section, _, storage, aux = struct.unpack_from("<hHBB", s, 12)
        symbols.append((name_of(s[:8]), section, storage))
        i += 1 + aux
    return sections, symbols


def imports(archive):
    """{dll name: [(symbol without the C prefix, import name, is data)]} of a mingw import archive."""
    heads, tails, funcs = {}, {}, []
    for _, body in members(archive.read_bytes()):
        if body[:2] not in (b"\x4c\x01", b"\x64\x86"):
            continue
        sections, symbols = coff(body)
        defined = {n for n, sec, cls in symbols if sec > 0 and cls == 2}
        undefined = {n for n, sec, cls in symbols if sec == 0 and cls == 2}
        for n in defined:
            if n.endswith("_iname"):
                tails[n] = sections.get(".idata$7", b"").split(b"\0")[0].decode()
            if n.startswith("__head_"):
                heads[n] = next((u for u in undefined if u.endswith("_iname")), None)
        imp = [n for n in defined if n.startswith("__imp_")]
        head = next((u for u in undefined if u.startswith("__head_")), None)
        hint_name = sections.get(".idata$6")
        if imp and head and hint_name:
            symbol = imp[0][len("__imp_"):]
            funcs.append((head, symbol, hint_name[2:].split(b"\0")[0].decode(), symbol not in defined))
    table = {}
    for head, symbol, name, data in funcs:
        dll = tails.get(heads.get(head))
        if dll:
            table.setdefault(dll, {})[symbol] = (name, data)
    return table


def main():
    machine, libdir, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    prefix = "_" if machine == "i386" else ""
    with tempfile.TemporaryDirectory() as tmp:
        for name in sys.argv[4:]:
            table = imports(libdir / f"lib{name}.a")
            if not table:
                raise SystemExit(f"short_implib: no imports found in lib{name}.a")
            parts = []
            for i, (dll, entries) in enumerate(sorted(table.items())):
                lines = [f"LIBRARY {dll}", "EXPORTS"]
                for symbol, (import_name, data) in sorted(entries.items()):
                    if prefix and not symbol.startswith(prefix):
                        continue  # fastcall (@name@N) and other forms the MSVC-built objects do not import
                    c_name = symbol[len(prefix):]
                    if re.sub(r"@[0-9]+$", "", c_name) != import_name:
                        continue  # an alias (see above)
                    lines.append(f"    {c_name}{' DATA' if data else ''}")
                deffile, part = Path(tmp) / f"{name}-{i}.def", Path(tmp) / f"{name}-{i}.lib"
                deffile.write_text("\n".join(lines) + "\n")
                # -k: the stdcall symbol _Name@N imports the undecorated Name, as Windows' DLLs export it.
                subprocess.run(["llvm-dlltool", "-m", machine, "-k", "-d", str(deffile), "-l", str(part)], check=True)
                parts.append(str(part))
            subprocess.run(["llvm-lib", f"/out:{out / (name + '.lib')}", *parts], check=True)


if __name__ == "__main__":
    main()
