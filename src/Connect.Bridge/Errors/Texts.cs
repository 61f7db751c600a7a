using System.Globalization;

namespace Connect.Bridge;

/// <summary>Every user-facing text of the library, in Russian and English. Adapters never word errors themselves.</summary>
internal static class Texts
{
    private static string T(ErrorLanguage l, string ru, string en) => l == ErrorLanguage.English ? en : ru;
    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);

    // A host or proxy taken from the options, or a text from outside (an OS or TLS message): an echo, so it is marked as
    // a fragment and scrubbed; the library's own wording around it never is (see SecretScrubber).
    private static string Q(string echo) => SecretScrubber.Fragment(echo);

    // ---- arguments --------------------------------------------------------------------------
    public static string Missing(string field, ErrorLanguage l) =>
        T(l, $"Неверный аргумент: не задано значение {field}.", $"Invalid argument: {field} is not set.");

    public static string NotUuid(string field, string value, ErrorLanguage l) =>
        T(l, $"Неверный аргумент: {field} «{TextRules.Echo(value)}» не является UUID (ожидается вид 5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44).",
             $"Invalid argument: {field} \"{TextRules.Echo(value)}\" is not a UUID (expected like 5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44).");

    public static string EmptyText(ErrorLanguage l) =>
        T(l, "Неверный аргумент: текст сообщения пуст.", "Invalid argument: the message text is empty.");

    public static string TextTooLong(int length, ErrorLanguage l) =>
        T(l, $"Неверный аргумент: текст сообщения длиной {N(length)} символов превышает предел {N(Limits.MaxTextLength)}.",
             $"Invalid argument: the message text of {N(length)} characters exceeds the limit of {N(Limits.MaxTextLength)}.");

    public static string TextInvalidUnicode(string field, ErrorLanguage l) =>
        T(l, $"Неверный аргумент: {field} содержит недопустимый символ Юникода (одиночный суррогат).",
             $"Invalid argument: {field} contains an invalid Unicode character (a lone surrogate).");

    public static string TextHasNul(string field, ErrorLanguage l) =>
        T(l, $"Неверный аргумент: {field} содержит нулевой символ (NUL).", $"Invalid argument: {field} contains a NUL character.");

    public static string InvalidEncoding(string parameter, ErrorLanguage l) =>
        T(l, $"Неверный аргумент: {parameter} не является корректной строкой в кодировке UTF-8/UTF-16.",
             $"Invalid argument: {parameter} is not a well-formed UTF-8/UTF-16 string.");

    public static string NullArgument(string parameter, ErrorLanguage l) =>
        T(l, $"Неверный аргумент: {parameter} равен NULL.", $"Invalid argument: {parameter} is NULL.");

    public static string NullHandle(ErrorLanguage l) =>
        T(l, "Неверный аргумент: дескриптор отправителя равен NULL или уже освобождён.", "Invalid argument: the sender handle is NULL or already destroyed.");

    public static string WrongArgumentType(string parameter, string expected, string actual, ErrorLanguage l) =>
        T(l, $"Неверный аргумент: {parameter} должен быть типа {RuType(expected)}, передано: {RuType(actual)}.",
             $"Invalid argument: {parameter} must be a {expected}, got {EnType(actual)}.");

    private static string RuType(string t) => t switch
    {
        "string" => "Строка",
        "number" or "integer" => "Число",
        "boolean" => "Булево",
        "empty" => "Неопределено",
        "null" => "Null",
        _ => Q(t),
    };

    // A kind the library names itself, or a type name the host gave (an echo).
    private static string EnType(string t) => t is "string" or "number" or "integer" or "boolean" or "empty" or "null" ? t : Q(t);

    public static string UnknownOption(int option, ErrorLanguage l) =>
        T(l, $"Неверный аргумент: неизвестный номер параметра {N(option)}.", $"Invalid argument: unknown option id {N(option)}.");

    public static string UnknownKeyboardFormat(string format, ErrorLanguage l) =>
        T(l, $"Неверный аргумент: неизвестный формат клавиатуры {TextRules.Echo(format)} (0 — авто, 1 — JSON, 2 — строки).",
             $"Invalid argument: unknown keyboard format {TextRules.Echo(format)} (0 auto, 1 JSON, 2 rows).");

    public static string InvalidBufferSize(ErrorLanguage l) =>
        T(l, "Неверный аргумент: размер буфера отрицателен.", "Invalid argument: the buffer size is negative.");

    // ---- options ----------------------------------------------------------------------------
    public static string MissingOption(string field, ErrorLanguage l) =>
        T(l, $"Неверный параметр: не задано значение {field}.", $"Invalid option: {field} is not set.");

    public static string LoginMissing(ErrorLanguage l) =>
        T(l, "Неверный параметр: не задан логин (Login).", "Invalid option: the login is not set.");

    public static string LoginHasColon(ErrorLanguage l) =>
        T(l, "Неверный параметр: логин не может содержать двоеточие (так устроена HTTP Basic-авторизация).",
             "Invalid option: the login cannot contain a colon (HTTP Basic authentication).");

    public static string ControlChars(string field, ErrorLanguage l) =>
        T(l, $"Неверный параметр: {field} содержит управляющие символы (перевод строки и т. п.).",
             $"Invalid option: {field} contains control characters (line breaks etc.).");

    public static string BadUrl(string field, string value, ErrorLanguage l) =>
        T(l, $"Неверный параметр: {field} «{TextRules.EchoUrl(value, 80)}» не является абсолютным адресом http(s)://.",
             $"Invalid option: {field} \"{TextRules.EchoUrl(value, 80)}\" is not an absolute http(s):// URL.");

    public static string BadScheme(string field, string scheme, ErrorLanguage l) =>
        T(l, $"Неверный параметр: {field} использует схему «{TextRules.Echo(scheme)}»; допустимы https и (для локальных адресов) http.",
             $"Invalid option: {field} uses the scheme \"{TextRules.Echo(scheme)}\"; only https (and http for loopback) is allowed.");

    public static string InsecureHttp(string host, ErrorLanguage l) =>
        T(l, $"Неверный параметр: http без шифрования разрешён только для локального адреса, а не для «{TextRules.Echo(host)}»; используйте https или включите AllowInsecureHttp.",
             $"Invalid option: plain http is allowed only for loopback hosts, not \"{TextRules.Echo(host)}\"; use https or set AllowInsecureHttp.");

    public static string UrlHasCredentials(string field, ErrorLanguage l) =>
        T(l, $"Неверный параметр: {field} не должен содержать логин и пароль; задайте их отдельными параметрами.",
             $"Invalid option: {field} must not contain user info; set the login and password as separate options.");

    public static string UrlHasSecret(string field, string secretField, ErrorLanguage l) =>
        T(l, $"Неверный параметр: {field} не должен содержать пароль ({secretField}): он попал бы в журналы и в телеметрию HTTP-клиента (url.full); задайте пароль только отдельным параметром.",
             $"Invalid option: {field} must not contain the password ({secretField}): it would show in logs and in the HTTP client's telemetry (url.full); set the password only as its own option.");

    public static string BadTimeout(string value, ErrorLanguage l) =>
        T(l, $"Неверный параметр: тайм-аут «{TextRules.Echo(value)}» должен быть от 1 мс до 1 часа.",
             $"Invalid option: the timeout \"{TextRules.Echo(value)}\" must be between 1 ms and 1 hour.");

    public static string BadRetries(string value, ErrorLanguage l) =>
        T(l, $"Неверный параметр: число повторов «{TextRules.Echo(value)}» должно быть от 0 до {N(Limits.MaxRetries)}.",
             $"Invalid option: the retry count \"{TextRules.Echo(value)}\" must be between 0 and {N(Limits.MaxRetries)}.");

    public static string BadRetryDelay(string value, ErrorLanguage l) =>
        T(l, $"Неверный параметр: задержка повтора «{TextRules.Echo(value)}» должна быть от {N(Limits.MinRetryDelayMs)} мс до {N(Limits.MaxRetryDelayMs / 1000)} с.",
             $"Invalid option: the retry delay \"{TextRules.Echo(value)}\" must be between {N(Limits.MinRetryDelayMs)} ms and {N(Limits.MaxRetryDelayMs / 1000)} s.");

    public static string UrlHasQuery(string field, ErrorLanguage l) =>
        T(l, $"Неверный параметр: {field} не должен содержать запрос (?…) или фрагмент (#…): они были бы отброшены.",
             $"Invalid option: {field} must not contain a query (?…) or a fragment (#…): they would be dropped.");

    public static string PortZero(string field, ErrorLanguage l) =>
        T(l, $"Неверный параметр: {field} указывает порт 0, к нему нельзя подключиться.",
             $"Invalid option: {field} names port 0, which cannot be connected to.");

    public static string OptionTooLong(string field, int max, ErrorLanguage l) =>
        T(l, $"Неверный параметр: {field} длиннее {N(max)} символов.", $"Invalid option: {field} is longer than {N(max)} characters.");

    public static string BadLogFile(string path, string cause, ErrorLanguage l) =>
        T(l, $"Неверный параметр: файл журнала «{TextRules.Echo(path, 200)}» нельзя открыть для дописывания ({cause}).",
             $"Invalid option: the log file \"{TextRules.Echo(path, 200)}\" cannot be opened for appending ({cause}).");

    public static string LogFileNotRegular(string path, string kind, ErrorLanguage l) =>
        T(l, $"Неверный параметр: файл журнала «{TextRules.Echo(path, 200)}» — не обычный файл ({kind}); укажите обычный файл: запись в другое может остановить программу.",
             $"Invalid option: the log file \"{TextRules.Echo(path, 200)}\" is not a regular file ({kind}); name an ordinary file: writing to anything else can block the program.");

    public static string KindDirectory(ErrorLanguage l) => T(l, "это каталог", "a directory");
    public static string KindFifo(ErrorLanguage l) => T(l, "это именованный канал FIFO", "a FIFO, a named pipe");
    public static string KindCharacterDevice(ErrorLanguage l) => T(l, "это символьное устройство", "a character device");
    public static string KindBlockDevice(ErrorLanguage l) => T(l, "это блочное устройство", "a block device");
    public static string KindSocket(ErrorLanguage l) => T(l, "это сокет", "a socket");
    public static string KindDeviceOrPipe(ErrorLanguage l) => T(l, "это устройство или канал", "a device or a pipe");

    /// <summary>The line a log file gets when writing works again after lines were dropped (log lines are English, as <c>Transport/Log.cs</c>).</summary>
    public static string LogLinesDropped(long count) =>
        string.Create(CultureInfo.InvariantCulture, $"Connect.Bridge: {count} log line(s) before this one could not be written to this file and were dropped.");

    public static string BadLanguage(string value, ErrorLanguage l) =>
        T(l, $"Неверный параметр: язык «{TextRules.Echo(value)}» не поддерживается; допустимы ru и en.",
             $"Invalid option: the language \"{TextRules.Echo(value)}\" is not supported; use ru or en.");

    public static string BadBoolean(string field, string value, ErrorLanguage l) =>
        T(l, $"Неверный параметр: {field} «{TextRules.Echo(value)}» должен быть 1 или 0.",
             $"Invalid option: {field} \"{TextRules.Echo(value)}\" must be 1 or 0.");

    // ---- keyboard ---------------------------------------------------------------------------
    public static string Keyboard(KeyboardError e, ErrorLanguage l)
    {
        string where = Where(e, l);
        string what = e.Kind switch
        {
            KeyboardErrorKind.JsonSyntax => T(l, "синтаксическая ошибка JSON", "JSON syntax error"),
            KeyboardErrorKind.NotArray => T(l, "JSON-клавиатура должна быть массивом строк [[...],[...]]", "a JSON keyboard must be an array of rows [[...],[...]]"),
            KeyboardErrorKind.NoRows => T(l, "в клавиатуре нет ни одной кнопки", "the keyboard has no buttons"),
            KeyboardErrorKind.RowNotArray => T(l, "строка клавиатуры должна быть массивом кнопок", "a keyboard row must be an array of buttons"),
            KeyboardErrorKind.EmptyRow => T(l, "строка клавиатуры пуста", "the keyboard row is empty"),
            KeyboardErrorKind.SeparatorsOnly => T(l, "строка состоит только из разделителей «|»", "the row holds only '|' separators"),
            KeyboardErrorKind.ButtonWrongType => T(l, "кнопка должна быть строкой или объектом {\"text\":...}", "a button must be a string or an object {\"text\":...}"),
            KeyboardErrorKind.TextNotString => T(l, "поле text кнопки должно быть строкой", "the button's text must be a string"),
            KeyboardErrorKind.IdNotString => T(l, "поле id кнопки должно быть строкой", "the button's id must be a string"),
            KeyboardErrorKind.UnknownProperty => T(l, $"неизвестное поле кнопки «{Q(e.Detail ?? "")}» (допустимы text и id)", $"unknown button field \"{Q(e.Detail ?? "")}\" (text and id are allowed)"),
            KeyboardErrorKind.EmptyButtonText => T(l, "пустой текст кнопки", "empty button text"),
            KeyboardErrorKind.InvalidUnicode => T(l, "недопустимый символ Юникода (одиночный суррогат)", "invalid Unicode character (a lone surrogate)"),
            KeyboardErrorKind.NulCharacter => T(l, "текст кнопки содержит нулевой символ (NUL)", "the button text contains a NUL character"),
            KeyboardErrorKind.TooManyRows => T(l, $"больше {N(Limits.MaxKeyboardRows)} строк", $"more than {N(Limits.MaxKeyboardRows)} rows"),
            KeyboardErrorKind.TooManyButtons => T(l, $"больше {N(Limits.MaxButtonsPerRow)} кнопок в строке", $"more than {N(Limits.MaxButtonsPerRow)} buttons in a row"),
            KeyboardErrorKind.ButtonTextTooLong => T(l, $"текст кнопки длиннее {N(Limits.MaxButtonTextLength)} символов", $"button text longer than {N(Limits.MaxButtonTextLength)} characters"),
            KeyboardErrorKind.ButtonIdTooLong => T(l, $"id кнопки длиннее {N(Limits.MaxButtonIdLength)} символов", $"button id longer than {N(Limits.MaxButtonIdLength)} characters"),
            KeyboardErrorKind.InputTooLong => T(l, $"текст клавиатуры длиннее {e.Detail} символов", $"the keyboard text is longer than {e.Detail} characters"),
            _ => e.Kind.ToString(),
        };
        return T(l, $"Неверная клавиатура{where}: {what}.", $"Invalid keyboard{where}: {what}.");
    }

    private static string Where(KeyboardError e, ErrorLanguage l)
    {
        if (e.Row > 0 && e.Button > 0) return T(l, $" (строка {N(e.Row)}, кнопка {N(e.Button)})", $" (row {N(e.Row)}, button {N(e.Button)})");
        if (e.Row > 0) return T(l, $" (строка {N(e.Row)})", $" (row {N(e.Row)})");
        if (e.Position > 0) return T(l, $" (позиция {N(e.Position)})", $" (position {N(e.Position)})");
        return "";
    }

    // ---- transport --------------------------------------------------------------------------
    public static string ConnectionFailed(string host, string cause, ErrorLanguage l) =>
        T(l, $"Не удалось подключиться к {Q(host)}: {cause}. Сообщение не доставлено.",
             $"Could not connect to {Q(host)}: {cause}. The message was not delivered.");

    public static string ConnectionLost(string host, string cause, ErrorLanguage l) =>
        T(l, $"Соединение с {Q(host)} прервано до получения ответа: {cause}. Доставка неизвестна.",
             $"The connection to {Q(host)} broke before an answer: {cause}. Delivery is unknown.");

    public static string ProxyConnectionFailed(string proxy, string cause, ErrorLanguage l) =>
        T(l, $"Не удалось подключиться к прокси-серверу {Q(proxy)}: {cause}. Сообщение не доставлено.",
             $"Could not connect to the proxy {Q(proxy)}: {cause}. The message was not delivered.");

    public static string ProxyConnectionLost(string proxy, string host, string cause, ErrorLanguage l) =>
        T(l, $"Соединение с прокси-сервером {Q(proxy)} прервано до получения ответа (по пути к {Q(host)}): {cause}. Доставка неизвестна.",
             $"The connection to the proxy {Q(proxy)} broke before an answer (on the way to {Q(host)}): {cause}. Delivery is unknown.");

    public static string ProxyTunnelFailed(string proxy, string host, ErrorLanguage l) =>
        T(l, $"Прокси-сервер {Q(proxy)} не открыл соединение с {Q(host)}. Сообщение не доставлено.",
             $"The proxy {Q(proxy)} did not open a connection to {Q(host)}. The message was not delivered.");

    public static string ProxyAuthRequired(string proxy, ErrorLanguage l) =>
        T(l, $"Прокси-сервер {Q(proxy)} требует авторизации (HTTP 407): проверьте ProxyLogin и ProxyPassword. Сообщение не доставлено.",
             $"The proxy {Q(proxy)} requires authentication (HTTP 407): check ProxyLogin and ProxyPassword. The message was not delivered.");

    public static string HeadersTooLarge(string host, ErrorLanguage l) =>
        T(l, $"Сервер {Q(host)} ответил, но заголовки ответа длиннее предела клиента ({N(Limits.MaxResponseHeadersKiB)} КиБ); код ответа неизвестен. Доставка неизвестна.",
             $"The server {Q(host)} answered, but the response headers exceed the client's limit ({N(Limits.MaxResponseHeadersKiB)} KiB); the status is unknown. Delivery is unknown.");

    public static string StatusOutOfRange(string host, int status, ErrorLanguage l) =>
        T(l, $"Ответ сервера {Q(host)} нарушает протокол HTTP: код {N(status)} вне диапазона 100–599. Доставка неизвестна.",
             $"The answer of {Q(host)} breaks the HTTP protocol: status {N(status)} is outside 100..599. Delivery is unknown.");

    public static string TlsHandshake(string host, ErrorLanguage l) =>
        T(l, $"Ошибка TLS при подключении к {Q(host)}: рукопожатие TLS не состоялось (сервер не говорит по TLS — возможно, это http — или прервал рукопожатие). Сообщение не доставлено.",
             $"TLS failure connecting to {Q(host)}: the TLS handshake failed (the server does not speak TLS, perhaps it is plain http, or it broke the handshake). The message was not delivered.");

    public static string Timeout(TimeSpan timeout, ErrorLanguage l) =>
        T(l, $"Нет ответа сервера за {Seconds(timeout)} с (тайм-аут). Доставка неизвестна.",
             $"No answer from the server within {Seconds(timeout)} s (timeout). Delivery is unknown.");

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    public static string Tls(string host, string cause, ErrorLanguage l) =>
        T(l, $"Ошибка TLS/сертификата при подключении к {Q(host)}: {cause}. Сообщение не доставлено.",
             $"TLS/certificate failure connecting to {Q(host)}: {cause}. The message was not delivered.");

    public static string Internal(string cause, ErrorLanguage l) =>
        T(l, $"Внутренняя ошибка Connect.Bridge: {cause}.", $"Connect.Bridge internal error: {cause}.");

    public static string UsedAfterFork(ErrorLanguage l) =>
        T(l, "Неверное использование: библиотека уже работала в родительском процессе до fork(); пользуйтесь ею только в загрузившем её процессе, а в дочернем сначала выполните exec. Ничего не отправлено.",
             "Invalid use: the library was already in use in the parent process before fork(); use it only in the process that loaded it, and in a child process exec first. Nothing was sent.");

    public static string Redirect(int status, string? location, ErrorLanguage l) =>
        T(l, $"HTTP {N(status)}: сервер перенаправляет запрос на «{TextRules.EchoUrl(location ?? "?", 200)}»; перенаправления не выполняются — проверьте BaseUrl.",
             $"HTTP {N(status)}: the server redirects to \"{TextRules.EchoUrl(location ?? "?", 200)}\"; redirects are not followed, check BaseUrl.");

    public static string HttpError(int status, string? serverError, ErrorLanguage l)
    {
        string meaning = status switch
        {
            400 => T(l, "запрос содержит ошибку", "the request contains an error"),
            401 => T(l, "пользователь не авторизован (проверьте логин и пароль)", "the user is not authorised (check the login and password)"),
            403 => T(l, "недостаточно прав", "insufficient rights"),
            404 => T(l, "адрес не найден (проверьте BaseUrl)", "not found (check BaseUrl)"),
            413 => T(l, "запрос слишком велик", "the request is too large"),
            429 => T(l, "слишком много запросов, повторите позже", "too many requests, try again later"),
            >= 500 => T(l, "ошибка на стороне сервера", "server error"),
            _ => T(l, "сервер отклонил запрос", "the server rejected the request"),
        };
        string quoted = string.IsNullOrWhiteSpace(serverError) ? "" : SecretScrubber.Fragment(serverError);
        string server = quoted.Length == 0 ? "" : T(l, $" Ответ сервера: «{quoted}».", $" Server says: \"{quoted}\".");
        return $"HTTP {N(status)}: {meaning}.{server}";
    }

    // ---- generic meaning of a status (cb_status_text) ----------------------------------------
    public static string StatusMeaning(int status, ErrorLanguage l) => status switch
    {
        0 => T(l, "Успешно: параметр принят.", "Success: the setting was accepted."),
        BridgeStatus.InvalidArgument => T(l, "Неверный аргумент или параметр; ничего не отправлено.", "Invalid argument or option; nothing was sent."),
        BridgeStatus.ConnectionFailed => T(l, "Ошибка соединения: не удалось подключиться к серверу или соединение прервано до ответа.",
                                              "Connection failure: could not connect to the server, or the connection broke before an answer."),
        BridgeStatus.Timeout => T(l, "Нет ответа сервера за отведённое время (тайм-аут). Доставка неизвестна.",
                                     "No answer from the server in time (timeout). Delivery is unknown."),
        BridgeStatus.TlsFailure => T(l, "Ошибка TLS/сертификата. Сообщение не доставлено.", "TLS/certificate failure. The message was not delivered."),
        BridgeStatus.InternalError => T(l, "Внутренняя ошибка Connect.Bridge.", "Connect.Bridge internal error."),
        < 0 => T(l, $"Код {N(status)} не является кодом состояния Connect.Bridge.", $"{N(status)} is not a Connect.Bridge status code."),
        >= 200 and <= 299 => T(l, $"HTTP {N(status)}: успешно.", $"HTTP {N(status)}: success."),
        >= 100 and <= 599 => HttpError(status, null, l),
        _ => T(l, $"HTTP {N(status)}: сервер отклонил запрос.", $"HTTP {N(status)}: the server rejected the request."),
    };

    // ---- causes for local failures ----------------------------------------------------------
    public static string CauseRefused(ErrorLanguage l) => T(l, "соединение отклонено", "connection refused");
    public static string CauseDns(ErrorLanguage l) => T(l, "имя хоста не найдено (DNS)", "host name not found (DNS)");
    public static string CauseProxy(ErrorLanguage l) => T(l, "ошибка прокси-сервера", "proxy failure");
    public static string CauseUnreachable(ErrorLanguage l) => T(l, "хост недоступен", "host unreachable");
    public static string CauseReset(ErrorLanguage l) => T(l, "соединение сброшено сервером", "connection reset by the server");
    public static string CauseProxyReset(ErrorLanguage l) => T(l, "соединение сброшено прокси-сервером", "connection reset by the proxy");
    public static string CauseNotHttp(ErrorLanguage l) => T(l, "ответ сервера не является HTTP", "the server's answer is not HTTP");
    public static string CauseCertificate(ErrorLanguage l) => T(l, "сертификат сервера не прошёл проверку", "the server certificate failed validation");
}
