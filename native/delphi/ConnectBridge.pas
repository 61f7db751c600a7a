{ ConnectBridge.pas -- Delphi / Free Pascal import unit for the Connect.Bridge native library.

  The Pascal twin of native/include/connect_bridge.h; read the header for the full contract
  (returns, ownership, threading, error-text truncation rules). In short:

  - Libraries: connect_bridge.dll (Windows, 32- and 64-bit), libconnect_bridge.so (Linux).
    No .NET installation is needed on the calling machine.
  - Calling convention: stdcall on 32-bit Windows, cdecl everywhere else (as CB_CALL in the header).
  - Strings: PAnsiChar functions take UTF-8; the *_w twins take UTF-16 (PWideChar).
    Pass PAnsiChar(UTF8String(S)) or PWideChar(UnicodeString(S)).
  - Send and drop return the HTTP status (200..299 = success) or a negative CB_E_* code; setters return
    CB_OK (0) or CB_E_INVALID_ARGUMENT. CbSucceeded tests both; CbStatusText gives the meaning of any code.
  - TCbSender is an optional object wrapper that raises ECbError (Status, Text) instead of returning codes.
  - A sender (PCbSender) is used by one thread at a time; different senders run concurrently.
  - The library cannot be unloaded (do not FreeLibrary it); after fork() use it only in the parent (in a
    child, exec first); its first call ignores SIGPIPE process-wide. See THREADING, UNLOADING, SIGNALS in the header.
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

uses
  SysUtils;

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

  { The version of this unit (CB_VERSION_* in the header; a test checks they agree with Directory.Build.props).
    The header's CB_VERSION_NUMBER is CB_HEADER_VERSION_NUMBER here, because Pascal ignores case and
    cb_version_number is the function that gives the library's at run time. major * 1000000 + minor * 1000 + patch. }
  CB_VERSION_MAJOR         = 1;
  CB_VERSION_MINOR         = 0;
  CB_VERSION_PATCH         = 0;
  CB_HEADER_VERSION_NUMBER = 1000000;

  { A setter accepted its value. CbSucceeded is True for it and for 2xx. }
  CB_OK = 0;

  { Negative status codes; anything >= 0 returned by a send is an HTTP status. }
  CB_E_INVALID_ARGUMENT  = -1;   { refused before sending (also: a call in a forked child); nothing sent }
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
  CB_OPT_LOG_FILE             = 13;  { file path: one UTF-8 line per HTTP attempt appended; '' turns it off;
                                        a FIFO, directory or device is refused, a line that cannot be written is
                                        dropped and counted, never waited on (see connect_bridge.h) }
  CB_OPT_PROXY_USE_DEFAULT_CREDENTIALS = 14;  { '1': the proxy gets the Windows logon (NTLM/Kerberos) unless a proxy login is set }
  CB_OPT_RETRY_DELAY_MS       = 15;  { decimal milliseconds 10..30000, default '250': the first retry's wait, doubled per
                                        retry with +-25 % jitter; a longer Retry-After wins (see connect_bridge.h) }

  { Keyboard formats for cb_set_keyboard and cb_send. }
  CB_KEYBOARD_AUTO = 0;
  CB_KEYBOARD_JSON = 1;
  CB_KEYBOARD_ROWS = 2;

type
  { Opaque sender handle; released with cb_sender_destroy. }
  TCbSenderRec = record end;
  PCbSender = ^TCbSenderRec;

{ One declaration per function. The calling convention is chosen per declaration: stdcall on 32-bit
  Windows, cdecl everywhere else (as CB_CALL in the header). }
function cb_version: PAnsiChar; {$IFDEF CB_STDCALL}stdcall{$ELSE}cdecl{$ENDIF}; external ConnectBridgeLib name 'cb_version';
function cb_version_number: Integer; {$IFDEF CB_STDCALL}stdcall{$ELSE}cdecl{$ENDIF}; external ConnectBridgeLib name 'cb_version_number';
function cb_status_text(Status: Integer; Language: PAnsiChar; Buffer: PAnsiChar; BufferSize: Integer): Integer; {$IFDEF CB_STDCALL}stdcall{$ELSE}cdecl{$ENDIF}; external ConnectBridgeLib name 'cb_status_text';
function cb_status_text_w(Status: Integer; Language: PWideChar; Buffer: PWideChar; BufferChars: Integer): Integer; {$IFDEF CB_STDCALL}stdcall{$ELSE}cdecl{$ENDIF}; external ConnectBridgeLib name 'cb_status_text_w';
function cb_sender_create: PCbSender; {$IFDEF CB_STDCALL}stdcall{$ELSE}cdecl{$ENDIF}; external ConnectBridgeLib name 'cb_sender_create';
procedure cb_sender_destroy(S: PCbSender); {$IFDEF CB_STDCALL}stdcall{$ELSE}cdecl{$ENDIF}; external ConnectBridgeLib name 'cb_sender_destroy';
function cb_set_option(S: PCbSender; Option: Integer; Value: PAnsiChar): Integer; {$IFDEF CB_STDCALL}stdcall{$ELSE}cdecl{$ENDIF}; external ConnectBridgeLib name 'cb_set_option';
function cb_set_option_w(S: PCbSender; Option: Integer; Value: PWideChar): Integer; {$IFDEF CB_STDCALL}stdcall{$ELSE}cdecl{$ENDIF}; external ConnectBridgeLib name 'cb_set_option_w';
function cb_set_keyboard(S: PCbSender; Keyboard: PAnsiChar; Format: Integer): Integer; {$IFDEF CB_STDCALL}stdcall{$ELSE}cdecl{$ENDIF}; external ConnectBridgeLib name 'cb_set_keyboard';
function cb_set_keyboard_w(S: PCbSender; Keyboard: PWideChar; Format: Integer): Integer; {$IFDEF CB_STDCALL}stdcall{$ELSE}cdecl{$ENDIF}; external ConnectBridgeLib name 'cb_set_keyboard_w';
function cb_send_message(S: PCbSender; LineId, UserId, Text: PAnsiChar): Integer; {$IFDEF CB_STDCALL}stdcall{$ELSE}cdecl{$ENDIF}; external ConnectBridgeLib name 'cb_send_message';
function cb_send_message_w(S: PCbSender; LineId, UserId, Text: PWideChar): Integer; {$IFDEF CB_STDCALL}stdcall{$ELSE}cdecl{$ENDIF}; external ConnectBridgeLib name 'cb_send_message_w';
function cb_drop_keyboard(S: PCbSender; LineId, UserId: PAnsiChar): Integer; {$IFDEF CB_STDCALL}stdcall{$ELSE}cdecl{$ENDIF}; external ConnectBridgeLib name 'cb_drop_keyboard';
function cb_drop_keyboard_w(S: PCbSender; LineId, UserId: PWideChar): Integer; {$IFDEF CB_STDCALL}stdcall{$ELSE}cdecl{$ENDIF}; external ConnectBridgeLib name 'cb_drop_keyboard_w';
function cb_last_status(S: PCbSender): Integer; {$IFDEF CB_STDCALL}stdcall{$ELSE}cdecl{$ENDIF}; external ConnectBridgeLib name 'cb_last_status';
function cb_last_error(S: PCbSender; Buffer: PAnsiChar; BufferSize: Integer): Integer; {$IFDEF CB_STDCALL}stdcall{$ELSE}cdecl{$ENDIF}; external ConnectBridgeLib name 'cb_last_error';
function cb_last_error_w(S: PCbSender; Buffer: PWideChar; BufferChars: Integer): Integer; {$IFDEF CB_STDCALL}stdcall{$ELSE}cdecl{$ENDIF}; external ConnectBridgeLib name 'cb_last_error_w';
function cb_send(BaseUrl, Login, Password, LineId, UserId, Text, Keyboard: PAnsiChar; KeyboardFormat: Integer;
  ErrorBuffer: PAnsiChar; ErrorBufferSize: Integer): Integer; {$IFDEF CB_STDCALL}stdcall{$ELSE}cdecl{$ENDIF}; external ConnectBridgeLib name 'cb_send';
function cb_send_w(BaseUrl, Login, Password, LineId, UserId, Text, Keyboard: PWideChar; KeyboardFormat: Integer;
  ErrorBuffer: PWideChar; ErrorBufferChars: Integer): Integer; {$IFDEF CB_STDCALL}stdcall{$ELSE}cdecl{$ENDIF}; external ConnectBridgeLib name 'cb_send_w';

{ Convenience: the sender's last error text as a Pascal string ('' after a success). }
function CbLastErrorText(S: PCbSender): UnicodeString;
function CbLastErrorTextUtf8(S: PCbSender): UTF8String;

{ Convenience: the generic meaning of a status code (cb_status_text_w); Language '' or 'ru' Russian, 'en' English.
  '' for a language the library has no texts in. }
function CbStatusText(Status: Integer; const Language: UnicodeString = ''): UnicodeString;

{ Convenience: True for CB_OK and for a 2xx status (CB_SUCCEEDED in the header). }
function CbSucceeded(Status: Integer): Boolean;

type
  { Raised by TCbSender for any status that is not a success: the status (HTTP or CB_E_*) and the library's text. }
  ECbError = class(Exception)
  private
    FStatus: Integer;
    FText: UnicodeString;
  public
    constructor Create(AStatus: Integer; const AText: UnicodeString);
    property Status: Integer read FStatus;
    property Text: UnicodeString read FText;
  end;

  { An optional object wrapper over one sender, for code that prefers exceptions to status codes: every setter and
    call raises ECbError when the library refuses or the send fails; SendMessage and DropKeyboard return the 2xx
    status otherwise. Strings go through the UTF-16 (_w) functions. One thread at a time, as the sender it wraps. }
  TCbSender = class
  private
    FHandle: PCbSender;
    function Check(Status: Integer): Integer;
    procedure SetOptionByIndex(Option: Integer; const Value: UnicodeString);
  public
    constructor Create;
    destructor Destroy; override;
    procedure SetOption(Option: Integer; const Value: UnicodeString);
    procedure SetKeyboard(const Keyboard: UnicodeString; Format: Integer = CB_KEYBOARD_AUTO);
    function SendMessage(const LineId, UserId, Text: UnicodeString): Integer;
    function DropKeyboard(const LineId, UserId: UnicodeString): Integer;
    function LastStatus: Integer;
    function LastErrorText: UnicodeString;
    property Handle: PCbSender read FHandle;
    property BaseUrl: UnicodeString index CB_OPT_BASE_URL write SetOptionByIndex;
    property Login: UnicodeString index CB_OPT_LOGIN write SetOptionByIndex;
    property Password: UnicodeString index CB_OPT_PASSWORD write SetOptionByIndex;
    property Language: UnicodeString index CB_OPT_LANGUAGE write SetOptionByIndex;
    property AuthorId: UnicodeString index CB_OPT_AUTHOR_ID write SetOptionByIndex;
  end;

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

function CbStatusText(Status: Integer; const Language: UnicodeString): UnicodeString;
var
  Needed: Integer;
begin
  Result := '';
  Needed := cb_status_text_w(Status, PWideChar(Language), nil, 0);
  if Needed > 1 then
  begin
    SetLength(Result, Needed);
    cb_status_text_w(Status, PWideChar(Language), PWideChar(Result), Needed);
    SetLength(Result, Needed - 1);
  end;
end;

function CbSucceeded(Status: Integer): Boolean;
begin
  Result := (Status = CB_OK) or ((Status >= 200) and (Status <= 299));
end;

{ ECbError }

constructor ECbError.Create(AStatus: Integer; const AText: UnicodeString);
begin
{$IFDEF FPC}
  inherited Create(UTF8Encode(AText));   { Free Pascal's string is byte-sized here: keep the text as UTF-8 }
{$ELSE}
  inherited Create(AText);
{$ENDIF}
  FStatus := AStatus;
  FText := AText;
end;

{ TCbSender }

constructor TCbSender.Create;
begin
  inherited Create;
  FHandle := cb_sender_create;
  if FHandle = nil then
    raise ECbError.Create(CB_E_INTERNAL, CbStatusText(CB_E_INTERNAL));
end;

destructor TCbSender.Destroy;
begin
  cb_sender_destroy(FHandle);   { nil is allowed }
  inherited Destroy;
end;

function TCbSender.Check(Status: Integer): Integer;
begin
  if not CbSucceeded(Status) then
    raise ECbError.Create(Status, CbLastErrorText(FHandle));
  Result := Status;
end;

procedure TCbSender.SetOptionByIndex(Option: Integer; const Value: UnicodeString);
begin
  SetOption(Option, Value);
end;

procedure TCbSender.SetOption(Option: Integer; const Value: UnicodeString);
begin
  Check(cb_set_option_w(FHandle, Option, PWideChar(Value)));
end;

procedure TCbSender.SetKeyboard(const Keyboard: UnicodeString; Format: Integer);
begin
  Check(cb_set_keyboard_w(FHandle, PWideChar(Keyboard), Format));
end;

function TCbSender.SendMessage(const LineId, UserId, Text: UnicodeString): Integer;
begin
  Result := Check(cb_send_message_w(FHandle, PWideChar(LineId), PWideChar(UserId), PWideChar(Text)));
end;

function TCbSender.DropKeyboard(const LineId, UserId: UnicodeString): Integer;
begin
  Result := Check(cb_drop_keyboard_w(FHandle, PWideChar(LineId), PWideChar(UserId)));
end;

function TCbSender.LastStatus: Integer;
begin
  Result := cb_last_status(FHandle);
end;

function TCbSender.LastErrorText: UnicodeString;
begin
  Result := CbLastErrorText(FHandle);
end;

end.
