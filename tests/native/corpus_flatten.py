#!/usr/bin/env python3
"""Flattens the bad-input corpus (tests/corpus/*.json, format in tests/corpus/README.md) into a line format
that tests/native/corpus_runner.c reads without a JSON parser. Only the cases applicable to the `native`
surface are written.

    python3 tests/native/corpus_flatten.py OUT [corpus-dir]

Output, one record per line, tokens separated by one space:

    F <file>                                        a corpus file starts
    C <case-id>                                     a case starts
    S O <enc> <option-id> <value>                   {"option": ID, "value": V}
    S K <enc> <format> <value>                      {"keyboard": V, "format": F}
    S M <enc> <line> <user> <text>                  {"send": {...}}
    S D <enc> <line> <user>                         {"drop_keyboard": {...}}
    O <enc> <format> <keyboard> <line> <user> <text>
                                                    the same case as one cb_send / cb_send_w call (see below)
    X <step> <status> <requests> <ru> <en>          the expectation (ru/en: values, UTF-8)
    E                                               the case ends
    N <cases>                                       last line: how many cases were written

<enc> is U (the plain UTF-8 functions) or W (the _w twins: some argument of the step is `utf16`; all its text
arguments are then UTF-16). A <value> is `-` for NULL, or `+` followed by comma-separated parts `HEX` or
`HEX*COUNT` (HEX repeated COUNT times); `+` alone is the empty string. HEX is bytes (2 digits each) for U, and
16-bit code units (4 digits each) for W. `repeat` is kept as a count, so the 1 MB and 10 000-deep cases stay small.

The O line is written for the cases cb_send can express: the steps are a send alone, or a keyboard then a send
(no option steps, so base URL, login and password are the presets and the language is cb_send's Russian). Its
<enc> covers the whole call (W when any value of the case is utf16). The runner expects the status, the Russian
text and the request count of X from it.
"""
import glob
import json
import os
import sys

ALL_SURFACES = ("dotnet", "native", "com", "cli")
MAX_EXPANDED = 4 * 1024 * 1024  # the README's bound, in units


class CorpusError(Exception):
    pass


def kinds(v, acc):
    """Collects the notation kinds used in a value: str, null, hex, utf16."""
    if v is None:
        acc.add("null")
    elif isinstance(v, str):
        acc.add("str")
    elif isinstance(v, dict) and set(v) == {"repeat", "count"}:
        kinds(v["repeat"], acc)
    elif isinstance(v, dict) and set(v) == {"concat"}:
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
        if "\x00" in v:
            raise CorpusError("U+0000 inside a value of a native case (a C string cannot carry it)")
        if wide:
            raw = v.encode("utf-16-le")  # corpus text never holds a lone surrogate (README)
            return [([raw[i] | raw[i + 1] << 8 for i in range(0, len(raw), 2)], 1)]
        return [(list(v.encode("utf-8")), 1)]
    if "hex" in v:
        if wide:
            raise CorpusError("hex in a step that also passes utf16")
        h = v["hex"].replace(" ", "")
        b = list(bytes.fromhex(h))
        if 0 in b:
            raise CorpusError("a NUL byte inside a hex value")
        return [(b, 1)]
    if "utf16" in v:
        if not wide:
            raise CorpusError("internal: utf16 in a narrow step")
        u = [int(x, 16) for x in v["utf16"].split()]
        if 0 in u:
            raise CorpusError("a NUL unit inside a utf16 value")
        return [(u, 1)]
    if "concat" in v:
        out = []
        for p in v["concat"]:
            if p is None:
                raise CorpusError("null inside concat")
            out.extend(units(p, wide))
        return out
    if "repeat" in v:
        n = v["count"]
        if not isinstance(n, int) or n < 0:
            raise CorpusError("repeat count must be an integer >= 0")
        if v["repeat"] is None:
            raise CorpusError("null inside repeat")
        inner = units(v["repeat"], wide)
        if len(inner) == 1:
            return [(inner[0][0], inner[0][1] * n)]
        flat = [u for part, c in inner for _ in range(c) for u in part]
        return [(flat, n)]
    raise CorpusError("bad value")


def encode(v, wide):
    if v is None:
        return "-"
    parts = [(p, c) for p, c in units(v, wide) if p and c]
    if sum(len(p) * c for p, c in parts) > MAX_EXPANDED:
        raise CorpusError("a value expands beyond 4 MiB")
    fmt = "%04x" if wide else "%02x"
    toks = []
    for p, c in parts:
        h = "".join(fmt % u for u in p)
        toks.append(h if c == 1 else f"{h}*{c}")
    return "+" + ",".join(toks)


def step_args(step):
    if len(step) == 1 and "send" in step:
        a = step["send"]
        return [a["line"], a["user"], a["text"]], "M"
    if len(step) == 1 and "drop_keyboard" in step:
        a = step["drop_keyboard"]
        return [a["line"], a["user"]], "D"
    if set(step) == {"option", "value"}:
        return [step["value"]], "O"
    if set(step) == {"keyboard", "format"}:
        return [step["keyboard"]], "K"
    raise CorpusError(f"unknown step {json.dumps(step)[:80]}")


def one_shot_line(steps):
    """cb_send(base, login, password, line, user, text, keyboard, format): for [send] and [keyboard, send]."""
    tags = [step_args(s)[1] for s in steps]
    if tags == ["M"]:
        keyboard, fmt = None, 0
    elif tags == ["K", "M"]:
        keyboard, fmt = steps[0]["keyboard"], int(steps[0]["format"])
    else:
        return None
    send = steps[-1]["send"]
    args = [keyboard, send["line"], send["user"], send["text"]]
    used = set()
    for a in args:
        kinds(a, used)
    if "utf16" in used and "hex" in used:
        return None
    wide = "utf16" in used
    return " ".join(["O", "W" if wide else "U", str(fmt)] + [encode(a, wide) for a in args])


def step_line(step):
    args, tag = step_args(step)
    used = set()
    for a in args:
        kinds(a, used)
    if "utf16" in used and "hex" in used:
        raise CorpusError("hex and utf16 in one step")
    wide = "utf16" in used
    head = ["S", tag, "W" if wide else "U"]
    if tag == "O":
        head.append(str(int(step["option"])))
    elif tag == "K":
        head.append(str(int(step["format"])))
    return " ".join(head + [encode(a, wide) for a in args])


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
    lines, count, seen = [], 0, set()
    for path in files:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        if doc.get("format") != 1:
            print(f"corpus_flatten: {path}: format {doc.get('format')!r}, this converter reads format 1", file=sys.stderr)
            return 1
        lines.append("F " + os.path.basename(path))
        for case in doc["cases"]:
            cid = case["id"]
            try:
                if cid in seen or not cid or any(ch.isspace() for ch in cid):
                    raise CorpusError("id empty, with whitespace, or not unique")
                seen.add(cid)
                if "native" not in case.get("surfaces", ALL_SURFACES):
                    continue
                e = case.get("expect")
                if not e:
                    raise CorpusError("no expectation")
                if e["status"] == -1 and e["requests"] != 0:
                    raise CorpusError("status -1 must expect requests: 0 (nothing reaches the server)")
                body = ["C " + cid] + [step_line(s) for s in case["steps"]]
                one_shot = one_shot_line(case["steps"])
                if one_shot:
                    body.append(one_shot)
                body.append("X %d %d %d %s %s" % (e["step"], e["status"], e["requests"],
                                                  encode(e["ru"], False), encode(e["en"], False)))
                body.append("E")
            except (CorpusError, KeyError, TypeError, ValueError) as ex:
                print(f"corpus_flatten: {os.path.basename(path)}: case {cid}: {ex}", file=sys.stderr)
                return 1
            lines.extend(body)
            count += 1
    lines.append(f"N {count}")
    with open(out_path, "w", encoding="ascii", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    print(f"corpus_flatten: {count} native cases from {len(files)} files -> {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
