#!/usr/bin/env python3
"""Flattens the bad-input corpus (tests/corpus/*.json, spec: tests/corpus/README.md) into the line format that
tests/com/corpus_client.c reads, keeping only the cases that list the `com` surface.

Usage: corpus_flatten.py CORPUS_DIR OUT_FILE
Prints the number of COM cases written on stdout. Exit 2 (with the reason on stderr) when the corpus breaks a
rule of the notation or of the COM surface: a runner that silently skipped such a case would prove nothing.

Output (ASCII, one record per line, fields separated by single spaces):
    CORPUS <number of cases>
    CASE <id> <number of steps> <expect.step> <expect.status> <expect.requests> <expect.ru> <expect.en>
    P <property> <value>                 a property put (BaseUrl, Login, ..., KeyboardJson, KeyboardRows)
    S <line> <user> <text>               Send
    D <line> <user>                      DropKeyboard
    END
<expect.ru>/<expect.en> are the expected texts as hex of their UTF-8 bytes ("." when empty): the client decodes
them to UTF-16 and compares them with the LastErrorText BSTR. A <value> is the exact UTF-16 code units of the BSTR
to pass: "." when empty, else comma-separated pieces COUNT*UNITS, where UNITS are 4 hex digits per code unit and
the piece stands for UNITS repeated COUNT times (so `repeat` stays compact; `concat` and nesting are expanded).
"""
import glob
import json
import os
import re
import sys

# Option id -> COM string property (README "COM has properties, not ids").
COM_PROPERTIES = {1: "BaseUrl", 2: "Login", 3: "Password", 5: "Language", 6: "AuthorId",
                  8: "ProxyUrl", 9: "ProxyLogin", 10: "ProxyPassword"}
KEYBOARD_PROPERTIES = {1: "KeyboardJson", 2: "KeyboardRows"}
ALL_SURFACES = ("dotnet", "native", "com", "cli")
MAX_UNITS = 4 * 1024 * 1024


class CorpusError(Exception):
    pass


def units_of_text(text, where):
    """The UTF-16 code units of a JSON string; a lone surrogate (from a \\ud800 escape) is an error of the corpus."""
    try:
        data = text.encode("utf-16-le")
    except UnicodeEncodeError:
        raise CorpusError(f"{where}: a string with a lone surrogate; the notation wants {{\"utf16\": ...}}") from None
    return tuple(int.from_bytes(data[i:i + 2], "little") for i in range(0, len(data), 2))


def expand(node, where):
    """A value as a list of (count, units) pieces. COM values are text or utf16 only: no null, no hex."""
    if node is None:
        raise CorpusError(f"{where}: null in a com case (COM has no NULL string)")
    if isinstance(node, str):
        units = units_of_text(node, where)
        return [(1, units)] if units else []
    if isinstance(node, dict):
        keys = set(node)
        if keys == {"hex"}:
            raise CorpusError(f"{where}: hex (raw bytes) in a com case")
        if keys == {"utf16"}:
            parts = node["utf16"].split()
            if not all(re.fullmatch(r"[0-9A-Fa-f]{4}", p) for p in parts):
                raise CorpusError(f"{where}: utf16 units are 4 hex digits")
            units = tuple(int(p, 16) for p in parts)
            return [(1, units)] if units else []
        if keys == {"repeat", "count"}:
            count = node["count"]
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise CorpusError(f"{where}: count must be an integer >= 0")
            pieces = expand(node["repeat"], where + ".repeat")
            if count == 0 or not pieces:
                return []
            if len(pieces) == 1:
                return [(pieces[0][0] * count, pieces[0][1])]
            return [(count, flatten(pieces))]
        if keys == {"concat"} and isinstance(node["concat"], list):
            out = []
            for i, part in enumerate(node["concat"]):
                out.extend(expand(part, f"{where}.concat[{i}]"))
            return out
    raise CorpusError(f"{where}: not a value of the notation: {json.dumps(node)[:120]}")


def flatten(pieces):
    out = []
    for count, units in pieces:
        out.extend(units * count)
    return tuple(out)


def encode_value(node, where):
    pieces = expand(node, where)
    if sum(c * len(u) for c, u in pieces) > MAX_UNITS:
        raise CorpusError(f"{where}: expands beyond 4 MiB")
    if not pieces:
        return "."
    return ",".join(f"{c}*" + "".join(f"{u:04x}" for u in units) for c, units in pieces)


def encode_text(text):
    return text.encode("utf-8").hex() if text else "."


def convert_case(case, where):
    cid = case.get("id")
    if not isinstance(cid, str) or not re.fullmatch(r"[A-Za-z0-9._/-]+", cid):
        raise CorpusError(f"{where}: the id must be [A-Za-z0-9._/-]+ (got {cid!r})")
    steps = case.get("steps")
    if not isinstance(steps, list) or not steps:
        raise CorpusError(f"{cid}: no steps")
    lines = []
    for i, step in enumerate(steps):
        at = f"{cid}.steps[{i}]"
        last = i == len(steps) - 1
        if not isinstance(step, dict):
            raise CorpusError(f"{at}: not a step")
        keys = set(step)
        if keys == {"option", "value"}:
            prop = COM_PROPERTIES.get(step["option"])
            if prop is None:
                raise CorpusError(f"{at}: option {step['option']} is not a COM string property")
            lines.append(f"P {prop} {encode_value(step['value'], at + '.value')}")
        elif keys == {"keyboard", "format"}:
            prop = KEYBOARD_PROPERTIES.get(step["format"])
            if prop is None:
                raise CorpusError(f"{at}: keyboard format {step['format']} has no COM property")
            lines.append(f"P {prop} {encode_value(step['keyboard'], at + '.keyboard')}")
        elif keys == {"send"} and isinstance(step["send"], dict) and set(step["send"]) == {"line", "user", "text"}:
            s = step["send"]
            lines.append("S " + " ".join(encode_value(s[k], f"{at}.{k}") for k in ("line", "user", "text")))
        elif keys == {"drop_keyboard"} and isinstance(step["drop_keyboard"], dict) and set(step["drop_keyboard"]) == {"line", "user"}:
            d = step["drop_keyboard"]
            lines.append("D " + " ".join(encode_value(d[k], f"{at}.{k}") for k in ("line", "user")))
        else:
            raise CorpusError(f"{at}: not a step: {json.dumps(step)[:120]}")
        if last != lines[-1].startswith(("S ", "D ")):
            raise CorpusError(f"{at}: the last step, and only the last, must be send or drop_keyboard")
    e = case.get("expect")
    if not isinstance(e, dict):
        raise CorpusError(f"{cid}: no expectation")
    for k in ("step", "status", "requests"):
        if not isinstance(e.get(k), int) or isinstance(e.get(k), bool):
            raise CorpusError(f"{cid}: expect.{k} must be an integer")
    for k in ("ru", "en"):
        if not isinstance(e.get(k), str):
            raise CorpusError(f"{cid}: expect.{k} must be a string")
    if not 0 <= e["step"] < len(steps):
        raise CorpusError(f"{cid}: expect.step is not a step index")
    if e["status"] == -1 and e["requests"] != 0:
        raise CorpusError(f"{cid}: an invalid case must expect 0 requests")
    head = (f"CASE {cid} {len(steps)} {e['step']} {e['status']} {e['requests']} "
            f"{encode_text(e['ru'])} {encode_text(e['en'])}")
    return [head] + lines + ["END"]


def main():
    if len(sys.argv) != 3:
        print("usage: corpus_flatten.py CORPUS_DIR OUT_FILE", file=sys.stderr)
        return 2
    corpus_dir, out_file = sys.argv[1], sys.argv[2]
    files = sorted(glob.glob(os.path.join(corpus_dir, "*.json")))
    if not files:
        print(f"no *.json in {corpus_dir}", file=sys.stderr)
        return 2
    out, ids, total = [], set(), 0
    try:
        for path in files:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
            if doc.get("format") != 1 or not isinstance(doc.get("cases"), list):
                raise CorpusError(f"{path}: \"format\": 1 and a \"cases\" array expected")
            for n, case in enumerate(doc["cases"]):
                total += 1
                surfaces = case.get("surfaces", ALL_SURFACES)
                if not surfaces or any(s not in ALL_SURFACES for s in surfaces):
                    raise CorpusError(f"{path} case {n}: surfaces must be a non-empty subset of {ALL_SURFACES}")
                if case.get("id") in ids:
                    raise CorpusError(f"{path} case {n}: duplicate id {case.get('id')}")
                ids.add(case.get("id"))
                if "com" in surfaces:
                    out.append(convert_case(case, f"{os.path.basename(path)} case {n}"))
    except (CorpusError, ValueError, OSError) as ex:
        print(f"corpus_flatten: {ex}", file=sys.stderr)
        return 2
    if not out:
        print("corpus_flatten: no case lists the com surface", file=sys.stderr)
        return 2
    with open(out_file, "w", encoding="ascii", newline="\n") as f:
        f.write(f"CORPUS {len(out)}\n")
        for lines in out:
            f.write("\n".join(lines) + "\n")
    print(len(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
