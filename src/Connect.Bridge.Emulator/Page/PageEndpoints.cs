using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Connect.Bridge.Emulator.Page;

/// <summary>
/// The chat page: its embedded assets, the server-sent event stream it listens to, the JSON journal and the simulated
/// button press. Everything is served from the assembly, so the page works offline.
/// </summary>
internal sealed class PageEndpoints
{
    public const string StreamPath = "/emulator/stream";
    public const string EventsPath = "/emulator/events";
    public const string PressPath = "/emulator/press";
    public const string AssetPrefix = "/emulator/page/";

    // Only same-origin scripts and styles: even if a message's text ended up as markup, it could not run.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);
    private static readonly byte[] KeepAlive = ": keep-alive\n\n"u8.ToArray();

    private static readonly Dictionary<string, (string Resource, string ContentType)> Assets = new(StringComparer.Ordinal)
    {
        ["/"] = ("index.html", "text/html; charset=utf-8"),
        [AssetPrefix + "app.js"] = ("app.js", "text/javascript; charset=utf-8"),
        [AssetPrefix + "app.css"] = ("app.css", "text/css; charset=utf-8"),
    };

    private readonly EventJournal journal;
    private readonly CancellationToken stopping;
    private readonly Dictionary<string, byte[]> assetBytes = new(StringComparer.Ordinal);

    public PageEndpoints(EventJournal journal, CancellationToken stopping)
    {
        this.journal = journal;
        this.stopping = stopping;
        var assembly = typeof(PageEndpoints).Assembly;
        foreach (var (path, (resource, _)) in Assets)
        {
            using var stream = assembly.GetManifestResourceStream("page/" + resource)
                ?? throw new InvalidOperationException($"Embedded page asset '{resource}' is missing.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            assetBytes[path] = copy.ToArray();
        }
    }

    /// <summary>Total bytes of the page's assets (HTML, CSS, script), as served.</summary>
    public long PageSize => assetBytes.Values.Sum(bytes => (long)bytes.Length);

    public static bool IsAsset(string path) => Assets.ContainsKey(path);

    public Task ServeAssetAsync(HttpContext context, string path)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            return EmulatorResponses.MethodNotAllowedAsync(context, "GET");
        }

        var bytes = assetBytes[path];
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = Assets[path].ContentType;
        response.ContentLength = bytes.Length;
        response.Headers.CacheControl = "no-cache";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers["Referrer-Policy"] = "no-referrer";
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(bytes, 0, bytes.Length, context.RequestAborted);
    }

    public Task ServeEventsAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            return EmulatorResponses.MethodNotAllowedAsync(context, "GET");
        }

        return EmulatorResponses.WriteJsonAsync(context, StatusCodes.Status200OK, journal.Events, EmulatorJsonContext.Events.IReadOnlyListEmulatorEvent);
    }

    /// <summary>
    /// Server-sent events: the journal from the browser's Last-Event-ID on, then each new event as it is added. Ends
    /// when the browser goes away or the emulator stops.
    /// </summary>
    public async Task StreamAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            await EmulatorResponses.MethodNotAllowedAsync(context, "GET").ConfigureAwait(false);
            return;
        }

        long lastSeq = long.TryParse(context.Request.Headers["Last-Event-ID"].ToString(), out var resumeFrom) && resumeFrom > 0 ? resumeFrom : 0;
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers.XContentTypeOptions = "nosniff";

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var ct = linked.Token;
        try
        {
            await response.Body.WriteAsync("retry: 1000\n\n"u8.ToArray(), ct).ConfigureAwait(false);
            await response.Body.FlushAsync(ct).ConfigureAwait(false);
            while (!ct.IsCancellationRequested)
            {
                var (events, changed) = journal.Snapshot(lastSeq);
                if (events.Count > 0)
                {
                    var frame = Frame(events);
                    await response.Body.WriteAsync(frame, ct).ConfigureAwait(false);
                    await response.Body.FlushAsync(ct).ConfigureAwait(false);
                    lastSeq = events[^1].Seq;
                }

                var woke = await Task.WhenAny(changed, Task.Delay(KeepAliveInterval, ct)).ConfigureAwait(false);
                if (woke != changed && !ct.IsCancellationRequested)
                {
                    await response.Body.WriteAsync(KeepAlive, ct).ConfigureAwait(false);
                    await response.Body.FlushAsync(ct).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The browser left or the emulator is stopping: the stream simply ends.
        }
        catch (IOException)
        {
            // The connection broke mid-write; nothing to report to a client that is gone.
        }
    }

    /// <summary>POST {"seq":N,"row":R,"column":C}: "the user pressed this button", a local simulation.</summary>
    public async Task PressAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            await EmulatorResponses.MethodNotAllowedAsync(context, "POST").ConfigureAwait(false);
            return;
        }

        PressRequest? press;
        try
        {
            press = await JsonSerializer.DeserializeAsync(context.Request.Body, EmulatorJsonContext.Output.PressRequest, context.RequestAborted)
                .ConfigureAwait(false);
        }
        catch (JsonException)
        {
            press = null;
        }

        if (press is null)
        {
            await EmulatorResponses.ErrorAsync(context, StatusCodes.Status400BadRequest, "Body must be {\"seq\":N,\"row\":R,\"column\":C}")
                .ConfigureAwait(false);
            return;
        }

        var entry = journal.AddPress(press.Seq, press.Row, press.Column, out var error);
        if (entry is null)
        {
            await EmulatorResponses.ErrorAsync(context, StatusCodes.Status409Conflict, error!).ConfigureAwait(false);
            return;
        }

        await EmulatorResponses.WriteJsonAsync(context, StatusCodes.Status200OK, entry, EmulatorJsonContext.Events.EmulatorEvent).ConfigureAwait(false);
    }

    private static byte[] Frame(IReadOnlyList<EmulatorEvent> events)
    {
        var builder = new StringBuilder();
        foreach (var entry in events)
        {
            // JSON from the serializer has no raw line breaks, so each event is one "data:" line.
            builder.Append("id: ").Append(entry.Seq.ToString(CultureInfo.InvariantCulture)).Append('\n')
                .Append("data: ").Append(JsonSerializer.Serialize(entry, EmulatorJsonContext.Events.EmulatorEvent)).Append("\n\n");
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }
}
