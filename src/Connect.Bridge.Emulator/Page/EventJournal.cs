namespace Connect.Bridge.Emulator.Page;

/// <summary>
/// The ordered events the chat page shows, with the per-chat keyboard state the API page implies: a keyboard stays
/// shown until DropKeyboard. Thread-safe; waiters learn about new events through <see cref="Snapshot"/>'s task.
/// Bounded: past <see cref="DefaultCapacity"/> events the oldest tenth is forgotten, so a long soak against a
/// running emulator does not grow it without end (the accepted calls at /emulator/messages are kept as before).
/// </summary>
internal sealed class EventJournal
{
    public const int DefaultCapacity = 10_000;

    private readonly Lock gate = new();
    private readonly Func<DateTimeOffset> clock;
    private readonly int capacity;
    private List<EmulatorEvent> events = [];
    private Dictionary<string, List<long>> shownKeyboards = [];
    private Dictionary<long, EmulatorEvent> keyboardMessages = [];
    private TaskCompletionSource changed = NewSignal();
    private long lastSeq;

    public EventJournal(Func<DateTimeOffset> clock, int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 10);
        this.clock = clock;
        this.capacity = capacity;
    }

    public IReadOnlyList<EmulatorEvent> Events
    {
        get
        {
            lock (gate)
            {
                return events.ToArray();
            }
        }
    }

    public static string ConversationOf(Guid line, string userId) =>
        line.ToString("D") + "|" + userId.ToLowerInvariant();

    public EmulatorEvent AddMessage(RecordedCall call, string conversation)
    {
        lock (gate)
        {
            bool? alreadyShown = null;
            if (call.Keyboard is not null)
            {
                var shown = ShownIn(conversation);
                alreadyShown = shown.Count > 0;
            }

            var entry = new EmulatorEvent(++lastSeq, EmulatorEvent.MessageKind, call.ReceivedAt, conversation, call.LineId, call.UserId,
                call.AuthorId, call.GeneralSettings, call.Text, call.Keyboard, alreadyShown);
            if (call.Keyboard is not null)
            {
                ShownIn(conversation).Add(entry.Seq);
                keyboardMessages[entry.Seq] = entry;
            }

            return Append(entry);
        }
    }

    public EmulatorEvent AddDrop(RecordedCall call, string conversation)
    {
        lock (gate)
        {
            var shown = ShownIn(conversation);
            var dropped = shown.ToArray();
            shown.Clear();
            return Append(new EmulatorEvent(++lastSeq, EmulatorEvent.DropKeyboardKind, call.ReceivedAt, conversation, call.LineId, call.UserId,
                DroppedSeqs: dropped));
        }
    }

    public EmulatorEvent AddRejected(string path, int status, string error)
    {
        lock (gate)
        {
            return Append(new EmulatorEvent(++lastSeq, EmulatorEvent.RejectedKind, clock(), Path: path, Status: status, Error: error));
        }
    }

    /// <summary>Records a press of a shown keyboard's button; null and the reason when there is no such shown button.</summary>
    public EmulatorEvent? AddPress(long messageSeq, int row, int column, out string? error)
    {
        lock (gate)
        {
            error = null;
            if (!keyboardMessages.TryGetValue(messageSeq, out var message) || message.Keyboard is not { } keyboard)
            {
                error = "No message with a keyboard has this seq";
                return null;
            }

            if (row < 0 || row >= keyboard.Count || column < 0 || column >= keyboard[row].Count)
            {
                error = "The keyboard has no button at this row and column";
                return null;
            }

            if (!ShownIn(message.Conversation!).Contains(messageSeq))
            {
                error = "This keyboard was removed by DropKeyboard";
                return null;
            }

            var button = keyboard[row][column];
            return Append(new EmulatorEvent(++lastSeq, EmulatorEvent.PressKind, clock(), message.Conversation, message.LineId, message.UserId,
                Text: button.Text, PressedSeq: messageSeq, Row: row, Column: column, ButtonId: button.Id));
        }
    }

    /// <summary>Forgets everything; the journal then holds one "cleared" event, so open pages clear too.</summary>
    public void Clear()
    {
        lock (gate)
        {
            events = [];
            shownKeyboards = [];
            keyboardMessages = [];
            Append(new EmulatorEvent(++lastSeq, EmulatorEvent.ClearedKind, clock()));
        }
    }

    /// <summary>
    /// Events after <paramref name="afterSeq"/> and a task that completes when the next one is added. A seq the journal
    /// never reached (the page saw an earlier emulator on this port) yields a "cleared" event first.
    /// </summary>
    public (IReadOnlyList<EmulatorEvent> Events, Task Changed) Snapshot(long afterSeq)
    {
        lock (gate)
        {
            var result = new List<EmulatorEvent>();
            if (afterSeq > lastSeq)
            {
                result.Add(new EmulatorEvent(0, EmulatorEvent.ClearedKind, clock()));
                afterSeq = 0;
            }

            // Seqs are dense within the list, so the first index after afterSeq is found by arithmetic.
            int start = events.Count == 0 ? 0 : (int)Math.Clamp(afterSeq - events[0].Seq + 1, 0, events.Count);
            for (int i = start; i < events.Count; i++)
            {
                result.Add(events[i]);
            }

            return (result, changed.Task);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private List<long> ShownIn(string conversation)
    {
        if (!shownKeyboards.TryGetValue(conversation, out var shown))
        {
            shown = [];
            shownKeyboards[conversation] = shown;
        }

        return shown;
    }

    private EmulatorEvent Append(EmulatorEvent entry)
    {
        events.Add(entry);
        if (events.Count > capacity)
        {
            int forget = capacity / 10;
            long firstKept = events[forget].Seq;
            events.RemoveRange(0, forget);
            foreach (var seq in keyboardMessages.Keys.Where(seq => seq < firstKept).ToArray())
            {
                keyboardMessages.Remove(seq);
            }

            foreach (var shown in shownKeyboards.Values)
            {
                shown.RemoveAll(seq => seq < firstKept);
            }
        }

        var previous = changed;
        changed = NewSignal();
        previous.TrySetResult();
        return entry;
    }
}
