#!/usr/bin/env python3
"""Flattens the bad-input corpus (tests/corpus/*.json, format in tests/corpus/README.md) into the one line format the
runner core (tests/runner/runner.c) reads without a JSON parser, for every surface it runs (native, com, the add-in).

    python3 tests/runner/corpus_flatten.py OUT [corpus-dir]

Output, one record per line, tokens separated by one space:

    F <file>                                        a corpus file starts
    C <case-id> <surfaces>                          a case starts; <surfaces>: the surfaces it lists, comma-separated
    S O <enc> <option-id> <value>                   {"option": ID, "value": V}
    S K <enc> <format> <value>                      {"keyboard": V, "format": F}
    S M <enc> <line> <user> <text>                  {"send": {...}}
    S D <enc> <line> <user>                         {"drop_keyboard": {...}}
    O <enc> <format> <keyboard> <line> <user> <text>
                                                    the same case as one cb_send / cb_send_w call (native; see below)
    X <step> <status> <requests> <ru> <en>          the expectation (ru/en: values, UTF-8)
    E                                               the case ends
    N <cases>                                       last line: how many cases were written

<enc> is U (bytes: the plain UTF-8 functions) or W (UTF-16 code units: the _w twins natively; some argument of the
step is `utf16` or holds U+0000, and all its text arguments are then UTF-16). A <value> is `-` for NULL, or `+`
followed by comma-separated parts `HEX` or `HEX*COUNT` (HEX repeated COUNT times); `+` alone is the empty string. HEX
is bytes (2 digits each) for U, 16-bit code units (4 digits each) for W. `repeat` is kept as a count, so the 1 MB and
10 000-deep cases stay small.

The O line is written for the cases cb_send can express: the steps are a send alone, or a keyboard then a send (no
option steps, so base URL, login and password are the presets and the language is cb_send's Russian). Its <enc>
covers the whole call. The runner expects the status, the Russian text and the request count of X from it.

Exit 1 (the reason on stderr) when a case breaks a rule of the notation or of a surface it lists (a NUL in a native
case, null or raw bytes in a com case): a runner that skipped such a case silently would prove nothing.
"""
import glob
import json
import os
import re
import sys

ALL_SURFACES = ("dotnet", "native", "com", "cli")
MAX_EXPANDED = 4 * 1024 * 1024  # the README's bound, in units


class CorpusError(Exception):
    pass


def kinds(v, acc):
    """Collects the notation kinds used in a value: str, nul (a str holding U+0000), null, hex, utf16."""
    if v is None:
        acc.add("null")
    elif isinstance(v, str):
        acc.add("nul" if "\x00" in v else "str")
    elif isinstance(v, dict) and set(v) == {"repeat", "count"}:
        kinds(v["repeat"], acc)
    elif isinstance(v, dict) and set(v) == {"concat"} and isinstance(v["concat"], list):
        for p in v["concat"]:
            kinds(p, acc)
    elif isinstance(v, dict) and set(v) == {"hex"}:
        acc.add("hex")
    elif isinstance(v, dict) and set(v) == {"utf16"}:
        acc.add("utf16")
    else:
        raise CorpusError(f"unknown value notation {json.dumps(v)[:80]}")
    return acc


def units(v, wide):
    """A value as a list of (unit list, count) parts: bytes when not wide, UTF-16 code units when wide."""
    if isinstance(v, str):
        if wide:
            try:
                raw = v.encode("utf-16-le")
            except UnicodeEncodeError:
                raise CorpusError("a string with a lone surrogate; the notation wants {\"utf16\": ...}") from None
            return [([raw[i] | raw[i + 1] << 8 for i in range(0, len(raw), 2)], 1)]
        return [(list(v.encode("utf-8")), 1)]
    if "hex" in v:
        return [(list(bytes.fromhex(v["hex"].replace(" ", ""))), 1)]
    if "utf16" in v:
        parts = v["utf16"].split()
        if not all(re.fullmatch(r"[0-9A-Fa-f]{4}", p) for p in parts):
            raise CorpusError("utf16 units are 4 hex digits")
        return [([int(x, 16) for x in parts], 1)]
    if "concat" in v:
        out = []
        for p in v["concat"]:
            if p is None:
                raise CorpusError("null inside concat")
            out.extend(units(p, wide))
        return out
    n = v["count"]
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise CorpusError("repeat count must be an integer >= 0")
    if v["repeat"] is None:
        raise CorpusError("null inside repeat")
    inner = units(v["repeat"], wide)
    if len(inner) == 1:
        return [(inner[0][0], inner[0][1] * n)]
    return [([u for part, c in inner for _ in range(c) for u in part], n)]


def encode(v, wide):
    if v is None:
        return "-"
    parts = [(p, c) for p, c in units(v, wide) if p and c]
    if sum(len(p) * c for p, c in parts) > MAX_EXPANDED:
        raise CorpusError("a value expands beyond 4 MiB")
    fmt = "%04x" if wide else "%02x"
    return "+" + ",".join("".join(fmt % u for u in p) + ("" if c == 1 else f"*{c}") for p, c in parts)


def step_args(step):
    if not isinstance(step, dict):
        raise CorpusError("a step is an object")
    if set(step) == {"send"} and isinstance(step["send"], dict) and set(step["send"]) == {"line", "user", "text"}:
        a = step["send"]
        return [a["line"], a["user"], a["text"]], "M"
    if set(step) == {"drop_keyboard"} and isinstance(step["drop_keyboard"], dict) and set(step["drop_keyboard"]) == {"line", "user"}:
        a = step["drop_keyboard"]
        return [a["line"], a["user"]], "D"
    if set(step) == {"option", "value"}:
        return [step["value"]], "O"
    if set(step) == {"keyboard", "format"}:
        return [step["keyboard"]], "K"
    raise CorpusError(f"unknown step {json.dumps(step)[:80]}")


def encoding(args, surfaces):
    """W or U for a call's arguments, checked against what the surfaces can carry."""
    used = set()
    for a in args:
        kinds(a, used)
    if "hex" in used and used & {"utf16", "nul"}:
        raise CorpusError("hex with utf16 or U+0000 in one step")
    if "native" in surfaces and "nul" in used:
        raise CorpusError("U+0000 inside a value of a native case (a C string cannot carry it)")
    if "com" in surfaces and used & {"null", "hex"}:
        raise CorpusError("null or hex (raw bytes) in a com case (COM passes BSTRs)")
    return "W" if used & {"utf16", "nul"} else "U"


def step_line(step, surfaces):
    args, tag = step_args(step)
    enc = encoding(args, surfaces)
    head = ["S", tag, enc]
    if tag in "OK":
        head.append(str(int(step["option" if tag == "O" else "format"])))
    return " ".join(head + [encode(a, enc == "W") for a in args])


def one_shot_line(steps, surfaces):
    """cb_send(base, login, password, line, user, text, keyboard, format): for [send] and [keyboard, send]."""
    tags = [step_args(s)[1] for s in steps]
    if "native" not in surfaces or tags not in (["M"], ["K", "M"]):
        return None
    keyboard, fmt = (steps[0]["keyboard"], int(steps[0]["format"])) if tags == ["K", "M"] else (None, 0)
    send = steps[-1]["send"]
    args = [keyboard, send["line"], send["user"], send["text"]]
    try:
        enc = encoding(args, ("native",))  # a native call: NULL is a value here
    except CorpusError:
        return None  # hex and utf16 in different steps: no single call carries both
    return " ".join(["O", enc, str(fmt)] + [encode(a, enc == "W") for a in args])


def convert(case):
    surfaces = case.get("surfaces", ALL_SURFACES)
    if not surfaces or any(s not in ALL_SURFACES for s in surfaces):
        raise CorpusError(f"surfaces must be a non-empty subset of {ALL_SURFACES}")
    steps, e = case.get("steps"), case.get("expect")
    if not isinstance(steps, list) or not steps or not isinstance(e, dict):
        raise CorpusError("no steps or no expectation")
    for k in ("step", "status", "requests"):
        if not isinstance(e.get(k), int) or isinstance(e.get(k), bool):
            raise CorpusError(f"expect.{k} must be an integer")
    if not all(isinstance(e.get(k), str) for k in ("ru", "en")) or not 0 <= e["step"] < len(steps):
        raise CorpusError("expect.ru/en must be strings, expect.step a step index")
    if e["status"] == -1 and e["requests"] != 0:
        raise CorpusError("status -1 must expect requests: 0 (nothing reaches the server)")
    if "com" in surfaces and [step_args(s)[1] in "MD" for s in steps] != [False] * (len(steps) - 1) + [True]:
        raise CorpusError("a com case: the last step, and only the last, is send or drop_keyboard")
    body = ["C %s %s" % (case["id"], ",".join(surfaces))] + [step_line(s, surfaces) for s in steps]
    one_shot = one_shot_line(steps, surfaces)
    if one_shot:
        body.append(one_shot)
    body.append("X %d %d %d %s %s" % (e["step"], e["status"], e["requests"], encode(e["ru"], False), encode(e["en"], False)))
    return body + ["E"]


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    out_path = sys.argv[1]
    corpus = sys.argv[2] if len(sys.argv) == 3 else os.path.join(os.path.dirname(__file__), "..", "corpus")
    files = sorted(glob.glob(os.path.join(corpus, "*.json")))
    if not files:
        print(f"corpus_flatten: no *.json in {corpus}", file=sys.stderr)
        return 1
    lines, seen, per_surface = [], set(), dict.fromkeys(ALL_SURFACES, 0)
    for path in files:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        if doc.get("format") != 1 or not isinstance(doc.get("cases"), list):
            print(f"corpus_flatten: {path}: \"format\": 1 and a \"cases\" array expected", file=sys.stderr)
            return 1
        lines.append("F " + os.path.basename(path))
        for case in doc["cases"]:
            cid = case.get("id")
            try:
                if not isinstance(cid, str) or not re.fullmatch(r"[A-Za-z0-9._/-]+", cid) or cid in seen:
                    raise CorpusError("the id must be unique and [A-Za-z0-9._/-]+")
                seen.add(cid)
                lines.extend(convert(case))
                for s in case.get("surfaces", ALL_SURFACES):
                    per_surface[s] += 1
            except (CorpusError, KeyError, TypeError, ValueError, UnicodeError) as ex:
                print(f"corpus_flatten: {os.path.basename(path)}: case {cid}: {ex}", file=sys.stderr)
                return 1
    lines.append(f"N {len(seen)}")
    with open(out_path, "w", encoding="ascii", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    print(f"corpus_flatten: {len(seen)} cases from {len(files)} files -> {out_path} (native {per_surface['native']}, "
          f"com {per_surface['com']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
