namespace Connect.Bridge;

/// <summary>Per-call state shared by the attempts and the retry rule: the request, the deadline, what happened so far.</summary>
internal sealed class LineCall(Uri uri, byte[] body, long deadline)
{
    public Uri Uri { get; } = uri;
    public byte[] Body { get; } = body;
    /// <summary>The timestamp, on the retry rule's clock (<see cref="TimeProvider.GetTimestamp"/>), at which the overall timeout ends.</summary>
    public long Deadline { get; } = deadline;
    public int Attempts { get; set; }
    /// <summary>The status of the last attempt's answer, 0 while an attempt waits for one (a retry backoff cut by the timeout reports it).</summary>
    public int LastAnswer { get; set; }
    /// <summary>
    /// The failure of the last attempt while the retry rule waits to retry it: one that certainly sent nothing (no
    /// connection). Null while an attempt runs, since from then on a request may reach the server.
    /// </summary>
    public HttpRequestException? NoConnection { get; set; }
}
