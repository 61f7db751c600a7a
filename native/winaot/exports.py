#!/usr/bin/env python3
"""The export table connect_bridge.dll must have, from the declarations themselves (never a hand-kept list).

Usage: exports.py <repo root> <out dir>
Writes into <out dir>:
    exports.txt               every name the DLL must export, one a line: the cb_* functions of
                              native/include/connect_bridge.h and the 1C add-in's entry points (the EntryPoint names of
                              src/Connect.Bridge.Native/AddIn/AddInExports.cs)
    connect_bridge-x86.def    import-library definitions for MinGW programs linking with the header (x86: the header's
    connect_bridge-x64.def    stdcall symbol name@N, which dlltool --kill-at maps to the undecorated export)
Every parameter of the contract is an int or a pointer: 4 bytes on x86.
"""
import re
import sys
from pathlib import Path

HEADER_DECL = re.compile(r"CB_API\s+[^;()]+?\bCB_CALL\s+(?P<name>cb_\w+)\s*\((?P<params>[^)]*)\)\s*;")
ADDIN_ENTRY = re.compile(r'UnmanagedCallersOnly\(EntryPoint\s*=\s*"(?P<name>\w+)"')


def main():
    root, out = Path(sys.argv[1]), Path(sys.argv[2])
    header = re.sub(r"/\*.*?\*/", " ", (root / "native/include/connect_bridge.h").read_text(encoding="utf-8"), flags=re.S)
    cb = [(m["name"], 0 if m["params"].strip() in ("", "void") else len(m["params"].split(",")))
          for m in HEADER_DECL.finditer(header)]
    addin = ADDIN_ENTRY.findall((root / "src/Connect.Bridge.Native/AddIn/AddInExports.cs").read_text(encoding="utf-8"))
    if not cb or not addin:
        raise SystemExit("exports.py: no declarations found")
    out.mkdir(parents=True, exist_ok=True)
    (out / "exports.txt").write_text("".join(n + "\n" for n in sorted([n for n, _ in cb] + addin)), encoding="utf-8")
    head = ["LIBRARY connect_bridge.dll", "EXPORTS"]
    x86 = head + [f"    {n}@{4 * count}" for n, count in cb] + [f"    {n}" for n in addin]
    x64 = head + [f"    {n}" for n, _ in cb] + [f"    {n}" for n in addin]
    (out / "connect_bridge-x86.def").write_text("\n".join(x86) + "\n", encoding="utf-8")
    (out / "connect_bridge-x64.def").write_text("\n".join(x64) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
