{ ConnectBridge.pas -- Delphi / Free Pascal import unit for the Connect.Bridge native library.

  The Pascal twin of native/include/connect_bridge.h; read the header for the full contract
  (returns, ownership, threading, error-text truncation rules). In short:

  - Libraries: connect_bridge.dll (Windows, 32- and 64-bit), libconnect_bridge.so (Linux).
    No .NET installation is needed on the calling machine.
  - Calling convention: stdcall on 32-bit Windows, cdecl everywhere else (as CB_CALL in the header).
  - Strings: PAnsiChar functions take UTF-8; the *_w twins take UTF-16 (PWideChar).
    Pass PAnsiChar(UTF8String(S)) or PWideChar(UnicodeString(S)).
  - Send and drop return the HTTP status (200..299 = success) or a negative CB_E_* code.
  - A sender (PCbSender) is used by one thread at a time; different senders run concurrently.
  - The functions work with Delphi's / Free Pascal's default floating-point exception mask:
    there is no need to call SetExceptionMask around them.

  Compiles with Delphi and with Free Pascal (fpc -Mdelphi). On Linux with Free Pascal, tell the
  linker where the library is: fpc -Mdelphi -Fl<dir> -k-rpath=<dir> program.dpr }
unit ConnectBridge;

{$IFDEF FPC}
  {$MODE DELPHI}
{$ENDIF}

{$IFDEF MSWINDOWS}
  {$IFNDEF WIN64}
    {$DEFINE CB_STDCALL}
  {$ENDIF}
{$ENDIF}

interface

const
{$IFDEF MSWINDOWS}
  ConnectBridgeLib = 'connect_bridge.dll';
{$ELSE}
  {$IFDEF FPC}
  ConnectBridgeLib = 'connect_bridge';        { Free Pascal links -lconnect_bridge }
  {$ELSE}
  ConnectBridgeLib = 'libconnect_bridge.so';
  {$ENDIF}
{$ENDIF}

  { Negative status codes; anything >= 0 returned by a send is an HTTP status. }
  CB_E_INVALID_ARGUMENT  = -1;   { refused before sending; nothing sent }
  CB_E_CONNECTION_FAILED = -2;   { DNS, refused, unreachable, proxy; not delivered }
  CB_E_TIMEOUT           = -3;   { no answer in time; delivery unknown }
  CB_E_TLS_FAILURE       = -4;   { TLS or certificate failure; not delivered }
  CB_E_INTERNAL          = -5;   { unexpected failure inside the library }

  { Option ids for cb_set_option; every value is text. }
  CB_OPT_BASE_URL             = 1;
  CB_OPT_LOGIN                = 2;
  CB_OPT_PASSWORD             = 3;
  CB_OPT_TIMEOUT_MS           = 4;   { decimal milliseconds, retries included }
  CB_OPT_LANGUAGE             = 5;   { 'ru' (default) or 'en' }
  CB_OPT_AUTHOR_ID            = 6;   { UUID, '' clears }
  CB_OPT_GENERAL_SETTINGS     = 7;   { '1' / '0'; '' omits }
  CB_OPT_PROXY_URL            = 8;
  CB_OPT_PROXY_LOGIN          = 9;
  CB_OPT_PROXY_PASSWORD       = 10;
  CB_OPT_MAX_RETRIES          = 11;  { decimal; '0' disables }
  CB_OPT_ALLOW_INSECURE_HTTP  = 12;  { '1' / '0' }
  CB_OPT_LOG_FILE             = 13;  { file path: one UTF-8 line per HTTP attempt appended; '' turns it off }

  { Keyboard formats for cb_set_keyboard and cb_send. }
  CB_KEYBOARD_AUTO = 0;
  CB_KEYBOARD_JSON = 1;
  CB_KEYBOARD_ROWS = 2;

type
  { Opaque sender handle; released with cb_sender_destroy. }
  TCbSenderRec = record end;
  PCbSender = ^TCbSenderRec;

{$IFDEF CB_STDCALL}
function cb_version: PAnsiChar; stdcall; external ConnectBridgeLib name 'cb_version';
function cb_sender_create: PCbSender; stdcall; external ConnectBridgeLib name 'cb_sender_create';
procedure cb_sender_destroy(S: PCbSender); stdcall; external ConnectBridgeLib name 'cb_sender_destroy';
function cb_set_option(S: PCbSender; Option: Integer; Value: PAnsiChar): Integer; stdcall; external ConnectBridgeLib name 'cb_set_option';
function cb_set_option_w(S: PCbSender; Option: Integer; Value: PWideChar): Integer; stdcall; external ConnectBridgeLib name 'cb_set_option_w';
function cb_set_keyboard(S: PCbSender; Keyboard: PAnsiChar; Format: Integer): Integer; stdcall; external ConnectBridgeLib name 'cb_set_keyboard';
function cb_set_keyboard_w(S: PCbSender; Keyboard: PWideChar; Format: Integer): Integer; stdcall; external ConnectBridgeLib name 'cb_set_keyboard_w';
function cb_send_message(S: PCbSender; LineId, UserId, Text: PAnsiChar): Integer; stdcall; external ConnectBridgeLib name 'cb_send_message';
function cb_send_message_w(S: PCbSender; LineId, UserId, Text: PWideChar): Integer; stdcall; external ConnectBridgeLib name 'cb_send_message_w';
function cb_drop_keyboard(S: PCbSender; LineId, UserId: PAnsiChar): Integer; stdcall; external ConnectBridgeLib name 'cb_drop_keyboard';
function cb_drop_keyboard_w(S: PCbSender; LineId, UserId: PWideChar): Integer; stdcall; external ConnectBridgeLib name 'cb_drop_keyboard_w';
function cb_last_status(S: PCbSender): Integer; stdcall; external ConnectBridgeLib name 'cb_last_status';
function cb_last_error(S: PCbSender; Buffer: PAnsiChar; BufferSize: Integer): Integer; stdcall; external ConnectBridgeLib name 'cb_last_error';
function cb_last_error_w(S: PCbSender; Buffer: PWideChar; BufferChars: Integer): Integer; stdcall; external ConnectBridgeLib name 'cb_last_error_w';
function cb_send(BaseUrl, Login, Password, LineId, UserId, Text, Keyboard: PAnsiChar; KeyboardFormat: Integer;
  ErrorBuffer: PAnsiChar; ErrorBufferSize: Integer): Integer; stdcall; external ConnectBridgeLib name 'cb_send';
function cb_send_w(BaseUrl, Login, Password, LineId, UserId, Text, Keyboard: PWideChar; KeyboardFormat: Integer;
  ErrorBuffer: PWideChar; ErrorBufferChars: Integer): Integer; stdcall; external ConnectBridgeLib name 'cb_send_w';
{$ELSE}
function cb_version: PAnsiChar; cdecl; external ConnectBridgeLib name 'cb_version';
function cb_sender_create: PCbSender; cdecl; external ConnectBridgeLib name 'cb_sender_create';
procedure cb_sender_destroy(S: PCbSender); cdecl; external ConnectBridgeLib name 'cb_sender_destroy';
function cb_set_option(S: PCbSender; Option: Integer; Value: PAnsiChar): Integer; cdecl; external ConnectBridgeLib name 'cb_set_option';
function cb_set_option_w(S: PCbSender; Option: Integer; Value: PWideChar): Integer; cdecl; external ConnectBridgeLib name 'cb_set_option_w';
function cb_set_keyboard(S: PCbSender; Keyboard: PAnsiChar; Format: Integer): Integer; cdecl; external ConnectBridgeLib name 'cb_set_keyboard';
function cb_set_keyboard_w(S: PCbSender; Keyboard: PWideChar; Format: Integer): Integer; cdecl; external ConnectBridgeLib name 'cb_set_keyboard_w';
function cb_send_message(S: PCbSender; LineId, UserId, Text: PAnsiChar): Integer; cdecl; external ConnectBridgeLib name 'cb_send_message';
function cb_send_message_w(S: PCbSender; LineId, UserId, Text: PWideChar): Integer; cdecl; external ConnectBridgeLib name 'cb_send_message_w';
function cb_drop_keyboard(S: PCbSender; LineId, UserId: PAnsiChar): Integer; cdecl; external ConnectBridgeLib name 'cb_drop_keyboard';
function cb_drop_keyboard_w(S: PCbSender; LineId, UserId: PWideChar): Integer; cdecl; external ConnectBridgeLib name 'cb_drop_keyboard_w';
function cb_last_status(S: PCbSender): Integer; cdecl; external ConnectBridgeLib name 'cb_last_status';
function cb_last_error(S: PCbSender; Buffer: PAnsiChar; BufferSize: Integer): Integer; cdecl; external ConnectBridgeLib name 'cb_last_error';
function cb_last_error_w(S: PCbSender; Buffer: PWideChar; BufferChars: Integer): Integer; cdecl; external ConnectBridgeLib name 'cb_last_error_w';
function cb_send(BaseUrl, Login, Password, LineId, UserId, Text, Keyboard: PAnsiChar; KeyboardFormat: Integer;
  ErrorBuffer: PAnsiChar; ErrorBufferSize: Integer): Integer; cdecl; external ConnectBridgeLib name 'cb_send';
function cb_send_w(BaseUrl, Login, Password, LineId, UserId, Text, Keyboard: PWideChar; KeyboardFormat: Integer;
  ErrorBuffer: PWideChar; ErrorBufferChars: Integer): Integer; cdecl; external ConnectBridgeLib name 'cb_send_w';
{$ENDIF}

{ Convenience: the sender's last error text as a Pascal string ('' after a success). }
function CbLastErrorText(S: PCbSender): UnicodeString;
function CbLastErrorTextUtf8(S: PCbSender): UTF8String;

{ Convenience: True for a 2xx status. }
function CbSucceeded(Status: Integer): Boolean;

implementation

function CbLastErrorText(S: PCbSender): UnicodeString;
var
  Needed: Integer;
begin
  Result := '';
  Needed := cb_last_error_w(S, nil, 0);   { size including the NUL }
  if Needed > 1 then
  begin
    SetLength(Result, Needed);
    cb_last_error_w(S, PWideChar(Result), Needed);
    SetLength(Result, Needed - 1);
  end;
end;

function CbLastErrorTextUtf8(S: PCbSender): UTF8String;
var
  Needed: Integer;
begin
  Result := '';
  Needed := cb_last_error(S, nil, 0);
  if Needed > 1 then
  begin
    SetLength(Result, Needed);
    cb_last_error(S, PAnsiChar(Result), Needed);
    SetLength(Result, Needed - 1);
  end;
end;

function CbSucceeded(Status: Integer): Boolean;
begin
  Result := (Status >= 200) and (Status <= 299);
end;

end.
