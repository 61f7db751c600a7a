#!/usr/bin/env python3
"""Checks what the emulator recorded during the Wine COM suite (client.c + send.js).

Usage: check_recorded.py EMULATOR_URL LINE USER
Prints one "PASS ..."/"FAIL ..." line per check; exit 0 when all passed, 1 when one failed, 2 when the
record could not be read.
"""
import json
import sys
import urllib.request

base, line, user = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
passed = failed = 0


def check(ok, name, detail=""):
    global passed, failed
    print(("PASS " if ok else "FAIL ") + "recorded: " + name + ("" if ok or not detail else ": " + detail), flush=True)
    if ok:
        passed += 1
    else:
        failed += 1


def get(path):
    with urllib.request.urlopen(base + path, timeout=10) as response:
        return json.loads(response.read().decode("utf-8"))


def norm(obj):
    """Key names without case or underscores, so camelCase and snake_case both read."""
    if isinstance(obj, dict):
        return {k.replace("_", "").lower(): norm(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [norm(v) for v in obj]
    return obj


try:
    calls = norm(get("/emulator/messages"))
    stats = norm(get("/emulator/stats"))
except Exception as ex:  # noqa: BLE001 - any failure to read is one outcome
    print(f"cannot read the emulator's record: {type(ex).__name__}", file=sys.stderr)
    sys.exit(2)

TEXT_RU = "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440! \u0401\u0451 \u2014 \u043f\u0440\u043e\u0432\u0435\u0440\u043a\u0430"
TEXT_JS = "\u041f\u0440\u0438\u0432\u0435\u0442 \u0438\u0437 JScript"
YES, NO = "\u0414\u0430", "\u041d\u0435\u0442"
OPERATOR = "\u041f\u043e\u0437\u0432\u0430\u0442\u044c \u043e\u043f\u0435\u0440\u0430\u0442\u043e\u0440\u0430"
AUTHOR = "9a1f7c2e-3b4d-4e5f-8a6b-7c8d9e0f1a2b"


def captions(keyboard):
    return None if keyboard is None else [[b.get("text") for b in row] for row in keyboard]


messages = [c for c in calls if c.get("kind") == "message"]
drops = [c for c in calls if c.get("kind") == "drop_keyboard"]
by_text = {}
for m in messages:
    by_text.setdefault(m.get("text"), []).append(m)

first = by_text.get(TEXT_RU, [])
check(len(first) == 2, "the Cyrillic text arrived exactly as sent (2 messages)", f"{len(first)} found")
with_kb = [m for m in first if m.get("keyboard")]
check(len(with_kb) == 1 and captions(with_kb[0]["keyboard"]) == [[YES, NO], [OPERATOR]],
      "the rows keyboard arrived as [[Да, Нет], [Позвать оператора]]",
      repr([captions(m.get("keyboard")) for m in first]))
check(all(m.get("lineid") == line and m.get("userid") == user for m in messages + drops),
      "every call carries the line and user ids as given")
check(all(m.get("authorid") is None and m.get("generalsettings") is None for m in first),
      "author_id and general_settings are omitted when not set")

author = by_text.get("author and general settings", [])
check(len(author) == 1 and author[0].get("authorid") == AUTHOR and author[0].get("generalsettings") is True,
      "AuthorId and GeneralSettings=true arrive as author_id and general_settings", repr(author))
after = by_text.get("after a bad call", [])
check(len(after) == 1 and after[0].get("authorid") is None and after[0].get("generalsettings") is None
      and after[0].get("keyboard") is None,
      "AuthorId=\"\" and GeneralSettings=Empty are not sent", repr(after))
check(len(drops) == 1, "DropKeyboard recorded once", f"{len(drops)} found")

js = by_text.get(TEXT_JS, [])
check(len(js) == 1 and captions(js[0].get("keyboard")) == [[YES, NO]],
      "the JScript message arrived with its Cyrillic text and keyboard", repr(js))

byref = by_text.get("by reference", [])
check(len(byref) == 2, "the by-reference sends arrived (2 messages)", f"{len(byref)} found")

# Accepted: client 6 messages + 1 drop, JScript 1 message. Refused by the emulator: 401 x2, 403 x3.
# Everything else the clients tried was -1 (never sent) or went to other servers.
check(len(calls) == 8 and stats.get("accepted") == 8, "exactly the 8 expected calls were accepted",
      f"calls={len(calls)} stats={stats}")
check(stats.get("requests") == 13, "nothing was sent for the -1 outcomes (13 requests in all)", f"stats={stats}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
