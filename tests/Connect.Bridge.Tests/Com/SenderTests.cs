using System.Reflection;
using System.Runtime.InteropServices;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace Connect.Bridge.Tests.Com;

/// <summary>
/// The COM adapter <see cref="Sender"/> over a substituted <see cref="ILineClient"/>: what reaches the core, what
/// comes back, ThrowOnError, wrong VARIANT types, and the keyboard properties. The real COM path (comhost,
/// regsvr32, IDispatch by name) is proven under Wine by ./build.sh test com.
/// </summary>
public sealed class SenderTests
{
    private const string Line = TestData.LineId;
    private const string User = TestData.UserId;
    private const string Author = "9a1f7c2e-3b4d-4e5f-8a6b-7c8d9e0f1a2b";

    private readonly ILineClient _client = Substitute.For<ILineClient>();
    private readonly List<ConnectClientOptions> _created = [];
    private readonly Sender _sender;

    public SenderTests()
    {
        _client.TrySendMessage(Arg.Any<LineMessage>(), Arg.Any<CancellationToken>()).Returns(new SendOutcome(200, ""));
        _client.TryDropKeyboard(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(new SendOutcome(200, ""));
        _sender = new Sender(options =>
        {
            _created.Add(options);
            return _client;
        });
    }

    private LineMessage SentMessage() =>
        (LineMessage)_client.ReceivedCalls().Single(c => c.GetMethodInfo().Name == nameof(ILineClient.TrySendMessage)).GetArguments()[0]!;

    private void NothingSent() => Assert.Empty(_client.ReceivedCalls());

    private static string WrongTypeText(string parameter, string expected, string actual, ErrorLanguage language = ErrorLanguage.Russian) =>
        BridgeErrors.WrongArgumentType(parameter, expected, actual, language).ErrorText;

    // ---- properties to request ------------------------------------------------------------

    [Fact]
    public void Connection_properties_reach_the_client_options()
    {
        _sender.BaseUrl = "http://127.0.0.1:8080/";
        _sender.Login = "бот";
        _sender.Password = "секрет";
        _sender.TimeoutSeconds = 12;
        _sender.Language = "en";
        _sender.ProxyUrl = "http://127.0.0.1:3128/";
        _sender.ProxyLogin = "proxy-user";
        _sender.ProxyPassword = "proxy-secret";
        _sender.MaxRetries = 0;
        _sender.RetryDelaySeconds = 0.5;
        _sender.AllowInsecureHttp = true;

        Assert.Equal(200, _sender.Send(Line, User, "Привет"));

        var options = Assert.Single(_created);
        Assert.Equal("http://127.0.0.1:8080/", options.BaseUrl);
        Assert.Equal("бот", options.Login);
        Assert.Equal("секрет", options.Password);
        Assert.Equal(TimeSpan.FromSeconds(12), options.Timeout);
        Assert.Equal(ErrorLanguage.English, options.Language);
        Assert.Equal("http://127.0.0.1:3128/", options.ProxyUrl);
        Assert.Equal("proxy-user", options.ProxyLogin);
        Assert.Equal("proxy-secret", options.ProxyPassword);
        Assert.Equal(0, options.MaxRetries);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.RetryDelay);
        Assert.True(options.AllowInsecureHttp);
    }

    [Fact]
    public void Message_properties_reach_the_request()
    {
        _sender.AuthorId = Author;
        _sender.GeneralSettings = true;
        _sender.KeyboardRows = "Да|Нет\nПозвать оператора";

        Assert.Equal(200, _sender.Send(Line, User, "Текст сообщения"));

        var message = SentMessage();
        Assert.Equal(Line, message.LineId);
        Assert.Equal(User, message.UserId);
        Assert.Equal("Текст сообщения", message.Text);
        Assert.Equal(Author, message.AuthorId);
        Assert.True(message.GeneralSettings);
        Assert.Equal(Keyboard.Parse("Да|Нет\nПозвать оператора", KeyboardFormat.Rows), message.Keyboard);
    }

    [Fact]
    public void Empty_author_is_not_sent_and_false_general_settings_is_sent_as_false()
    {
        _sender.AuthorId = Author;
        _sender.AuthorId = "";
        _sender.GeneralSettings = true;
        _sender.GeneralSettings = false;

        _sender.Send(Line, User, "x");

        var message = SentMessage();
        Assert.Null(message.AuthorId);
        Assert.False(message.GeneralSettings); // false is sent as false, as CB_OPT_GENERAL_SETTINGS "0" does
        Assert.Null(message.Keyboard);
        Assert.Equal("", _sender.AuthorId);
        Assert.Equal(false, _sender.GeneralSettings);
    }

    [Fact]
    public void DropKeyboard_passes_the_ids()
    {
        Assert.Equal(200, _sender.DropKeyboard(Line, User));
        _client.Received(1).TryDropKeyboard(Line, User, Arg.Any<CancellationToken>());
    }

    [Theory]
    [InlineData(200, "")]
    [InlineData(401, "HTTP 401: Пользователь не авторизован")]
    [InlineData(-2, "Не удалось подключиться")]
    public void The_core_outcome_comes_back_unchanged(int status, string text)
    {
        _client.TrySendMessage(Arg.Any<LineMessage>(), Arg.Any<CancellationToken>()).Returns(new SendOutcome(status, text));

        Assert.Equal(status, _sender.Send(Line, User, "x"));
        Assert.Equal(status, _sender.LastStatusCode);
        Assert.Equal(text, _sender.LastErrorText);
        Assert.Equal(status == 200, _sender.IsSuccess);
    }

    [Fact]
    public void Arguments_pass_through_untouched_validation_is_the_cores()
    {
        _sender.Send(" not-a-uuid ", "", "  ");

        var message = SentMessage();
        Assert.Equal(" not-a-uuid ", message.LineId);
        Assert.Equal("", message.UserId);
        Assert.Equal("  ", message.Text);
    }

    [Fact]
    public void Readable_settings_read_back()
    {
        Assert.Equal(ConnectClientOptions.DefaultBaseUrl, _sender.BaseUrl);
        Assert.Equal(30, _sender.TimeoutSeconds);
        Assert.Equal(2, _sender.MaxRetries);
        Assert.Equal(0.25, _sender.RetryDelaySeconds);
        Assert.Equal("ru", _sender.Language);
        Assert.Equal(false, _sender.ThrowOnError);

        _sender.BaseUrl = "http://127.0.0.1:1/";
        _sender.Login = "bot";
        _sender.TimeoutSeconds = 7.0; // a whole VT_R8 is accepted
        _sender.MaxRetries = 5;
        _sender.RetryDelaySeconds = 3;
        _sender.Language = "en";
        _sender.AuthorId = Author;
        _sender.ProxyUrl = "http://127.0.0.1:3128/";
        _sender.ProxyLogin = "p";
        _sender.AllowInsecureHttp = true;
        _sender.GeneralSettings = true;

        Assert.Equal("http://127.0.0.1:1/", _sender.BaseUrl);
        Assert.Equal("bot", _sender.Login);
        Assert.Equal(7, _sender.TimeoutSeconds);
        Assert.Equal(5, _sender.MaxRetries);
        Assert.Equal(3, _sender.RetryDelaySeconds);
        Assert.Equal("en", _sender.Language);
        Assert.Equal(Author, _sender.AuthorId);
        Assert.Equal("http://127.0.0.1:3128/", _sender.ProxyUrl);
        Assert.Equal("p", _sender.ProxyLogin);
        Assert.Equal(true, _sender.AllowInsecureHttp);
        Assert.Equal(true, _sender.GeneralSettings);
        Assert.Equal(0, _sender.LastStatusCode);
    }

    [Fact]
    public void Passwords_are_write_only()
    {
        _sender.Password = "секрет";
        _sender.ProxyPassword = "proxy-secret";
        Assert.Equal("", _sender.Password);
        Assert.Equal("", _sender.ProxyPassword);
    }

    [Fact]
    public void Every_value_read_back_is_a_string_int_double_or_bool_and_only_an_omitted_flag_is_empty()
    {
        _sender.KeyboardRows = "A|B";
        foreach (var property in typeof(Sender).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var value = property.GetValue(_sender);
            if (property.Name == nameof(Sender.GeneralSettings)) Assert.Null(value); // omitted until set: VT_EMPTY
            else Assert.True(value is string or int or double or bool, $"{property.Name} read back {value?.GetType().Name ?? "null"}");
        }
        Assert.IsType<int>(_sender.TimeoutSeconds);
        _sender.TimeoutSeconds = 1.5;
        Assert.IsType<double>(_sender.TimeoutSeconds);
        Assert.IsType<double>(_sender.RetryDelaySeconds);
        _sender.RetryDelaySeconds = 1;
        Assert.IsType<int>(_sender.RetryDelaySeconds);
    }

    [Fact]
    public void Version_is_the_library_version()
    {
        Assert.Matches(@"^\d+\.\d+\.\d+", _sender.Version);
        Assert.DoesNotContain("+", _sender.Version, StringComparison.Ordinal);
    }

    // ---- settings the core refuses -------------------------------------------------------

    [Fact]
    public void Refused_settings_are_minus_one_with_the_cores_text_and_keep_the_old_value()
    {
        _sender.Language = "de";
        Assert.Equal(BridgeStatus.InvalidArgument, _sender.LastStatusCode);
        Assert.NotEqual("", _sender.LastErrorText);
        Assert.Equal("ru", _sender.Language);

        _sender.MaxRetries = 2.5;
        Assert.Equal(BridgeStatus.InvalidArgument, _sender.LastStatusCode);
        Assert.Equal(2, _sender.MaxRetries);

        _sender.TimeoutSeconds = -1;
        Assert.Equal(BridgeStatus.InvalidArgument, _sender.LastStatusCode);
        Assert.Equal(30, _sender.TimeoutSeconds);

        _sender.TimeoutSeconds = double.NaN;
        Assert.Equal(BridgeStatus.InvalidArgument, _sender.LastStatusCode);
        Assert.Equal(30, _sender.TimeoutSeconds);

        _sender.TimeoutSeconds = 1e300;
        Assert.Equal(BridgeStatus.InvalidArgument, _sender.LastStatusCode);
        Assert.Equal(30, _sender.TimeoutSeconds);

        _sender.MaxRetries = 1e10;
        Assert.Equal(BridgeStatus.InvalidArgument, _sender.LastStatusCode);
        Assert.Equal(2, _sender.MaxRetries);

        _sender.Language = "en";
        _sender.RetryDelaySeconds = 0.005;
        Assert.Equal(BridgeStatus.InvalidArgument, _sender.LastStatusCode);
        Assert.Equal("Invalid option: the retry delay \"0.005\" must be between 10 ms and 30 s.", _sender.LastErrorText);
        Assert.Equal(0.25, _sender.RetryDelaySeconds);

        _sender.RetryDelaySeconds = 31;
        Assert.Equal(BridgeStatus.InvalidArgument, _sender.LastStatusCode);
        Assert.Equal("Invalid option: the retry delay \"31\" must be between 10 ms and 30 s.", _sender.LastErrorText);
        Assert.Equal(0.25, _sender.RetryDelaySeconds);

        _sender.AuthorId = "автор";
        Assert.Equal(BridgeStatus.InvalidArgument, _sender.LastStatusCode);
        Assert.Equal("", _sender.AuthorId);
    }

    [Fact]
    public void Another_accepted_setting_keeps_reporting_a_standing_refusal_until_it_is_fixed()
    {
        _sender.Language = "de";
        Assert.Equal(BridgeStatus.InvalidArgument, _sender.LastStatusCode);
        _sender.ThrowOnError = false;
        Assert.Equal(BridgeStatus.InvalidArgument, _sender.LastStatusCode);
        Assert.Equal(BridgeStatus.InvalidArgument, _sender.Send(Line, User, "x"));
        NothingSent();
        _sender.Language = "ru";
        Assert.Equal(0, _sender.LastStatusCode);
        Assert.Equal("", _sender.LastErrorText);
        Assert.True(_sender.IsSuccess);
    }

    // ---- wrong VARIANT types ---------------------------------------------------------------

    [Fact]
    public void A_number_where_a_string_is_expected_is_minus_one_and_nothing_is_sent()
    {
        Assert.Equal(BridgeStatus.InvalidArgument, _sender.Send(12345, User, "x"));
        Assert.Equal(WrongTypeText("lineId", "string", "integer"), _sender.LastErrorText);
        Assert.Equal(BridgeStatus.InvalidArgument, _sender.LastStatusCode);
        NothingSent();
    }

    [Fact]
    public void Double_and_bool_arguments_are_named_in_the_text()
    {
        // Empty / Null arguments reach the core as missing values (as a C NULL does) and get its "not set" text there.
        Assert.Equal(-1, _sender.DropKeyboard(1.5, User));
        Assert.Equal(WrongTypeText("lineId", "string", "number"), _sender.LastErrorText);
        Assert.Equal(-1, _sender.DropKeyboard(Line, true));
        Assert.Equal(WrongTypeText("userId", "string", "boolean"), _sender.LastErrorText);
        NothingSent();
    }

    [Fact]
    public void The_wrong_type_text_follows_the_language()
    {
        _sender.Language = "en";
        _sender.Send(Line, 7, "x");
        Assert.Equal(WrongTypeText("userId", "string", "integer", ErrorLanguage.English), _sender.LastErrorText);
    }

    [Theory]
    [InlineData(nameof(Sender.BaseUrl), 5, "string", "integer")]
    [InlineData(nameof(Sender.Password), 1.5, "string", "number")]
    [InlineData(nameof(Sender.Language), true, "string", "boolean")]
    [InlineData(nameof(Sender.AuthorId), 3, "string", "integer")]
    [InlineData(nameof(Sender.ProxyUrl), 3, "string", "integer")]
    [InlineData(nameof(Sender.ProxyLogin), 3, "string", "integer")]
    [InlineData(nameof(Sender.ProxyPassword), 3, "string", "integer")]
    [InlineData(nameof(Sender.KeyboardJson), 3, "string", "integer")]
    [InlineData(nameof(Sender.TimeoutSeconds), true, "number", "boolean")]
    [InlineData(nameof(Sender.MaxRetries), false, "number", "boolean")]
    [InlineData(nameof(Sender.RetryDelaySeconds), true, "number", "boolean")]
    [InlineData(nameof(Sender.LogFile), 3, "string", "integer")]
    public void A_wrong_type_for_a_property_is_minus_one_and_changes_nothing(string property, object? value, string expected, string actual)
    {
        var info = typeof(Sender).GetProperty(property)!;
        var before = info.GetValue(_sender);

        info.SetValue(_sender, value);

        Assert.Equal(BridgeStatus.InvalidArgument, _sender.LastStatusCode);
        Assert.Equal(WrongTypeText(property, expected, actual), _sender.LastErrorText);
        Assert.Equal(before, info.GetValue(_sender));
    }

    [Fact]
    public void AddKeyboardRow_with_a_number_is_minus_one()
    {
        _sender.AddKeyboardRow(42);
        Assert.Equal(BridgeStatus.InvalidArgument, _sender.LastStatusCode);
        Assert.Equal(WrongTypeText("buttons", "string", "integer"), _sender.LastErrorText);
        Assert.Equal("", _sender.KeyboardRows);
    }

    // ---- ThrowOnError ------------------------------------------------------------------------

    [Fact]
    public void ThrowOnError_false_never_throws()
    {
        _client.TrySendMessage(Arg.Any<LineMessage>(), Arg.Any<CancellationToken>()).Returns(new SendOutcome(403, "HTTP 403"));
        Assert.Equal(403, _sender.Send(Line, User, "x"));
        Assert.Equal(-1, _sender.Send(1, User, "x"));
        _sender.Language = "de";
        Assert.Equal(-1, _sender.LastStatusCode);
    }

    [Fact]
    public void ThrowOnError_raises_a_COMException_with_the_error_text_and_still_records_the_outcome()
    {
        const string text = "HTTP 401: Пользователь не авторизован";
        _client.TrySendMessage(Arg.Any<LineMessage>(), Arg.Any<CancellationToken>()).Returns(new SendOutcome(401, text));
        _sender.ThrowOnError = true;

        var ex = Assert.Throws<COMException>(() => _sender.Send(Line, User, "x"));

        Assert.Equal(text, ex.Message);
        Assert.Equal(Sender.ProgIdName, ex.Source);
        Assert.Equal(401, _sender.LastStatusCode);
        Assert.Equal(text, _sender.LastErrorText);
        Assert.False(_sender.IsSuccess);
    }

    [Fact]
    public void ThrowOnError_raises_for_drop_wrong_types_and_refused_settings()
    {
        _client.TryDropKeyboard(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(new SendOutcome(403, "HTTP 403"));
        _sender.ThrowOnError = true;

        Assert.Equal("HTTP 403", Assert.Throws<COMException>(() => _sender.DropKeyboard(Line, User)).Message);
        Assert.Equal(WrongTypeText("lineId", "string", "integer"), Assert.Throws<COMException>(() => _sender.Send(5, User, "x")).Message);
        var refused = Assert.Throws<COMException>(() => _sender.Language = "de");
        Assert.Equal(_sender.LastErrorText, refused.Message);
        Assert.Throws<COMException>(() => _sender.KeyboardJson = "[[");
        Assert.Throws<COMException>(() => _sender.AddKeyboardRow(""));
        Assert.Throws<COMException>(() => _sender.ThrowOnError = "yes");
        Assert.Equal(true, _sender.ThrowOnError);
    }

    [Fact]
    public void ThrowOnError_does_not_raise_on_success()
    {
        _sender.ThrowOnError = true;
        Assert.Equal(200, _sender.Send(Line, User, "x"));
        Assert.Equal(200, _sender.DropKeyboard(Line, User));
        _sender.KeyboardRows = "A";
        _sender.ClearKeyboard();
        Assert.Equal("", _sender.LastErrorText);
    }

    [Fact]
    public void An_exception_from_the_client_is_an_internal_error_not_a_crash()
    {
        _client.TrySendMessage(Arg.Any<LineMessage>(), Arg.Any<CancellationToken>()).Throws(new InvalidOperationException("boom"));
        Assert.Equal(BridgeStatus.InternalError, _sender.Send(Line, User, "x"));
        Assert.NotEqual("", _sender.LastErrorText);
    }

    // ---- keyboard properties -------------------------------------------------------------------

    [Fact]
    public void KeyboardRows_round_trips_and_reads_back_as_json()
    {
        _sender.KeyboardRows = "Да|Нет\r\nПозвать оператора";

        var expected = Keyboard.Parse("Да|Нет\nПозвать оператора", KeyboardFormat.Rows);
        Assert.Equal(0, _sender.LastStatusCode);
        Assert.Equal(expected.ToRows(), _sender.KeyboardRows);
        Assert.Equal(expected.ToJson(), _sender.KeyboardJson);
        Assert.Equal(expected, Keyboard.Parse((string)_sender.KeyboardRows, KeyboardFormat.Rows));
    }

    [Fact]
    public void KeyboardJson_round_trips_with_ids_and_reads_back_as_rows()
    {
        const string json = """[[{"text":"Да","id":"yes"},{"text":"Нет"}],["Позвать оператора"]]""";
        _sender.KeyboardJson = json;

        var expected = Keyboard.Parse(json, KeyboardFormat.Json);
        Assert.Equal(expected.ToJson(), _sender.KeyboardJson);
        Assert.Equal(expected, Keyboard.Parse((string)_sender.KeyboardJson, KeyboardFormat.Json));
        Assert.Equal(expected.ToRows(), _sender.KeyboardRows);

        _sender.KeyboardJson = _sender.KeyboardJson; // what was read back is accepted as is
        Assert.Equal(expected, SendAndGetKeyboard());
    }

    [Fact]
    public void Setting_either_form_replaces_the_keyboard_and_empty_clears_it()
    {
        _sender.KeyboardRows = "A|B";
        _sender.KeyboardJson = """[["C"]]""";
        Assert.Equal(Keyboard.Parse("C", KeyboardFormat.Rows).ToRows(), _sender.KeyboardRows);

        _sender.KeyboardJson = "";
        Assert.Equal("", _sender.KeyboardRows);
        Assert.Equal("", _sender.KeyboardJson);

        _sender.KeyboardRows = "A";
        _sender.KeyboardRows = "";
        Assert.Null(SendAndGetKeyboard());
    }

    [Fact]
    public void AddKeyboardRow_appends_and_ClearKeyboard_empties()
    {
        _sender.KeyboardRows = "Да|Нет";
        _sender.AddKeyboardRow("Ещё|Отмена");
        _sender.AddKeyboardRow(@"Скобка \| труба");

        Assert.Equal(Keyboard.Parse("Да|Нет\nЕщё|Отмена\nСкобка \\| труба", KeyboardFormat.Rows), SendAndGetKeyboard());

        _sender.ClearKeyboard();
        Assert.Equal(0, _sender.LastStatusCode);
        Assert.Equal("", _sender.KeyboardJson);
    }

    [Fact]
    public void An_invalid_keyboard_is_minus_one_and_keeps_the_previous_one()
    {
        _sender.KeyboardRows = "A|B";
        _sender.KeyboardJson = "[[\"A\"";

        Assert.Equal(BridgeStatus.InvalidArgument, _sender.LastStatusCode);
        Assert.NotEqual("", _sender.LastErrorText);
        Assert.Equal(Keyboard.Parse("A|B", KeyboardFormat.Rows).ToRows(), _sender.KeyboardRows);
    }

    private Keyboard? SendAndGetKeyboard()
    {
        _client.ClearReceivedCalls();
        Assert.Equal(200, _sender.Send(Line, User, "x"));
        return SentMessage().Keyboard;
    }

    // ---- the COM registration surface ----------------------------------------------------------

    [Fact]
    public void The_class_is_registered_as_Connect_Bridge_Sender_with_its_fixed_CLSID_and_AutoDispatch()
    {
        var type = typeof(Sender);
        Assert.Equal("Connect.Bridge.Sender", type.FullName);
        Assert.True(type.GetCustomAttribute<ComVisibleAttribute>()!.Value);
        Assert.Equal(new Guid("F7F0E9EF-BE89-4828-A961-7E5BC01435CA"), type.GUID);
        Assert.Equal("Connect.Bridge.Sender", type.GetCustomAttribute<ProgIdAttribute>()!.Value);
        Assert.Equal(ClassInterfaceType.AutoDispatch, type.GetCustomAttribute<ClassInterfaceAttribute>()!.Value);
        Assert.NotNull(type.GetConstructor(Type.EmptyTypes));
    }

    [Fact]
    public void The_COM_surface_is_exactly_the_contract()
    {
        string[] readWrite =
        [
            "BaseUrl", "Login", "Password", "TimeoutSeconds", "Language", "AuthorId", "GeneralSettings", "ProxyUrl",
            "ProxyLogin", "ProxyPassword", "ProxyUseDefaultCredentials", "MaxRetries", "RetryDelaySeconds", "AllowInsecureHttp", "ThrowOnError", "KeyboardJson", "KeyboardRows", "LogFile",
        ];
        string[] readOnly = ["LastStatusCode", "LastErrorText", "IsSuccess", "Version"];
        var properties = typeof(Sender).GetProperties(BindingFlags.Public | BindingFlags.Instance);
        Assert.Equal(readWrite.Concat(readOnly).Order(), properties.Select(p => p.Name).Order());
        foreach (var p in properties)
        {
            Assert.True(p.CanRead, p.Name);
            Assert.Equal(readWrite.Contains(p.Name), p.SetMethod?.IsPublic == true);
        }

        Assert.Equal(typeof(int), typeof(Sender).GetProperty("LastStatusCode")!.PropertyType);
        Assert.Equal(typeof(string), typeof(Sender).GetProperty("LastErrorText")!.PropertyType);
        Assert.Equal(typeof(bool), typeof(Sender).GetProperty("IsSuccess")!.PropertyType);
        Assert.Equal(typeof(string), typeof(Sender).GetProperty("Version")!.PropertyType);

        var methods = typeof(Sender).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName).ToDictionary(m => m.Name);
        Assert.Equal(["AddKeyboardRow", "ClearKeyboard", "DropKeyboard", "Send"], methods.Keys.Order());
        Assert.Equal(typeof(int), methods["Send"].ReturnType);
        Assert.Equal(["lineId", "userId", "text"], methods["Send"].GetParameters().Select(p => p.Name));
        Assert.Equal(typeof(int), methods["DropKeyboard"].ReturnType);
        Assert.Equal(["lineId", "userId"], methods["DropKeyboard"].GetParameters().Select(p => p.Name));
        Assert.Equal(typeof(void), methods["AddKeyboardRow"].ReturnType);
        Assert.Single(methods["AddKeyboardRow"].GetParameters());
        Assert.Empty(methods["ClearKeyboard"].GetParameters());
        // Arguments are VARIANTs so that a wrong type from a script becomes -1, not DISP_E_TYPEMISMATCH.
        Assert.All(methods.Values.SelectMany(m => m.GetParameters()), p => Assert.Equal(typeof(object), p.ParameterType));
    }
}
