#!/usr/bin/env python3
"""The native contract is written in several places; this checks that they all say the same.

Compares, by name and value:
  - the version: Directory.Build.props <Version> (the one source) with CB_VERSION_MAJOR/MINOR/PATCH/NUMBER in
    native/include/connect_bridge.h and native/delphi/ConnectBridge.pas (NUMBER encoded as SQLite does);
  - every CB_* constant of the header with the Pascal unit's (the header's CB_VERSION_NUMBER is
    CB_HEADER_VERSION_NUMBER in Pascal, which ignores case and has the function cb_version_number);
  - CB_OPT_* with src/Connect.Bridge.Hosting/SenderSetting.cs and with the option list of tests/corpus/README.md
    (its "1 BaseUrl, 2 Login, ..." list and "Ids outside 1..N");
  - CB_E_* with src/Connect.Bridge/Errors/BridgeStatus.cs, CB_KEYBOARD_* with the KeyboardFormat enum.
Prints one line per check and "N passed, N failed"; exits 1 on any disagreement.
Usage: check_contract.py [repo root]
"""
import re
import sys
from pathlib import Path

root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2])
results = []


def check(ok, what):
    results.append(ok)
    print(("PASS " if ok else "FAIL ") + what)


def read(rel):
    return (root / rel).read_text(encoding="utf-8-sig")


def snake(pascal):
    """TimeoutMs -> TIMEOUT_MS, AllowInsecureHttp -> ALLOW_INSECURE_HTTP."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", pascal).upper()


def c_constants(text):
    return {m[1]: int(m[2]) for m in re.finditer(r"^#define\s+(CB_[A-Z0-9_]+)\s+\(?(-?\d+)\)?", text, re.M)}


def pascal_constants(text):
    return {m[1]: int(m[2]) for m in re.finditer(r"^\s*(CB_[A-Z0-9_]+)\s*=\s*(-?\d+)\s*;", text, re.M)}


def cs_enum(text, name):
    body = re.search(r"enum\s+" + name + r"\s*\{(.*?)^\}", text, re.S | re.M)
    return {m[1]: int(m[2]) for m in re.finditer(r"^\s*(\w+)\s*=\s*(-?\d+)\s*,?", body[1], re.M)} if body else {}


def prefixed(constants, prefix):
    return {k[len(prefix):]: v for k, v in constants.items() if k.startswith(prefix)}


def same(a, b, what):
    missing_b = sorted(set(a) - set(b))
    missing_a = sorted(set(b) - set(a))
    differ = sorted(k for k in set(a) & set(b) if a[k] != b[k])
    ok = not (missing_a or missing_b or differ) and len(a) > 0
    detail = "" if ok else f": only in the first {missing_b}, only in the second {missing_a}, different values {differ}"
    check(ok, f"{what} ({len(a)} names){detail}")


header = c_constants(read("native/include/connect_bridge.h"))
pascal = pascal_constants(read("native/delphi/ConnectBridge.pas"))

# ---- version -------------------------------------------------------------------------------------------------
version = re.search(r"<Version>\s*(\d+)\.(\d+)\.(\d+)", read("Directory.Build.props"))
check(version is not None, "Directory.Build.props has <Version>major.minor.patch</Version>")
if version:
    major, minor, patch = (int(x) for x in version.groups())
    number = major * 1000000 + minor * 1000 + patch
    expected = {"CB_VERSION_MAJOR": major, "CB_VERSION_MINOR": minor, "CB_VERSION_PATCH": patch, "CB_VERSION_NUMBER": number}
    got = {k: header.get(k) for k in expected}
    check(got == expected, f"header CB_VERSION_* {got} = Directory.Build.props {major}.{minor}.{patch} ({number})")
    expected_pas = dict(expected)
    expected_pas["CB_HEADER_VERSION_NUMBER"] = expected_pas.pop("CB_VERSION_NUMBER")
    got_pas = {k: pascal.get(k) for k in expected_pas}
    check(got_pas == expected_pas, f"Pascal CB_VERSION_* {got_pas} = Directory.Build.props")

# ---- header and Pascal unit: every constant ------------------------------------------------------------------
pascal_as_c = {("CB_VERSION_NUMBER" if k == "CB_HEADER_VERSION_NUMBER" else k): v for k, v in pascal.items()}
same(header, pascal_as_c, "every CB_* constant of the header = the Pascal unit's")
check(header.get("CB_OK") == 0, "CB_OK is 0")

# ---- option ids ----------------------------------------------------------------------------------------------
# native option ids are SenderSetting values below 1000 (the others are COM/CLI-only settings)
sender_option = {k: v for k, v in cs_enum(read("src/Connect.Bridge.Hosting/SenderSetting.cs"), "SenderSetting").items() if v < 1000}
same(prefixed(header, "CB_OPT_"), {snake(k): v for k, v in sender_option.items()}, "CB_OPT_* = SenderSetting (ids < 1000)")

readme = read("tests/corpus/README.md")
paragraph = re.search(r"Option ids are those of[^:]*:(.*?)\.\s*\n?Ids outside 1\.\.(\d+)", readme, re.S)
check(paragraph is not None, "tests/corpus/README.md lists the option ids ('Option ids are those of ...', 'Ids outside 1..N')")
if paragraph:
    listed = {name: int(n) for n, name in re.findall(r"(\d+)\s+([A-Za-z]+)", paragraph[1])}
    same(listed, sender_option, "tests/corpus/README.md option list = SenderSetting")
    top = int(paragraph[2])
    check(top == max(sender_option.values(), default=-1), f"tests/corpus/README.md 'Ids outside 1..{top}' = the highest option id")

# ---- status codes and keyboard formats -------------------------------------------------------------------------
status = {m[1]: int(m[2]) for m in re.finditer(r"public const int (\w+)\s*=\s*(-?\d+);", read("src/Connect.Bridge/Errors/BridgeStatus.cs"))}
codes = prefixed(header, "CB_E_")
by_value = {v: snake(k) for k, v in status.items()}
check(sorted(codes.values()) == sorted(status.values()) and len(codes) > 0,
      f"CB_E_* values {sorted(codes.values())} = BridgeStatus values {sorted(status.values())}")
# InternalError is CB_E_INTERNAL: a name matches when one is the other's leading words.
mismatched = [k for k, v in codes.items() if not (by_value.get(v, "") + "_").startswith(k + "_") and not (k + "_").startswith(by_value.get(v, "?") + "_")]
check(not mismatched, f"CB_E_* names match BridgeStatus names by value{': ' + str(mismatched) if mismatched else ''}")

keyboard = cs_enum(read("src/Connect.Bridge/Model/KeyboardFormat.cs"), "KeyboardFormat")
same(prefixed(header, "CB_KEYBOARD_"), {snake(k): v for k, v in keyboard.items()}, "CB_KEYBOARD_* = KeyboardFormat")

passed = sum(results)
print(f"{passed} passed, {len(results) - passed} failed")
sys.exit(0 if passed == len(results) else 1)
