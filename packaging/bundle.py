#!/usr/bin/env python3
"""Finishes one release bundle folder and archives it (called by packaging/build.sh).

Usage: bundle.py <top folder> <rid> <version> <out dir>
Writes register.cmd / unregister.cmd (Windows bundles) and README.md (Russian first, English below) into the
folder, then archives it as <out>/<folder name>.zip (Windows) or .tar.gz (Linux), with the folder as the one top
entry.
"""
import os
import sys
import tarfile
import zipfile
from pathlib import Path

RUNTIME_URL = "https://dotnet.microsoft.com/download/dotnet/10.0"

# regsvr32 of the bundle's bitness. A 32-bit cmd on 64-bit Windows sees SysWOW64 as System32: Sysnative is the real one.
PICK = {
    "x86": (
        'set "REGSVR=%SystemRoot%\\System32\\regsvr32.exe"\r\n'
        'if exist "%SystemRoot%\\SysWOW64\\regsvr32.exe" set "REGSVR=%SystemRoot%\\SysWOW64\\regsvr32.exe"\r\n'
    ),
    "x64": (
        'if /i "%PROCESSOR_ARCHITECTURE%"=="x86" if not defined PROCESSOR_ARCHITEW6432 (\r\n'
        '  echo Это 32-битная Windows: 64-битный сервер здесь не работает, возьмите комплект win-x86 / '
        'This is 32-bit Windows: the 64-bit server cannot run here, use the win-x86 bundle\r\n'
        '  exit /b 1\r\n'
        ')\r\n'
        'set "REGSVR=%SystemRoot%\\System32\\regsvr32.exe"\r\n'
        'if exist "%SystemRoot%\\Sysnative\\regsvr32.exe" set "REGSVR=%SystemRoot%\\Sysnative\\regsvr32.exe"\r\n'
    ),
}


def cmd(arch, unregister):
    bits = "32" if arch == "x86" else "64"
    mode = "/u" if unregister else ""
    verb_en, verb_ru = ("Unregisters", "Снимает регистрацию") if unregister else ("Registers", "Регистрирует")
    done_ru, done_en = ("Регистрация снята", "Unregistered") if unregister else ("Зарегистрирован", "Registered")
    lines = [
        "@echo off",
        f"rem {verb_en} the COM server Connect.Bridge.Sender of this bundle ({arch}, {bits}-bit: for {bits}-bit 1C processes)",
        f"rem with the regsvr32 of the same bitness. Run it as administrator. / {verb_ru} COM-сервер ({arch}). От имени администратора.",
        "chcp 65001 >nul",
        "setlocal",
        'set "DLL=%~dp0com\\Connect.Bridge.Com.comhost.dll"',
        'if not exist "%DLL%" (',
        "  echo Не найден файл %DLL%: распакуйте архив целиком / File %DLL% is missing: unpack the whole archive",
        "  exit /b 1",
        ")",
        PICK[arch].rstrip("\r\n"),
        f'echo %REGSVR% /s {mode} "%DLL%"',
        f'"%REGSVR%" /s {mode} "%DLL%"',
        "if errorlevel 1 (",
        f"  echo Не удалось: regsvr32 вернул %ERRORLEVEL%. Запустите от имени администратора; нужна среда .NET 10 Runtime {arch} ^({RUNTIME_URL}^)",
        f"  echo Failed: regsvr32 returned %ERRORLEVEL%. Run as administrator; the .NET 10 Runtime {arch} is needed ^({RUNTIME_URL}^)",
        "  exit /b 1",
        ")",
        f"echo {done_ru} / {done_en}: Connect.Bridge.Sender ({arch}, %DLL%)",
        "exit /b 0",
    ]
    return "\r\n".join(lines) + "\r\n"


def readme(rid, version):
    name = f"connect-bridge-{version}-{rid}"
    if rid.startswith("win-"):
        arch = rid[4:]
        bits = "32" if arch == "x86" else "64"
        other = "win-x64" if arch == "x86" else "win-x86"
        ru = f"""Комплект для **{bits}-битных** процессов Windows ({arch}). Для {"64" if bits == "32" else "32"}-битных — комплект `{other}`.
Разрядность 1С: в диспетчере задач 32-битный клиент показан как «1cv8.exe (32 бита)» / `1cv8c.exe (32 бита)`;
в самой 1С: `Новый СистемнаяИнформация().ТипПлатформы` — `Windows_x86` или `Windows_x86_64`.

- `com/` — COM-сервер `Connect.Bridge.Sender` (для 1С: `Новый COMОбъект("Connect.Bridge.Sender")`);
- `native/` — `connect_bridge.dll` (C, C++, Delphi: заголовок `connect_bridge.h`, модуль `ConnectBridge.pas`,
  библиотека импорта MinGW `libconnect_bridge.dll.a`). Это NativeAOT: среда .NET не нужна, рядом с DLL ничего не нужно;
- `cli/` — `connect-bridge.exe` (отправка из командной строки, `connect-bridge.exe emulator` — локальный эмулятор;
  ему нужны .NET 10 Runtime и ASP.NET Core Runtime 10 той же разрядности);
- `addin/ConnectBridge.zip` — внешняя компонента 1С (Native API) `AddIn.ConnectBridge.Sender`: добавьте ZIP в
  конфигурацию как общий макет (см. `examples-1c/README.md`). Ничего устанавливать не нужно: ни .NET, ни права
  администратора, ни файлы рядом — в ZIP для каждой платформы один файл;
- `examples-1c/` — примеры для 1С; `register.cmd` / `unregister.cmd` — регистрация COM-сервера.

Внешней компоненте и DLL установка не нужна. COM-серверу нужна (.NET не умеет COM-сервер без среды .NET):
1. Установите **.NET 10 Runtime для {arch}** ({RUNTIME_URL}, «.NET Runtime», Windows {arch}). Нужна именно {bits}-битная
   среда: 64-битная Windows может иметь обе сразу.
2. Распакуйте архив в постоянную папку (например `C:\\Program Files\\Connect.Bridge\\{name}`).
3. Запустите `register.cmd` от имени администратора: он вызывает regsvr32 нужной разрядности
   (`{"SysWOW64" if arch == "x86" else "System32"}\\regsvr32.exe`) и пишет, что сделал или почему не смог.
   `unregister.cmd` снимает регистрацию. Серверы x86 и x64 можно зарегистрировать рядом (один CLSID, два представления
   реестра); ProgID общий, поэтому `unregister.cmd` одного из них уберёт и ProgID — после него запустите `register.cmd`
   другого комплекта ещё раз.
4. DLL: положите `connect_bridge.dll` рядом с программой или загрузите её по пути. Больше ничего не нужно."""
        en = f"""The bundle for **{bits}-bit** Windows processes ({arch}). For {"64" if bits == "32" else "32"}-bit ones take `{other}`.
1C bitness: Task Manager shows a 32-bit client as "1cv8.exe (32 bit)" / "1cv8c.exe (32 bit)"; inside 1C,
`Новый СистемнаяИнформация().ТипПлатформы` is `Windows_x86` or `Windows_x86_64`.

- `com/` — the COM server `Connect.Bridge.Sender` (1C: `Новый COMОбъект("Connect.Bridge.Sender")`);
- `native/` — `connect_bridge.dll` (C, C++, Delphi: header `connect_bridge.h`, unit `ConnectBridge.pas`, MinGW import
  library `libconnect_bridge.dll.a`). It is NativeAOT: no .NET runtime, nothing next to the DLL;
- `cli/` — `connect-bridge.exe` (sends from the command line; `connect-bridge.exe emulator` is a local emulator;
  it needs the .NET 10 Runtime and the ASP.NET Core Runtime 10 of the same bitness);
- `addin/ConnectBridge.zip` — the 1C Native API add-in `AddIn.ConnectBridge.Sender`: add the ZIP to the
  configuration as a common template (see `examples-1c/README.md`). Nothing to install: no .NET, no administrator,
  no files beside it — the ZIP holds one file per platform;
- `examples-1c/` — 1C examples; `register.cmd` / `unregister.cmd` — COM registration.

The add-in and the DLL need no installation. The COM server does (.NET has no COM server without its runtime):
1. Install the **.NET 10 Runtime for {arch}** ({RUNTIME_URL}, ".NET Runtime", Windows {arch}). It must be the
   {bits}-bit one: a 64-bit Windows can have both.
2. Unpack the archive into a folder it will stay in (e.g. `C:\\Program Files\\Connect.Bridge\\{name}`).
3. Run `register.cmd` as administrator: it calls the regsvr32 of the right bitness
   (`{"SysWOW64" if arch == "x86" else "System32"}\\regsvr32.exe`) and says what it did or why not. `unregister.cmd`
   undoes it. The x86 and x64 servers may be registered side by side (one CLSID, two registry views); the ProgID is
   shared, so unregistering one removes the ProgID too: run the other bundle's `register.cmd` again afterwards.
4. The DLL: put `connect_bridge.dll` next to your program or load it by path. Nothing else is needed."""
        return ru, en, ".exe"
    ru = """Комплект для Linux x64.

- `native/` — `libconnect_bridge.so` (NativeAOT: .NET на машине не нужен), `connect_bridge.h`, `ConnectBridge.pas`;
- `cli/` — `connect-bridge` (нужны .NET 10 и ASP.NET Core Runtime 10: `dotnet cli/connect-bridge.dll` или `cli/connect-bridge`);
- `addin/ConnectBridge.zip` — внешняя компонента 1С (Native API) `AddIn.ConnectBridge.Sender` для серверов 1С на
  Linux: .NET не нужен; добавьте ZIP в конфигурацию как общий макет (см. `examples/1c/README.md`);
- `examples/` — `send.c`, `send.dpr` и примеры для 1С (`examples/1c`).

Сборка примера: `gcc -I native examples/send.c -L native -lconnect_bridge -Wl,-rpath,'$ORIGIN/native'`."""
    en = """The bundle for Linux x64.

- `native/` — `libconnect_bridge.so` (NativeAOT: no .NET needed on the machine), `connect_bridge.h`, `ConnectBridge.pas`;
- `cli/` — `connect-bridge` (needs the .NET 10 and ASP.NET Core 10 runtimes: `dotnet cli/connect-bridge.dll` or `cli/connect-bridge`);
- `addin/ConnectBridge.zip` — the 1C Native API add-in `AddIn.ConnectBridge.Sender` for 1C servers on Linux: no .NET
  needed; add the ZIP to the configuration as a common template (see `examples/1c/README.md`);
- `examples/` — `send.c`, `send.dpr` and the 1C examples (`examples/1c`).

Building the example: `gcc -I native examples/send.c -L native -lconnect_bridge -Wl,-rpath,'$ORIGIN/native'`."""
    return ru, en, ""


def main():
    top, rid, version, out = Path(sys.argv[1]), sys.argv[2], sys.argv[3], Path(sys.argv[4])
    if rid.startswith("win-"):
        arch = rid[4:]
        (top / "register.cmd").write_bytes(cmd(arch, False).encode("utf-8"))
        (top / "unregister.cmd").write_bytes(cmd(arch, True).encode("utf-8"))
    ru, en, exe = readme(rid, version)
    text = (f"# Connect.Bridge {version} — {rid}\n\n## По-русски\n\n{ru}\n\nВерсия: `cli/connect-bridge{exe} --version` "
            f"печатает `{version}`; `cb_version()` и свойство COM `Version` — то же.\n\n## In English\n\n{en}\n\n"
            f"Version: `cli/connect-bridge{exe} --version` prints `{version}`; `cb_version()` and the COM `Version` "
            f"property say the same.\n")
    (top / "README.md").write_text(text, encoding="utf-8")
    out.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in top.rglob("*") if p.is_file())
    if rid.startswith("win-"):
        with zipfile.ZipFile(out / f"{top.name}.zip", "w", zipfile.ZIP_DEFLATED) as z:
            for p in files:
                z.write(p, f"{top.name}/{p.relative_to(top).as_posix()}")
    else:
        with tarfile.open(out / f"{top.name}.tar.gz", "w:gz") as t:
            t.add(top, arcname=top.name)
    print(f"dist: {top.name} ({len(files)} files)")


if __name__ == "__main__":
    main()
