using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Connect.Bridge.PageTests.Cdp;

/// <summary>
/// A DevTools-protocol connection to one page: commands by id, events kept for inspection. Only what the page tests use:
/// navigate, evaluate, device metrics, mouse input, screenshots.
/// </summary>
public sealed class CdpSession : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);
    private readonly ClientWebSocket socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> pending = new();
    private readonly CancellationTokenSource closing = new();
    private readonly SemaphoreSlim sending = new(1, 1); // a WebSocket takes one send at a time
    private Task receiving = Task.CompletedTask;
    private int nextId;

    /// <summary>Uncaught script exceptions reported by the page (Runtime.exceptionThrown).</summary>
    public ConcurrentQueue<string> Exceptions { get; } = new();

    /// <summary>JavaScript dialogs the page opened (alert/confirm/prompt): none should ever open.</summary>
    public ConcurrentQueue<string> Dialogs { get; } = new();

    /// <summary>Every URL the page requested (Network.requestWillBeSent).</summary>
    public ConcurrentQueue<string> RequestedUrls { get; } = new();

    public static async Task<CdpSession> ConnectToPageAsync(int devToolsPort)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var targets = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{devToolsPort}/json/list"));
        string? url = targets.RootElement.EnumerateArray()
            .Where(target => target.GetProperty("type").GetString() == "page")
            .Select(target => target.GetProperty("webSocketDebuggerUrl").GetString())
            .FirstOrDefault();
        if (url is null) throw new InvalidOperationException("Chromium has no page target.");

        var session = new CdpSession();
        await session.socket.ConnectAsync(new Uri(url), CancellationToken.None);
        session.receiving = Task.Run(session.ReceiveLoopAsync);
        await session.SendAsync("Page.enable");
        await session.SendAsync("Runtime.enable");
        await session.SendAsync("Network.enable");
        return session;
    }

    public async Task<JsonElement> SendAsync(string method, JsonObject? parameters = null)
    {
        int id = Interlocked.Increment(ref nextId);
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[id] = reply;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        await sending.WaitAsync(closing.Token);
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, closing.Token);
        }
        finally
        {
            sending.Release();
        }

        var finished = await Task.WhenAny(reply.Task, Task.Delay(CommandTimeout));
        pending.TryRemove(id, out _);
        if (finished != reply.Task) throw new TimeoutException($"DevTools command {method} got no answer within {CommandTimeout.TotalSeconds} s.");
        var root = await reply.Task;
        if (root.TryGetProperty("error", out var error)) throw new InvalidOperationException($"DevTools {method} failed: {error}");
        return root.GetProperty("result");
    }

    /// <summary>Evaluates an expression in the page (promises awaited) and returns its JSON value.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression,
            ["returnByValue"] = true,
            ["awaitPromise"] = true,
        });
        if (result.TryGetProperty("exceptionDetails", out var details))
        {
            throw new InvalidOperationException($"Script failed in the page: {details}\nScript: {expression}");
        }

        return result.GetProperty("result").TryGetProperty("value", out var value) ? value.Clone() : default;
    }

    public async Task<T> EvaluateAsync<T>(string expression) =>
        (await EvaluateAsync(expression)).Deserialize<T>() ?? throw new InvalidOperationException($"Script returned null: {expression}");

    /// <summary>Polls a boolean expression until it holds; fails with <paramref name="what"/> when it never does.</summary>
    public async Task WaitForAsync(string condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var value = await EvaluateAsync($"!!({condition})");
            if (value.ValueKind == JsonValueKind.True) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The page never showed: {what} (condition: {condition})");
            await Task.Delay(50);
        }
    }

    public async Task NavigateAsync(string url)
    {
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url });
        await WaitForAsync($"location.href === {JsonSerializer.Serialize(url)} && document.readyState === 'complete'", "the page loaded");
    }

    public Task SetViewportAsync(int width, int height, bool mobile) =>
        SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject
        {
            ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = mobile,
        });

    /// <summary>A real mouse click (move, press, release) at the centre of the first element matching the selector.</summary>
    public async Task ClickAsync(string selector)
    {
        var box = await EvaluateAsync(
            $"(() => {{ const e = document.querySelector({JsonSerializer.Serialize(selector)}); if (!e) return null; e.scrollIntoView({{block: 'center'}}); " +
            "const r = e.getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; })()");
        if (box.ValueKind != JsonValueKind.Object) throw new InvalidOperationException($"Nothing to click: {selector}");
        double x = box.GetProperty("x").GetDouble(), y = box.GetProperty("y").GetDouble();
        await SendAsync("Input.dispatchMouseEvent", new JsonObject { ["type"] = "mouseMoved", ["x"] = x, ["y"] = y });
        foreach (var type in new[] { "mousePressed", "mouseReleased" })
        {
            await SendAsync("Input.dispatchMouseEvent", new JsonObject
            {
                ["type"] = type, ["x"] = x, ["y"] = y, ["button"] = "left", ["clickCount"] = 1,
            });
        }
    }

    /// <summary>A PNG of the whole page (beyond the viewport).</summary>
    public async Task<byte[]> ScreenshotAsync()
    {
        var result = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true });
        return Convert.FromBase64String(result.GetProperty("data").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        await closing.CancelAsync();
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The browser is being killed anyway.
        }

        await receiving.ContinueWith(_ => { }, TaskScheduler.Default);
        socket.Dispose();
        closing.Dispose();
        sending.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (!closing.IsCancellationRequested && socket.State == WebSocketState.Open)
            {
                var received = await socket.ReceiveAsync(buffer, closing.Token);
                if (received.MessageType == WebSocketMessageType.Close) return;
                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage) continue;
                Dispatch(message.ToArray());
                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // Closed: pending commands time out with a clear message.
        }
    }

    private void Dispatch(byte[] bytes)
    {
        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        if (root.TryGetProperty("id", out var id))
        {
            if (pending.TryGetValue(id.GetInt32(), out var reply)) reply.TrySetResult(root.Clone());
            return;
        }

        string method = root.GetProperty("method").GetString() ?? "";
        var parameters = root.TryGetProperty("params", out var p) ? p : default;
        switch (method)
        {
            case "Runtime.exceptionThrown":
                Exceptions.Enqueue(parameters.GetProperty("exceptionDetails").ToString());
                break;
            case "Page.javascriptDialogOpening":
                Dialogs.Enqueue(parameters.GetProperty("message").GetString() ?? "");
                // Dismiss it, so a test that caught a script running fails on its assertion instead of hanging.
                _ = SendAsync("Page.handleJavaScriptDialog", new JsonObject { ["accept"] = false });
                break;
            case "Network.requestWillBeSent":
                RequestedUrls.Enqueue(parameters.GetProperty("request").GetProperty("url").GetString() ?? "");
                break;
        }
    }
}
