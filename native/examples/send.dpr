{ send.dpr -- send one message to a 1C-Connect support-line chat with Connect.Bridge (Delphi / Free Pascal).

  This file is UTF-8 with a BOM, so both Delphi and Free Pascal read the Cyrillic literals correctly.
  Delphi:        add native/delphi/ConnectBridge.pas to the project; connect_bridge.dll next to the .exe.
  Free Pascal:   fpc -Mdelphi -Fu<repo>/native/delphi -Fl<dir> -k-rpath=<dir> send.dpr
                 (<dir> holds libconnect_bridge.so, e.g. artifacts/native/linux-x64)

  By default it talks to the local emulator (`connect-bridge emulator`: http://127.0.0.1:8080, login "bot",
  password "secret"):   send [base_url [line_id user_id]] }
program send;

{$IFDEF FPC}
  {$MODE DELPHI}
{$ENDIF}
{$APPTYPE CONSOLE}

uses
  {$IFDEF FPC}{$IFDEF UNIX} cwstring, {$ENDIF}{$ENDIF}
  SysUtils, ConnectBridge;

var
  BaseUrl, LineId, UserId: UnicodeString;
  Sender: PCbSender;
  Status: Integer;
begin
  BaseUrl := 'http://127.0.0.1:8080';
  LineId := '5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44';
  UserId := 'df4cca69-ce40-472e-9083-af9b279c72cc';
  if ParamCount >= 1 then BaseUrl := UnicodeString(ParamStr(1));
  if ParamCount >= 3 then
  begin
    LineId := UnicodeString(ParamStr(2));
    UserId := UnicodeString(ParamStr(3));
  end;

  Sender := cb_sender_create;
  try
    cb_set_option_w(Sender, CB_OPT_BASE_URL, PWideChar(BaseUrl));
    cb_set_option_w(Sender, CB_OPT_LOGIN, 'bot');
    cb_set_option_w(Sender, CB_OPT_PASSWORD, 'secret');
    cb_set_keyboard_w(Sender, 'Да|Нет'#10'Позвать оператора', CB_KEYBOARD_ROWS);   { optional }

    Status := cb_send_message_w(Sender, PWideChar(LineId), PWideChar(UserId), 'Здравствуйте! Чем можем помочь?');
    if CbSucceeded(Status) then
      WriteLn('sent: HTTP ', Status)
    else
      WriteLn(ErrOutput, 'not sent: ', Status, ': ', CbLastErrorText(Sender));
  finally
    cb_sender_destroy(Sender);
  end;
  if not CbSucceeded(Status) then
    ExitCode := 1;
end.
