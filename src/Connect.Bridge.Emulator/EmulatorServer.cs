using System.Buffers;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Connect.Bridge.Emulator.Page;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Connect.Bridge.Emulator;

/// <summary>
/// A local stand-in for push.1c-connect.com: SendMessageLine and DropKeyboard on 127.0.0.1, with Basic auth,
/// body validation and a record of every accepted call. Thread-safe.
/// </summary>
/// <remarks>
/// Test endpoints (no auth): <c>GET /emulator/messages</c> (accepted calls as JSON),
/// <c>GET /emulator/stats</c> (<c>{"requests":N,"accepted":M}</c>), <c>POST /emulator/reset</c>.
/// The chat page: <c>GET /</c> (what the line's user would see, live), fed by <c>GET /emulator/stream</c>
/// (server-sent events of <see cref="Events"/>), with <c>GET /emulator/events</c> (the same journal as JSON) and
/// <c>POST /emulator/press</c> (a simulated button press).
/// Requests to <c>/</c> and <c>/emulator/*</c> are not counted in <see cref="RequestCount"/>.
/// </remarks>
public sealed class EmulatorServer : IAsyncDisposable
{
    /// <summary>SendMessageLine path (with its trailing slash).</summary>
    public const string SendMessagePath = "/v1/line/send/message/";

    /// <summary>DropKeyboard path (with its trailing slash).</summary>
    public const string DropKeyboardPath = "/v1/line/drop/keyboard/";

    /// <summary>403 text for a line outside <see cref="EmulatorSettings.AllowedLines"/>.</summary>
    public const string ForbiddenLineError = "User is not a subscriber or never been online";

    private readonly WebApplication app;
    private readonly byte[] expectedLogin;
    private readonly byte[] expectedPassword;
    private readonly HashSet<Guid>? allowedLines;
    private readonly Action<RecordedCall>? onRecorded;
    private readonly int maxBodyBytes;
    private readonly Lock gate = new();
    private readonly EventJournal journal = new(() => DateTimeOffset.UtcNow);
    private readonly CancellationTokenSource stopping = new();
    private readonly PageEndpoints page;
    private List<RecordedCall> calls = [];
    private long requestCount;
    private long acceptedCount;
    private int disposed;

    private EmulatorServer(WebApplication app, EmulatorSettings settings, HashSet<Guid>? allowedLines)
    {
        this.app = app;
        expectedLogin = Encoding.UTF8.GetBytes(settings.Login);
        expectedPassword = Encoding.UTF8.GetBytes(settings.Password);
        this.allowedLines = allowedLines;
        onRecorded = settings.OnRecorded;
        maxBodyBytes = settings.MaxBodyBytes;
        page = new PageEndpoints(journal, stopping.Token);
    }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The port actually bound.</summary>
    public int Port { get; private set; }

    /// <summary>A snapshot of the accepted calls, in arrival order.</summary>
    public IReadOnlyList<RecordedCall> Calls
    {
        get
        {
            lock (gate)
            {
                return calls.ToArray();
            }
        }
    }

    /// <summary>
    /// A snapshot of the chat page's journal: accepted calls, rejected requests, simulated presses and clears, in order.
    /// </summary>
    public IReadOnlyList<EmulatorEvent> Events => journal.Events;

    /// <summary>Bytes of the chat page as served: its HTML, style sheet and script together.</summary>
    public long PageSize => page.PageSize;

    /// <summary>Every request that reached the API surface (accepted or rejected, any path outside /emulator/).</summary>
    public long RequestCount => Interlocked.Read(ref requestCount);

    /// <summary>Number of accepted calls since start or the last <see cref="Reset"/>.</summary>
    public long AcceptedCount => Interlocked.Read(ref acceptedCount);

    /// <summary>Starts an emulator on 127.0.0.1:<see cref="EmulatorSettings.Port"/> (0 = any free port).</summary>
    /// <exception cref="ArgumentException">Bad settings.</exception>
    /// <exception cref="IOException">The port could not be bound.</exception>
    public static async Task<EmulatorServer> StartAsync(EmulatorSettings settings, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(settings.Login, "settings.Login");
        ArgumentNullException.ThrowIfNull(settings.Password, "settings.Password");
        if (settings.Port is < 0 or > IPEndPoint.MaxPort)
        {
            // No parameter name: the message is what the CLI prints.
            throw new ArgumentOutOfRangeException(null, string.Create(CultureInfo.InvariantCulture,
                $"the port {settings.Port} is outside 0..{IPEndPoint.MaxPort} (0 picks a free port)."));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(settings.MaxBodyBytes, "settings.MaxBodyBytes");

        HashSet<Guid>? allowed = null;
        if (settings.AllowedLines is { } lines)
        {
            allowed = [];
            foreach (var line in lines)
            {
                if (!RequestValidator.TryParseUuid(line?.Trim(), out var guid))
                {
                    throw new ArgumentException($"the allowed line \"{line}\" is not a UUID (--lines takes comma-separated line ids).");
                }

                allowed.Add(guid);
            }
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(EmulatorServer).Assembly.GetName().Name,
        });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (settings.OnLog is { } onLog)
        {
            builder.Logging.AddProvider(new CallbackLoggerProvider(onLog));
        }

        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            options.Listen(IPAddress.Loopback, settings.Port);
        });

        var app = builder.Build();
        var server = new EmulatorServer(app, settings, allowed);
        app.Run(server.HandleAsync);

        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Port = new Uri(address).Port;
        server.BaseUrl = new Uri($"http://127.0.0.1:{server.Port}/");
        return server;
    }

    /// <summary>Clears the recorded calls, both counters and the page's journal (open pages clear too).</summary>
    public void Reset()
    {
        lock (gate)
        {
            calls = [];
            Interlocked.Exchange(ref requestCount, 0);
            Interlocked.Exchange(ref acceptedCount, 0);
            journal.Clear();
        }
    }

    /// <summary>Stops listening and releases the port.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        // Ends the page's event streams first, so stopping does not wait for browsers to hang up.
        await stopping.CancelAsync().ConfigureAwait(false);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try
            {
                await app.StopAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Connections that did not close in time are aborted by DisposeAsync below.
            }
        }

        await app.DisposeAsync().ConfigureAwait(false);
        stopping.Dispose();
    }

    private static Task RedirectAsync(HttpContext context, string path)
    {
        var location = $"{context.Request.Scheme}://{context.Request.Host}{path}{context.Request.QueryString}";
        var html = Encoding.UTF8.GetBytes(
            "<html>\r\n<head><title>301 Moved Permanently</title></head>\r\n<body>\r\n<center><h1>301 Moved Permanently</h1></center>\r\n</body>\r\n</html>\r\n");
        context.Response.StatusCode = StatusCodes.Status301MovedPermanently;
        context.Response.Headers.Location = location;
        context.Response.ContentType = "text/html";
        context.Response.ContentLength = html.Length;
        return context.Response.Body.WriteAsync(html, 0, html.Length, context.RequestAborted);
    }

    private Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path.StartsWith("/emulator/", StringComparison.Ordinal) || path == "/emulator")
        {
            return HandleControlAsync(context, path.TrimEnd('/'));
        }

        if (PageEndpoints.IsAsset(path))
        {
            return page.ServeAssetAsync(context, path);
        }

        Interlocked.Increment(ref requestCount);
        return path switch
        {
            SendMessagePath => HandleApiAsync(context, isMessage: true),
            DropKeyboardPath => HandleApiAsync(context, isMessage: false),
            "/v1/line/send/message" => RedirectAsync(context, SendMessagePath),
            "/v1/line/drop/keyboard" => RedirectAsync(context, DropKeyboardPath),
            _ => EmulatorResponses.ErrorAsync(context, StatusCodes.Status404NotFound, "Not found"),
        };
    }

    private Task HandleControlAsync(HttpContext context, string path)
    {
        var method = context.Request.Method;
        if (path.StartsWith(PageEndpoints.AssetPrefix, StringComparison.Ordinal) && PageEndpoints.IsAsset(path))
        {
            return page.ServeAssetAsync(context, path);
        }

        switch (path)
        {
            case PageEndpoints.StreamPath:
                return page.StreamAsync(context);
            case PageEndpoints.EventsPath:
                return page.ServeEventsAsync(context);
            case PageEndpoints.PressPath:
                return page.PressAsync(context);
            case "/emulator/messages":
                return HttpMethods.IsGet(method)
                    ? EmulatorResponses.WriteJsonAsync(context, StatusCodes.Status200OK, Calls, EmulatorJsonContext.Output.IReadOnlyListRecordedCall)
                    : EmulatorResponses.MethodNotAllowedAsync(context, "GET");
            case "/emulator/stats":
                return HttpMethods.IsGet(method)
                    ? EmulatorResponses.WriteJsonAsync(context, StatusCodes.Status200OK, new StatsBody(RequestCount, AcceptedCount), EmulatorJsonContext.Output.StatsBody)
                    : EmulatorResponses.MethodNotAllowedAsync(context, "GET");
            case "/emulator/reset":
                if (!HttpMethods.IsPost(method))
                {
                    return EmulatorResponses.MethodNotAllowedAsync(context, "POST");
                }

                Reset();
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentLength = 0;
                return Task.CompletedTask;
            default:
                return EmulatorResponses.ErrorAsync(context, StatusCodes.Status404NotFound, "Not found");
        }
    }

    private async Task HandleApiAsync(HttpContext context, bool isMessage)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            journal.AddRejected(request.Path.Value ?? "/", StatusCodes.Status405MethodNotAllowed, "Method not allowed");
            await EmulatorResponses.MethodNotAllowedAsync(context, "POST").ConfigureAwait(false);
            return;
        }

        var authError = CheckAuthorization(request, out var scheme);
        if (authError is not null)
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"1C-Connect\", charset=\"UTF-8\"";
            await RejectAsync(context, StatusCodes.Status401Unauthorized, authError).ConfigureAwait(false);
            return;
        }

        var contentType = request.ContentType;
        var error = RequestValidator.CheckContentType(contentType);
        if (error is not null)
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
            return;
        }

        var body = await ReadBodyAsync(request, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            await RejectAsync(context, StatusCodes.Status413PayloadTooLarge, "Request body too large").ConfigureAwait(false);
            return;
        }

        error = RequestValidator.DecodeBody(body, out var raw);
        ParsedBody? parsed = null;
        error ??= RequestValidator.Parse(body, isMessage, out parsed);
        if (error is not null)
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
            return;
        }

        if (allowedLines is not null && !allowedLines.Contains(parsed!.Line))
        {
            await RejectAsync(context, StatusCodes.Status403Forbidden, ForbiddenLineError).ConfigureAwait(false);
            return;
        }

        var accept = request.Headers.Accept;
        var call = new RecordedCall(
            isMessage ? RecordedCall.MessageKind : RecordedCall.DropKeyboardKind,
            parsed!.LineId,
            parsed.UserId,
            parsed.AuthorId,
            parsed.GeneralSettings,
            parsed.Text,
            parsed.Keyboard,
            raw,
            contentType,
            accept.Count == 0 ? null : accept.ToString(),
            scheme,
            DateTimeOffset.UtcNow);
        Record(call, parsed);

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentLength = 0;
    }

    private void Record(RecordedCall call, ParsedBody parsed)
    {
        var conversation = EventJournal.ConversationOf(parsed.Line, parsed.UserId);
        lock (gate)
        {
            calls.Add(call);
            Interlocked.Increment(ref acceptedCount);
            _ = call.Kind == RecordedCall.MessageKind ? journal.AddMessage(call, conversation) : journal.AddDrop(call, conversation);
        }

        if (onRecorded is { } callback)
        {
            try
            {
                callback(call);
            }
            catch (Exception)
            {
                // The callback is an observer; it must not change what the client sees.
            }
        }
    }

    /// <summary>Answers an API request with an error and puts it in the page's log of rejected requests.</summary>
    private Task RejectAsync(HttpContext context, int status, string error)
    {
        // Only the path, status and reason: nothing from the Authorization header ever reaches the journal.
        journal.AddRejected(context.Request.Path.Value ?? "/", status, error);
        return EmulatorResponses.ErrorAsync(context, status, error);
    }

    /// <summary>Reads the whole body; null when it exceeds the limit.</summary>
    private async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength is { } length)
        {
            if (length > maxBodyBytes)
            {
                return null;
            }

            var exact = new byte[length];
            await request.Body.ReadExactlyAsync(exact, ct).ConfigureAwait(false);
            return exact;
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var read = await request.Body.ReadAsync(memory, ct).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > maxBodyBytes)
            {
                return null;
            }
        }
    }

    /// <summary>Checks Basic auth; returns the error text or null. <paramref name="scheme"/> is the scheme as sent.</summary>
    private string? CheckAuthorization(HttpRequest request, out string? scheme)
    {
        scheme = null;
        var headers = request.Headers.Authorization;
        if (headers.Count == 0 || string.IsNullOrWhiteSpace(headers[0]))
        {
            return "Authorization header is missing";
        }

        if (headers.Count > 1)
        {
            return "Authorization header must be sent once";
        }

        var value = headers[0]!.Trim();
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        scheme = space < 0 ? value : value[..space];
        if (!string.Equals(scheme, "Basic", StringComparison.OrdinalIgnoreCase) || space < 0)
        {
            return "Authorization must use the Basic scheme";
        }

        byte[] decoded;
        try
        {
            decoded = Convert.FromBase64String(value[(space + 1)..].Trim());
        }
        catch (FormatException)
        {
            return "Authorization header is not valid Base64";
        }

        var colon = Array.IndexOf(decoded, (byte)':');
        if (colon < 0)
        {
            return "Authorization credentials must be login:password";
        }

        var loginOk = CryptographicOperations.FixedTimeEquals(decoded.AsSpan(0, colon), expectedLogin);
        var passwordOk = CryptographicOperations.FixedTimeEquals(decoded.AsSpan(colon + 1), expectedPassword);
        return loginOk && passwordOk ? null : "Invalid login or password";
    }
}
