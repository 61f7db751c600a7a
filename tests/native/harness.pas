{ harness.pas -- Free Pascal (Delphi mode) test program for the Connect.Bridge native library.

  Uses the import unit native/delphi/ConnectBridge.pas exactly as a Delphi program would, and leaves the
  floating-point exceptions UNMASKED the whole time (the Free Pascal / Delphi default): every call into the
  library happens with the caller's default FP mask, and the harness checks the mask is still the same and
  still live afterwards.

  Runs against the emulator started as a separate process, plus loopback servers of its own (a 400 with a
  chosen error body; an accepted connection that never answers). One line per check, then
  "N passed, N failed"; exit code 1 on any failure.

  Environment: CB_TEST_BASE_URL, CB_TEST_LOGIN, CB_TEST_PASSWORD (never printed), CB_TEST_LINE.

  Build: fpc -Mdelphi -O1 -Fu<repo>/native/delphi -Fl<libdir> -k-rpath=<libdir> harness.pas }
program harness;

{$MODE DELPHI}
{$H+}

uses
  cthreads, SysUtils, Classes, Math, Sockets, BaseUnix, ConnectBridge;

const
  USER_ID = 'df4cca69-ce40-472e-9083-af9b279c72cc';
  OTHER_LINE = '0b1c2d3e-4f50-4617-8a9b-0c1d2e3f4a5b';
  { UTF-8 bytes straight from this (UTF-8) source file; no code-page conversion anywhere. }
  SERVER_ERROR_TEXT = 'Ошибка формата 🙂 marker-9c2e';
  THREADS = 8;
  SENDS_PER_THREAD = 200;

type
  TWideBuf = array of Word;

var
  Passed, Failed: Integer;
  BaseUrl, Login, Password, LineId: AnsiString;
  EmulatorPort: Word;
  TextsSeen, TextsWithPassword: Integer;

{ ------------------------------------------------------------------ checks }

procedure Check(Ok: Boolean; const What: AnsiString);
begin
  if Ok then
  begin
    WriteLn('PASS ', What);
    Inc(Passed);
  end
  else
  begin
    WriteLn('FAIL ', What);
    Inc(Failed);
  end;
  Flush(Output);
end;

procedure SawText(const T: AnsiString);
begin
  Inc(TextsSeen);
  if (Password <> '') and (Pos(Password, T) > 0) then
    Inc(TextsWithPassword);
end;

function LastError(S: PCbSender): AnsiString;
var
  Buf: array[0..4095] of AnsiChar;
  Needed: Integer;
begin
  Needed := cb_last_error(S, @Buf[0], Length(Buf));
  if (Needed >= 1) and (Needed <= Length(Buf)) then
    Result := AnsiString(PAnsiChar(@Buf[0]))
  else
    Result := '';
  SawText(Result);
end;

procedure CheckFail(Status, Expected: Integer; S: PCbSender; const What: AnsiString);
var
  T: AnsiString;
begin
  T := LastError(S);
  Check((Status = Expected) and (T <> ''), Format('%s -> %d (expected %d), text: %s', [What, Status, Expected, T]));
end;

{ ------------------------------------------------------------ UTF-16 helpers }

{ UTF-8 (valid) -> NUL-terminated UTF-16, without any widestring manager. }
function U16(const S: AnsiString): TWideBuf;
var
  I, N: Integer;
  C: Byte;
  Cp: Cardinal;
begin
  Result := nil;
  SetLength(Result, Length(S) * 2 + 1);
  I := 1;
  N := 0;
  while I <= Length(S) do
  begin
    C := Ord(S[I]);
    if C < $80 then begin Cp := C; Inc(I); end
    else if C < $E0 then begin Cp := (C and $1F) shl 6 or (Ord(S[I + 1]) and $3F); Inc(I, 2); end
    else if C < $F0 then begin Cp := (C and $0F) shl 12 or (Ord(S[I + 1]) and $3F) shl 6 or (Ord(S[I + 2]) and $3F); Inc(I, 3); end
    else begin Cp := (C and $07) shl 18 or (Ord(S[I + 1]) and $3F) shl 12 or (Ord(S[I + 2]) and $3F) shl 6 or (Ord(S[I + 3]) and $3F); Inc(I, 4); end;
    if Cp >= $10000 then
    begin
      Dec(Cp, $10000);
      Result[N] := $D800 + (Cp shr 10); Inc(N);
      Result[N] := $DC00 + (Cp and $3FF); Inc(N);
    end
    else
    begin
      Result[N] := Cp; Inc(N);
    end;
  end;
  Result[N] := 0;
  SetLength(Result, N + 1);
end;

function W(const B: TWideBuf): PWideChar;
begin
  Result := PWideChar(@B[0]);
end;

function WLen(P: PWord): Integer;
begin
  Result := 0;
  while P[Result] <> 0 do Inc(Result);
end;

{ ------------------------------------------------------ tiny HTTP client }

{ 127.0.0.1:Port (0: any free port) }
function LoopbackAddr(Port: Word): TInetSockAddr;
begin
  FillChar(Result, SizeOf(Result), 0);
  Result.sin_family := AF_INET;
  Result.sin_port := htons(Port);
  Result.sin_addr.s_addr := htonl($7F000001);
end;

function ConnectLoopback(Port: Word): cint;
var
  Addr: TInetSockAddr;
  Tv: TTimeVal;
begin
  Result := fpSocket(AF_INET, SOCK_STREAM, 0);
  Addr := LoopbackAddr(Port);
  Tv.tv_sec := 10;
  Tv.tv_usec := 0;
  fpSetSockOpt(Result, SOL_SOCKET, SO_RCVTIMEO, @Tv, SizeOf(Tv));
  if fpConnect(Result, @Addr, SizeOf(Addr)) <> 0 then
  begin
    CloseSocket(Result);
    Result := -1;
  end;
end;

{ One request to the emulator (Connection: close); returns the body, or '' with Ok = False. }
function EmulatorRequest(const Method, Path: AnsiString; out Ok: Boolean): AnsiString;
var
  Fd: cint;
  Req, Resp: AnsiString;
  Buf: array[0..4095] of AnsiChar;
  R, P: Integer;
  Body: AnsiString;
  Size: Integer;
  Hex: AnsiString;
begin
  Ok := False;
  Result := '';
  Fd := ConnectLoopback(EmulatorPort);
  if Fd < 0 then Exit;
  Req := Method + ' ' + Path + ' HTTP/1.1'#13#10'Host: 127.0.0.1'#13#10'Content-Length: 0'#13#10'Connection: close'#13#10#13#10;
  fpSend(Fd, @Req[1], Length(Req), 0);
  Resp := '';
  repeat
    R := fpRecv(Fd, @Buf[0], SizeOf(Buf), 0);
    if R > 0 then
    begin
      SetLength(Resp, Length(Resp) + R);
      Move(Buf[0], Resp[Length(Resp) - R + 1], R);
    end;
  until R <= 0;
  CloseSocket(Fd);
  P := Pos(#13#10#13#10, Resp);
  if (Copy(Resp, 1, 10) <> 'HTTP/1.1 2') or (P = 0) then Exit;
  Body := Copy(Resp, P + 4, MaxInt);
  if Pos('ransfer-Encoding: chunked', Resp) > 0 then
  begin
    Result := '';
    repeat
      P := Pos(#13#10, Body);
      if P = 0 then Break;
      Hex := Trim(Copy(Body, 1, P - 1));
      Size := StrToIntDef('$' + Hex, 0);
      if Size <= 0 then Break;
      Result := Result + Copy(Body, P + 2, Size);
      Body := Copy(Body, P + 2 + Size + 2, MaxInt);
    until False;
  end
  else
    Result := Body;
  Ok := True;
end;

function EmulatorReset: Boolean;
begin
  EmulatorRequest('POST', '/emulator/reset', Result);
end;

function EmulatorNumber(const Field: AnsiString): Integer;
var
  Ok: Boolean;
  Body: AnsiString;
  P, E: Integer;
begin
  Result := -1;
  Body := EmulatorRequest('GET', '/emulator/stats', Ok);
  if not Ok then Exit;
  P := Pos('"' + Field + '"', Body);
  if P = 0 then Exit;
  P := P + Length(Field) + 2;
  while (P <= Length(Body)) and (Body[P] in [':', ' ']) do Inc(P);
  E := P;
  while (E <= Length(Body)) and (Body[E] in ['0'..'9']) do Inc(E);
  Result := StrToIntDef(Copy(Body, P, E - P), -1);
end;

function PutUtf8(Cp: Cardinal): AnsiString;
begin
  if Cp < $80 then Result := AnsiChar(Cp)
  else if Cp < $800 then Result := AnsiChar($C0 or (Cp shr 6)) + AnsiChar($80 or (Cp and $3F))
  else if Cp < $10000 then Result := AnsiChar($E0 or (Cp shr 12)) + AnsiChar($80 or ((Cp shr 6) and $3F)) + AnsiChar($80 or (Cp and $3F))
  else Result := AnsiChar($F0 or (Cp shr 18)) + AnsiChar($80 or ((Cp shr 12) and $3F)) + AnsiChar($80 or ((Cp shr 6) and $3F)) +
    AnsiChar($80 or (Cp and $3F));
end;

{ The emulator's records with JSON escapes resolved, so Cyrillic can be searched for raw or escaped. }
function EmulatorMessages: AnsiString;
var
  Ok: Boolean;
  Raw: AnsiString;
  I: Integer;
  Cp, Lo: Cardinal;
begin
  Raw := EmulatorRequest('GET', '/emulator/messages', Ok);
  Result := '';
  if not Ok then Exit;
  I := 1;
  while I <= Length(Raw) do
  begin
    if (Raw[I] <> '\') or (I = Length(Raw)) then
    begin
      Result := Result + Raw[I];
      Inc(I);
      Continue;
    end;
    Inc(I);
    case Raw[I] of
      'n': Result := Result + #10;
      'r': Result := Result + #13;
      't': Result := Result + #9;
      'u':
        begin
          Cp := StrToInt('$' + Copy(Raw, I + 1, 4));
          Inc(I, 4);
          if (Cp >= $D800) and (Cp < $DC00) and (Copy(Raw, I + 1, 2) = '\u') then
          begin
            Lo := StrToInt('$' + Copy(Raw, I + 3, 4));
            Cp := $10000 + ((Cp - $D800) shl 10) + (Lo - $DC00);
            Inc(I, 6);
          end;
          Result := Result + PutUtf8(Cp);
        end;
    else
      Result := Result + Raw[I];
    end;
    Inc(I);
  end;
end;

function ContainsAll(const Hay: AnsiString; const Needles: array of AnsiString): Boolean;
var
  I: Integer;
begin
  Result := Hay <> '';
  for I := 0 to High(Needles) do
    if Pos(Needles[I], Hay) = 0 then Result := False;
end;

{ ------------------------------------------------- loopback test servers }

type
  TServerMode = (smSilent, sm400);

  TTestServer = class(TThread)
  private
    FMode: TServerMode;
    FListen: cint;
    FConns: array of cint;
  protected
    procedure Execute; override;
  public
    Port: Word;
    Requests: Integer;
    constructor Create(Mode: TServerMode);
    procedure StopAndFree;
  end;

function ListenLoopback(out Port: Word): cint;
var
  Addr: TInetSockAddr;
  Len: TSockLen;
begin
  Result := fpSocket(AF_INET, SOCK_STREAM, 0);
  Addr := LoopbackAddr(0);
  Len := SizeOf(Addr);
  if (fpBind(Result, @Addr, SizeOf(Addr)) <> 0) or (fpListen(Result, 16) <> 0) or
     (fpGetSockName(Result, @Addr, @Len) <> 0) then
  begin
    CloseSocket(Result);
    Result := -1;
    Port := 0;
    Exit;
  end;
  Port := ntohs(Addr.sin_port);
end;

constructor TTestServer.Create(Mode: TServerMode);
begin
  FMode := Mode;
  FListen := ListenLoopback(Port);
  inherited Create(False);
end;

procedure TTestServer.Execute;
var
  Fds: TPollFd;
  C: cint;
  Buf: array[0..65535] of AnsiChar;
  Got, R, HeadEnd, ClPos, BodyLen: Integer;
  Req, Body, Resp: AnsiString;
  Tv: TTimeVal;
  One: cint;
begin
  while not Terminated do
  begin
    Fds.fd := FListen;
    Fds.events := POLLIN;
    Fds.revents := 0;
    if fpPoll(@Fds, 1, 50) <= 0 then Continue;
    C := fpAccept(FListen, nil, nil);
    if C < 0 then Continue;
    Inc(Requests);
    if FMode = smSilent then
    begin
      SetLength(FConns, Length(FConns) + 1);   { hold it open, answer nothing }
      FConns[High(FConns)] := C;
      Continue;
    end;
    Tv.tv_sec := 5;
    Tv.tv_usec := 0;
    fpSetSockOpt(C, SOL_SOCKET, SO_RCVTIMEO, @Tv, SizeOf(Tv));
    Req := '';
    Got := 0;
    repeat
      R := fpRecv(C, @Buf[0], SizeOf(Buf), 0);
      if R <= 0 then Break;
      SetLength(Req, Got + R);
      Move(Buf[0], Req[Got + 1], R);
      Inc(Got, R);
      HeadEnd := Pos(#13#10#13#10, Req);
      if HeadEnd > 0 then
      begin
        ClPos := Pos('content-length:', LowerCase(Req));
        if ClPos > 0 then
          BodyLen := StrToIntDef(Trim(Copy(Req, ClPos + 15, Pos(#13#10, Copy(Req, ClPos, MaxInt)) - 16)), 0)
        else
          BodyLen := 0;
        if Got - (HeadEnd + 3) >= BodyLen then Break;
      end;
    until False;
    Body := '{"error":"' + SERVER_ERROR_TEXT + '"}';
    Resp := 'HTTP/1.1 400 Bad Request'#13#10'Content-Type: application/json; charset=utf-8'#13#10 +
      'Content-Length: ' + IntToStr(Length(Body)) + #13#10'Connection: close'#13#10#13#10 + Body;
    One := 1;
    fpSetSockOpt(C, IPPROTO_TCP, 1 { TCP_NODELAY }, @One, SizeOf(One));
    fpSend(C, @Resp[1], Length(Resp), 0);
    CloseSocket(C);
  end;
end;

procedure TTestServer.StopAndFree;
var
  I: Integer;
begin
  Terminate;
  WaitFor;
  for I := 0 to High(FConns) do CloseSocket(FConns[I]);
  CloseSocket(FListen);
  Free;
end;

{ ----------------------------------------------------------------- helpers }

function NewSender(const Url: AnsiString): PCbSender;
begin
  Result := cb_sender_create;
  cb_set_option(Result, CB_OPT_BASE_URL, PAnsiChar(Url));
  cb_set_option(Result, CB_OPT_LOGIN, PAnsiChar(Login));
  cb_set_option(Result, CB_OPT_PASSWORD, PAnsiChar(Password));
  cb_set_option(Result, CB_OPT_TIMEOUT_MS, '10000');
end;

{ Longest prefix of S ending on a UTF-8 sequence boundary within Max bytes. }
function Utf8Fit(const S: AnsiString; Max: Integer): Integer;
var
  Seq: Integer;
  C: Byte;
begin
  Result := 0;
  while Result < Length(S) do
  begin
    C := Ord(S[Result + 1]);
    if C < $80 then Seq := 1 else if C < $E0 then Seq := 2 else if C < $F0 then Seq := 3 else Seq := 4;
    if Result + Seq > Max then Break;
    Inc(Result, Seq);
  end;
end;

{ ------------------------------------------------------------ FP exceptions }

var
  InitialMask: TFPUExceptionMask;

function DivideByZeroStillRaises: Boolean;
var
  Zero, X: Double;
begin
  Result := False;
  Zero := 0;
  try
    X := 1 / Zero;
    if X > 0 then Result := False;   { reached only if the exception is masked }
  except
    on EZeroDivide do Result := True;
    on EDivByZero do Result := True;
  end;
end;

procedure TestFpMask;
begin
  InitialMask := GetExceptionMask;
  Check(not (exZeroDivide in InitialMask) and not (exInvalidOp in InitialMask) and not (exOverflow in InitialMask),
    'FP exceptions zero-divide, invalid and overflow are unmasked (Free Pascal default), mask left as is');
  Check(DivideByZeroStillRaises, 'a Pascal 1/0 raises EZeroDivide before any library call');
end;

procedure TestFpMaskAfter;
begin
  Check(GetExceptionMask = InitialMask, 'after all library calls the caller''s FP exception mask is unchanged');
  Check(DivideByZeroStillRaises, 'and a Pascal 1/0 still raises EZeroDivide');
end;

{ ------------------------------------------------------------------ tests }

procedure TestBasics;
var
  V: AnsiString;
  S: PCbSender;
  Buf: array[0..15] of AnsiChar;
begin
  V := AnsiString(cb_version);
  Check((Length(V) >= 5) and (V[1] in ['0'..'9']) and (Pos('.', V) > 0), 'cb_version: ' + V);
  S := cb_sender_create;
  Check(S <> nil, 'cb_sender_create returns a handle');
  Buf[0] := 'x';
  Check((cb_last_status(S) = 0) and (cb_last_error(S, @Buf[0], 16) = 1) and (Buf[0] = #0), 'fresh sender: status 0, empty text');
  cb_sender_destroy(S);
  cb_sender_destroy(nil);
  Check(True, 'cb_sender_destroy(nil) is harmless');
end;

{ The version constants, CbSucceeded and CbStatusText agree with the library; the TCbSender wrapper sends and raises
  ECbError carrying the library's status and text. }
procedure TestContractAndWrapper;
var
  S: TCbSender;
  Raised: Boolean;
  St, Before: Integer;
  M: AnsiString;
begin
  Check(cb_version_number = CB_HEADER_VERSION_NUMBER, Format('cb_version_number %d = CB_HEADER_VERSION_NUMBER %d',
    [cb_version_number, CB_HEADER_VERSION_NUMBER]));
  Check(AnsiString(cb_version) = Format('%d.%d.%d', [CB_VERSION_MAJOR, CB_VERSION_MINOR, CB_VERSION_PATCH]),
    'cb_version = CB_VERSION_MAJOR.MINOR.PATCH');
  Check(CbSucceeded(CB_OK) and CbSucceeded(200) and CbSucceeded(299) and not CbSucceeded(CB_E_INVALID_ARGUMENT)
    and not CbSucceeded(300) and not CbSucceeded(403), 'CbSucceeded: CB_OK and 2xx only');
  Check(UTF8Encode(CbStatusText(401, 'en')) = 'HTTP 401: the user is not authorised (check the login and password).',
    'CbStatusText(401, ''en'')');
  Check(UTF8Encode(CbStatusText(CB_E_TIMEOUT)) = 'Нет ответа сервера за отведённое время (тайм-аут). Доставка неизвестна.',
    'CbStatusText(CB_E_TIMEOUT) is Russian by default');
  Check(CbStatusText(401, 'de') = '', 'CbStatusText with an unknown language is empty');

  S := TCbSender.Create;
  try
    S.BaseUrl := UTF8Decode(BaseUrl);
    S.Login := UTF8Decode(Login);
    S.Password := UTF8Decode(Password);
    S.SetKeyboard(UTF8Decode('Да|Нет'), CB_KEYBOARD_ROWS);
    EmulatorReset;
    St := S.SendMessage(UTF8Decode(LineId), USER_ID, UTF8Decode('Привет из TCbSender'));
    M := EmulatorMessages;
    Check((St = 200) and (S.LastStatus = 200) and ContainsAll(M, ['Привет из TCbSender', '"Да"', '"Нет"']),
      Format('TCbSender.SendMessage -> %d, recorded with the keyboard', [St]));
    Check(S.DropKeyboard(UTF8Decode(LineId), USER_ID) = 200, 'TCbSender.DropKeyboard -> 200');

    Raised := False;
    try
      S.SetOption(CB_OPT_TIMEOUT_MS, 'abc');
    except
      on E: ECbError do
      begin
        Raised := (E.Status = CB_E_INVALID_ARGUMENT) and (E.Text <> '') and (UTF8Encode(E.Text) = LastError(S.Handle))
          and (E.Message = UTF8Encode(E.Text));
        SawText(UTF8Encode(E.Text));
      end;
    end;
    Check(Raised, 'a refused setter raises ECbError(-1, the library''s text)');
    { A refused setting stands (sticky): the next send is refused too and sends nothing, until it is set validly. }
    Before := EmulatorNumber('requests');
    Raised := False;
    try
      S.SendMessage(UTF8Decode(LineId), USER_ID, 'x');
    except
      on E: ECbError do
        Raised := (E.Status = CB_E_INVALID_ARGUMENT) and (UTF8Encode(E.Text) = LastError(S.Handle));
    end;
    Check(Raised and (EmulatorNumber('requests') = Before),
      'a send while the timeout stands refused raises ECbError(-1) and sends nothing');
    // Set right, the refusal ends.
    S.SetOption(CB_OPT_TIMEOUT_MS, '30000');

    S.Language := 'en';
    Before := EmulatorNumber('requests');
    Raised := False;
    try
      S.SendMessage(OTHER_LINE, USER_ID, 'x');
    except
      on E: ECbError do
      begin
        Raised := (E.Status = 403) and (S.LastStatus = 403) and (Pos('HTTP 403', UTF8Encode(E.Text)) = 1)
          and (UTF8Encode(E.Text) = LastError(S.Handle));
        SawText(UTF8Encode(E.Text));
      end;
    end;
    Check(Raised and (EmulatorNumber('requests') = Before + 1), 'a refused send raises ECbError(403, the library''s English text)');

    Raised := False;
    try
      S.SendMessage('not-a-uuid', USER_ID, 'x');
    except
      on E: ECbError do
        Raised := (E.Status = CB_E_INVALID_ARGUMENT) and (UTF8Encode(E.Text) = LastError(S.Handle));
    end;
    Check(Raised and (EmulatorNumber('requests') = Before + 1), 'a bad id raises ECbError(-1) and sends nothing');
  finally
    S.Free;
  end;
end;

procedure TestSuccess;
var
  S: PCbSender;
  St: Integer;
  M: AnsiString;
const
  Text = 'Здравствуйте из Паскаля! Ёжик 🦔';
begin
  S := NewSender(BaseUrl);
  EmulatorReset;
  St := cb_send_message(S, PAnsiChar(LineId), USER_ID, Text);
  Check((St = 200) and (LastError(S) = '') and CbSucceeded(St), Format('send Cyrillic text -> %d', [St]));
  M := EmulatorMessages;
  Check(ContainsAll(M, [Text, LineId, USER_ID]), 'emulator recorded the Cyrillic text');

  Check(cb_set_keyboard(S, '[[{"text":"Да","id":"yes"},"Нет"],[{"text":"Оператор"}]]', CB_KEYBOARD_JSON) = 0,
    'cb_set_keyboard JSON -> 0');
  EmulatorReset;
  St := cb_send_message(S, PAnsiChar(LineId), USER_ID, 'С клавиатурой JSON');
  M := EmulatorMessages;
  Check((St = 200) and ContainsAll(M, ['"Да"', '"yes"', '"Нет"', '"Оператор"']), Format('JSON keyboard sent -> %d, recorded', [St]));

  Check(cb_set_keyboard(S, 'Один|Два'#13#10'Три \| четыре', CB_KEYBOARD_ROWS) = 0, 'cb_set_keyboard ROWS -> 0');
  EmulatorReset;
  St := cb_send_message(S, PAnsiChar(LineId), USER_ID, 'С клавиатурой строками');
  M := EmulatorMessages;
  Check((St = 200) and ContainsAll(M, ['"Один"', '"Два"', '"Три | четыре"']), Format('rows keyboard sent -> %d, recorded', [St]));

  Check(cb_set_keyboard(S, nil, CB_KEYBOARD_AUTO) = 0, 'cb_set_keyboard nil clears');
  EmulatorReset;
  St := cb_drop_keyboard(S, PAnsiChar(LineId), USER_ID);
  Check((St = 200) and (EmulatorNumber('accepted') = 1), Format('cb_drop_keyboard -> %d', [St]));
  cb_sender_destroy(S);
end;

procedure TestInvalidArguments;
var
  S: PCbSender;
  LoneHigh, LoneLow: array[0..2] of Word;
  Buf: array[0..511] of AnsiChar;
  WBuf: array[0..255] of Word;
  Needed: Integer;
  WLine, WUser, WText, WDelay: TWideBuf;
begin
  WLine := U16(LineId);
  WUser := U16(USER_ID);
  WText := U16('x');
  WDelay := U16('30001');
  S := NewSender(BaseUrl);
  EmulatorReset;
  LoneHigh[0] := Ord('a'); LoneHigh[1] := $D83D; LoneHigh[2] := 0;
  LoneLow[0] := $DE00; LoneLow[1] := Ord('b'); LoneLow[2] := 0;

  Check(cb_send_message(nil, PAnsiChar(LineId), USER_ID, 'x') = CB_E_INVALID_ARGUMENT, 'cb_send_message(nil) -> -1');
  Check(cb_send_message_w(nil, W(WLine), W(WUser), W(WText)) = CB_E_INVALID_ARGUMENT, 'cb_send_message_w(nil) -> -1');
  Check(cb_drop_keyboard(nil, PAnsiChar(LineId), USER_ID) = CB_E_INVALID_ARGUMENT, 'cb_drop_keyboard(nil) -> -1');
  Check(cb_set_option(nil, CB_OPT_LOGIN, 'x') = CB_E_INVALID_ARGUMENT, 'cb_set_option(nil) -> -1');
  Check(cb_set_keyboard_w(nil, W(WText), CB_KEYBOARD_ROWS) = CB_E_INVALID_ARGUMENT, 'cb_set_keyboard_w(nil) -> -1');
  Check(cb_last_status(nil) = CB_E_INVALID_ARGUMENT, 'cb_last_status(nil) -> -1');
  Needed := cb_last_error(nil, @Buf[0], Length(Buf));
  Check((Needed > 1) and (Needed = Length(AnsiString(PAnsiChar(@Buf[0]))) + 1), 'cb_last_error(nil) gives the NULL-handle text: ' + PAnsiChar(@Buf[0]));

  CheckFail(cb_send_message(S, nil, USER_ID, 'x'), -1, S, 'nil line_id');
  CheckFail(cb_send_message(S, PAnsiChar(LineId), nil, 'x'), -1, S, 'nil user_id');
  CheckFail(cb_send_message(S, PAnsiChar(LineId), USER_ID, nil), -1, S, 'nil text');
  CheckFail(cb_send_message(S, PAnsiChar(LineId), USER_ID, 'ab'#$C3#$28), -1, S, 'invalid UTF-8 in text');
  CheckFail(cb_send_message(S, PAnsiChar(LineId), USER_ID, #$E2#$82), -1, S, 'truncated UTF-8 sequence in text');
  CheckFail(cb_set_option(S, CB_OPT_LOGIN, #$FF'login'), -1, S, 'invalid UTF-8 in an option value');
  CheckFail(cb_set_keyboard(S, 'Да|'#$C3, CB_KEYBOARD_ROWS), -1, S, 'invalid UTF-8 in a keyboard');
  CheckFail(cb_send_message_w(S, W(WLine), W(WUser), @LoneHigh[0]), -1, S, 'UTF-16 lone high surrogate in text');
  CheckFail(cb_send_message_w(S, W(WLine), W(WUser), @LoneLow[0]), -1, S, 'UTF-16 lone low surrogate in text');
  CheckFail(cb_set_option_w(S, CB_OPT_LOGIN, @LoneLow[0]), -1, S, 'UTF-16 lone surrogate in an option value');
  CheckFail(cb_drop_keyboard_w(S, @LoneHigh[0], W(WUser)), -1, S, 'UTF-16 lone surrogate in line_id (drop)');
  CheckFail(cb_send_message(S, 'not-a-uuid', USER_ID, 'x'), -1, S, 'bad line_id');
  CheckFail(cb_send_message(S, PAnsiChar(LineId), '12345', 'x'), -1, S, 'bad user_id');
  CheckFail(cb_send_message(S, PAnsiChar(LineId), USER_ID, ''), -1, S, 'empty text');
  CheckFail(cb_send_message(S, PAnsiChar(LineId), USER_ID, '   '), -1, S, 'whitespace-only text');
  CheckFail(cb_set_option(S, 0, 'x'), -1, S, 'unknown option id 0');
  CheckFail(cb_set_option(S, 42, 'x'), -1, S, 'unknown option id 42');
  CheckFail(cb_set_option(S, CB_OPT_TIMEOUT_MS, '-5'), -1, S, 'negative timeout');
  CheckFail(cb_set_option(S, CB_OPT_RETRY_DELAY_MS, '9'), -1, S, 'retry delay 9 ms (under 10)');
  Check(LastError(S) = 'Неверный параметр: задержка повтора «9» должна быть от 10 мс до 30 с.', 'the retry delay''s text is the core''s: ' + LastError(S));
  CheckFail(cb_set_option_w(S, CB_OPT_RETRY_DELAY_MS, W(WDelay)), -1, S, 'retry delay 30001 ms (_w, over 30 s)');
  CheckFail(cb_set_keyboard(S, '[["A"],', CB_KEYBOARD_JSON), -1, S, 'malformed JSON keyboard');
  CheckFail(cb_set_keyboard(S, '[[]]', CB_KEYBOARD_JSON), -1, S, 'JSON keyboard with an empty row');
  CheckFail(cb_set_keyboard(S, 'A|B', 3), -1, S, 'unknown keyboard format 3');
  Check(cb_last_error(S, @Buf[0], -1) = CB_E_INVALID_ARGUMENT, 'cb_last_error with a negative size -> -1');
  Check(cb_last_error_w(S, @WBuf[0], -1) = CB_E_INVALID_ARGUMENT, 'cb_last_error_w with a negative size -> -1');
  Check(EmulatorNumber('requests') = 0, 'nothing reached the emulator for any invalid argument');
  cb_sender_destroy(S);
end;

procedure TestHttpErrors;
var
  S: PCbSender;
  Sv: TTestServer;
  St, Needed, Len, Size, Expect, R, WNeeded, WLength, Cuts: Integer;
  Full, Url: AnsiString;
  B: array[0..2047] of AnsiChar;
  WFull: array[0..2047] of Word;
  WB: array[0..2047] of Word;
  Ok: Boolean;
  Fd: cint;
  Port: Word;
begin
  S := NewSender(BaseUrl);
  cb_set_option(S, CB_OPT_PASSWORD, 'not-the-password');
  CheckFail(cb_send_message(S, PAnsiChar(LineId), USER_ID, 'Привет'), 401, S, 'wrong password');
  cb_sender_destroy(S);

  S := NewSender(BaseUrl);
  CheckFail(cb_send_message(S, OTHER_LINE, USER_ID, 'Привет'), 403, S, 'line outside the emulator''s list');
  cb_sender_destroy(S);

  Sv := TTestServer.Create(sm400);
  S := NewSender('http://127.0.0.1:' + IntToStr(Sv.Port));
  St := cb_send_message(S, PAnsiChar(LineId), USER_ID, 'Привет');
  Full := LastError(S);
  Check((St = 400) and (Pos('marker-9c2e', Full) > 0) and (Pos('🙂', Full) > 0), Format('server 400 -> %d, text quotes the server: %s', [St, Full]));
  Check(Sv.Requests = 1, Format('400 is not retried (%d request)', [Sv.Requests]));

  Needed := cb_last_error(S, nil, 0);
  Len := Length(Full);
  Check(Needed = Len + 1, Format('size needed = %d bytes incl. NUL', [Needed]));
  Ok := True;
  for Size := 1 to Needed + 2 do
  begin
    FillChar(B, SizeOf(B), 'Z');
    R := cb_last_error(S, @B[0], Size);
    Expect := Utf8Fit(Full, Size - 1);
    if (R <> Needed) or (B[Expect] <> #0) or (Copy(Full, 1, Expect) <> AnsiString(PAnsiChar(@B[0]))) or (B[Size] <> 'Z') then
      Ok := False;
  end;
  Check(Ok, 'UTF-8 truncation at every size: whole sequences only, NUL-terminated, nothing written past the end');

  WNeeded := cb_last_error_w(S, @WFull[0], Length(WFull));
  WLength := WLen(@WFull[0]);
  Check(WNeeded = WLength + 1, Format('cb_last_error_w size needed = %d units', [WNeeded]));
  Ok := True;
  Cuts := 0;
  for Size := 1 to WNeeded + 2 do
  begin
    FillChar(WB, SizeOf(WB), $5A);
    R := cb_last_error_w(S, @WB[0], Size);
    Expect := Min(Size - 1, WLength);
    if (Expect > 0) and (Expect < WLength) and (WFull[Expect - 1] >= $D800) and (WFull[Expect - 1] < $DC00) then
    begin
      Dec(Expect);
      Inc(Cuts);
    end;
    if (R <> WNeeded) or (WB[Expect] <> 0) or not CompareMem(@WB[0], @WFull[0], Expect * 2) or (WB[Size] <> $5A5A) then
      Ok := False;
  end;
  Check(Ok and (Cuts = 1), 'UTF-16 truncation at every size: the surrogate pair is never split, NUL-terminated');
  cb_sender_destroy(S);
  Sv.StopAndFree;

  Fd := ListenLoopback(Port);
  CloseSocket(Fd);
  S := NewSender('http://127.0.0.1:' + IntToStr(Port));
  cb_set_option(S, CB_OPT_MAX_RETRIES, '1');
  CheckFail(cb_send_message(S, PAnsiChar(LineId), USER_ID, 'Привет'), CB_E_CONNECTION_FAILED, S, 'closed port');
  cb_sender_destroy(S);

  Sv := TTestServer.Create(smSilent);
  Url := 'http://127.0.0.1:' + IntToStr(Sv.Port);
  S := NewSender(Url);
  Check(cb_set_option(S, CB_OPT_TIMEOUT_MS, '700') = 0, 'CB_OPT_TIMEOUT_MS 700 -> 0');
  CheckFail(cb_send_message(S, PAnsiChar(LineId), USER_ID, 'Привет'), CB_E_TIMEOUT, S, 'server never answers');
  Check(Sv.Requests = 1, Format('the timeout is not retried (%d connection)', [Sv.Requests]));
  cb_sender_destroy(S);
  Sv.StopAndFree;
end;

procedure TestUtf16AndOneShot;
var
  S: PCbSender;
  St: Integer;
  M: AnsiString;
  WErr: array[0..255] of Word;
  Err: array[0..511] of AnsiChar;
  WUrl, WLogin, WPassword, WLine, WUser, WText, WKeyboard, WBad: TWideBuf;   { kept alive across each call }
const
  Text = 'UTF-16 из Паскаля 😀';
begin
  WUrl := U16(BaseUrl);
  WLogin := U16(Login);
  WPassword := U16(Password);
  WLine := U16(LineId);
  WUser := U16(USER_ID);
  WText := U16(Text);
  WKeyboard := U16('Да 👍|Нет');
  WBad := U16('плохой');
  S := cb_sender_create;
  Check((cb_set_option_w(S, CB_OPT_BASE_URL, W(WUrl)) = 0) and (cb_set_option_w(S, CB_OPT_LOGIN, W(WLogin)) = 0) and
    (cb_set_option_w(S, CB_OPT_PASSWORD, W(WPassword)) = 0), 'cb_set_option_w base URL, login, password -> 0');
  Check(cb_set_keyboard_w(S, W(WKeyboard), CB_KEYBOARD_AUTO) = 0, 'cb_set_keyboard_w -> 0');
  EmulatorReset;
  St := cb_send_message_w(S, W(WLine), W(WUser), W(WText));
  WErr[0] := $5A;
  Check((St = 200) and (cb_last_error_w(S, @WErr[0], 256) = 1) and (WErr[0] = 0), Format('cb_send_message_w -> %d', [St]));
  M := EmulatorMessages;
  Check(ContainsAll(M, [Text, '"Да 👍"', '"Нет"']), 'emulator recorded the UTF-16 text and keyboard as UTF-8');
  EmulatorReset;
  St := cb_drop_keyboard_w(S, W(WLine), W(WUser));
  Check((St = 200) and (EmulatorNumber('accepted') = 1), Format('cb_drop_keyboard_w -> %d', [St]));
  St := cb_send_message_w(S, W(WBad), W(WUser), W(WText));
  Check((St = -1) and (CbLastErrorText(S) <> '') and (CbLastErrorTextUtf8(S) <> ''), 'a _w failure gives a text (CbLastErrorText helpers)');
  cb_sender_destroy(S);

  EmulatorReset;
  Err[0] := 'x';
  St := cb_send(PAnsiChar(BaseUrl), PAnsiChar(Login), PAnsiChar(Password), PAnsiChar(LineId), USER_ID, 'Разово из Паскаля',
    '[["Ок","Отмена"]]', CB_KEYBOARD_JSON, @Err[0], Length(Err));
  M := EmulatorMessages;
  Check((St = 200) and (Err[0] = #0) and ContainsAll(M, ['Разово из Паскаля', '"Ок"', '"Отмена"']), Format('cb_send -> %d, recorded', [St]));
  St := cb_send(PAnsiChar(BaseUrl), PAnsiChar(Login), 'wrong', PAnsiChar(LineId), USER_ID, 'x', nil, 0, @Err[0], Length(Err));
  SawText(PAnsiChar(@Err[0]));
  Check((St = 401) and (Err[0] <> #0), Format('cb_send wrong password -> %d: %s', [St, PAnsiChar(@Err[0])]));
  St := cb_send(PAnsiChar(BaseUrl), PAnsiChar(Login), PAnsiChar(Password), PAnsiChar(LineId), USER_ID, 'x', nil, 0, @Err[0], -3);
  Check(St = -1, Format('cb_send with a negative buffer size -> %d', [St]));
  EmulatorReset;
  St := cb_send_w(W(WUrl), W(WLogin), W(WPassword), W(WLine), W(WUser), W(WText), W(WKeyboard), CB_KEYBOARD_ROWS, @WErr[0], 256);
  M := EmulatorMessages;
  Check((St = 200) and (WErr[0] = 0) and ContainsAll(M, [Text, '"Да 👍"']), Format('cb_send_w -> %d, recorded', [St]));
  St := cb_send_w(W(WUrl), W(WLogin), W(WPassword), W(WBad), W(WUser), W(WText), nil, 0, @WErr[0], 256);
  Check((St = -1) and (WErr[0] <> 0), Format('cb_send_w with a bad id -> %d, UTF-16 text', [St]));
end;

type
  TSendThread = class(TThread)
  protected
    procedure Execute; override;
  public
    Index, Ok, Bad, FirstBad: Integer;
  end;

procedure TSendThread.Execute;
var
  S: PCbSender;
  I, St: Integer;
  T: AnsiString;
begin
  S := NewSender(BaseUrl);
  for I := 0 to SENDS_PER_THREAD - 1 do
  begin
    T := 'Поток ' + IntToStr(Index) + ', сообщение ' + IntToStr(I);
    St := cb_send_message(S, PAnsiChar(LineId), USER_ID, PAnsiChar(T));
    if St = 200 then Inc(Ok)
    else
    begin
      if Bad = 0 then FirstBad := St;
      Inc(Bad);
    end;
  end;
  cb_sender_destroy(S);
end;

procedure TestThreads;
var
  T: array[0..THREADS - 1] of TSendThread;
  I, Ok, Bad, First: Integer;
  Accepted, Requests: Integer;
begin
  EmulatorReset;
  for I := 0 to THREADS - 1 do
  begin
    T[I] := TSendThread.Create(True);
    T[I].Index := I;
    T[I].Start;
  end;
  Ok := 0;
  Bad := 0;
  First := 0;
  for I := 0 to THREADS - 1 do
  begin
    T[I].WaitFor;
    Inc(Ok, T[I].Ok);
    Inc(Bad, T[I].Bad);
    if (T[I].Bad > 0) and (First = 0) then First := T[I].FirstBad;
    T[I].Free;
  end;
  Check((Ok = THREADS * SENDS_PER_THREAD) and (Bad = 0),
    Format('%d threads x %d sends (FP exceptions unmasked in every thread): %d ok, %d failed (first %d)', [THREADS, SENDS_PER_THREAD, Ok, Bad, First]));
  Accepted := EmulatorNumber('accepted');
  Requests := EmulatorNumber('requests');
  Check((Accepted = THREADS * SENDS_PER_THREAD) and (Requests = Accepted),
    Format('emulator accepted exactly %d (accepted %d, requests %d)', [THREADS * SENDS_PER_THREAD, Accepted, Requests]));
end;

var
  P: Integer;
begin
  BaseUrl := GetEnvironmentVariable('CB_TEST_BASE_URL');
  Login := GetEnvironmentVariable('CB_TEST_LOGIN');
  Password := GetEnvironmentVariable('CB_TEST_PASSWORD');
  LineId := GetEnvironmentVariable('CB_TEST_LINE');
  if (BaseUrl = '') or (Login = '') or (Password = '') or (LineId = '') then
  begin
    WriteLn(StdErr, 'set CB_TEST_BASE_URL, CB_TEST_LOGIN, CB_TEST_PASSWORD, CB_TEST_LINE');
    Halt(2);
  end;
  P := Length(BaseUrl);
  while (P > 0) and (BaseUrl[P] <> ':') do Dec(P);
  EmulatorPort := StrToIntDef(Copy(BaseUrl, P + 1, MaxInt), 0);
  WriteLn('Pascal harness (fpc -Mdelphi), emulator ', BaseUrl);

  TestFpMask;      { first: the library is first entered with FP exceptions unmasked }
  Check(EmulatorReset, 'emulator reachable');
  TestBasics;
  TestContractAndWrapper;
  TestSuccess;
  TestInvalidArguments;
  TestHttpErrors;
  TestUtf16AndOneShot;
  TestThreads;
  TestFpMaskAfter;
  Check((TextsSeen > 20) and (TextsWithPassword = 0), Format('the password appears in none of the %d error texts seen', [TextsSeen]));

  WriteLn(Format('%d passed, %d failed', [Passed, Failed]));
  if Failed > 0 then Halt(1);
end.
