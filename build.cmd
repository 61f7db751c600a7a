@echo off
rem Connect.Bridge build entry point (Windows). Linux twin: build.sh.
rem   build.cmd demo        run the emulator and three sends against it
rem   build.cmd test        .NET test suite
rem   build.cmd native      connect_bridge.dll for win-x64 and win-x86 (NativeAOT; needs the MSVC build tools)
rem   build.cmd com         Connect.Bridge.Com.comhost.dll for win-x64 and win-x86
rem   build.cmd register    register the COM server (elevated; bitness: x64 by default, "register x86" for 32-bit 1C)
rem   build.cmd unregister  unregister it ("unregister x86" for the 32-bit one)
setlocal
cd /d "%~dp0"
set DOTNET_CLI_TELEMETRY_OPTOUT=1
set DOTNET_NOLOGO=1
set CMD=%1
if "%CMD%"=="" goto help

if /i "%CMD%"=="demo" (
  dotnet build src\Connect.Bridge.Cli -c Release -o artifacts\cli -v quiet || exit /b 1
  dotnet artifacts\cli\connect-bridge.dll demo
  exit /b %ERRORLEVEL%
)
if /i "%CMD%"=="test" (
  dotnet test tests\Connect.Bridge.Tests -c Release
  exit /b %ERRORLEVEL%
)
if /i "%CMD%"=="native" (
  dotnet publish src\Connect.Bridge.Native -c Release -r win-x64 -o artifacts\native\win-x64 || exit /b 1
  dotnet publish src\Connect.Bridge.Native -c Release -r win-x86 -o artifacts\native\win-x86 || exit /b 1
  copy /y native\include\connect_bridge.h artifacts\native\win-x64\ >nul
  copy /y native\include\connect_bridge.h artifacts\native\win-x86\ >nul
  exit /b 0
)
if /i "%CMD%"=="com" goto com
if /i "%CMD%"=="register" goto register
if /i "%CMD%"=="unregister" goto register
goto help

:com
dotnet publish src\Connect.Bridge.Com -c Release -r win-x64 --self-contained false -o artifacts\com\win-x64 || exit /b 1
dotnet publish src\Connect.Bridge.Com -c Release -r win-x86 --self-contained false -o artifacts\com\win-x86 || exit /b 1
exit /b 0

:register
set ARCH=%2
if "%ARCH%"=="" set ARCH=x64
set DLL=%~dp0artifacts\com\win-%ARCH%\Connect.Bridge.Com.comhost.dll
if not exist "%DLL%" call "%~f0" com || exit /b 1
rem regsvr32 of the matching bitness: System32 is 64-bit, SysWOW64 is 32-bit on a 64-bit Windows.
set REGSVR=%SystemRoot%\System32\regsvr32.exe
if /i "%ARCH%"=="x86" if exist "%SystemRoot%\SysWOW64\regsvr32.exe" set REGSVR=%SystemRoot%\SysWOW64\regsvr32.exe
rem Start-Process -PassThru hands regsvr32's exit code back, so a failed registration fails this script.
set UNREG=
if /i "%CMD%"=="unregister" set UNREG='/u',
powershell -NoProfile -Command "$p = Start-Process -Verb RunAs -Wait -PassThru -FilePath '%REGSVR%' -ArgumentList %UNREG%'/s','\"%DLL%\"'; exit $p.ExitCode"
exit /b %ERRORLEVEL%

:help
findstr /b "rem " "%~f0"
exit /b 2
