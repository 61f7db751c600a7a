using Connect.Bridge.Emulator;
using Connect.Bridge.Emulator.Page;

namespace Connect.Bridge.Tests.Emulator;

/// <summary>The page journal's bound and its resume arithmetic, without HTTP.</summary>
public class EventJournalTests
{
    private const string Line = "5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44";
    private const string User = "df4cca69-ce40-472e-9083-af9b279c72cc";
    private static readonly string Conversation = EventJournal.ConversationOf(Guid.Parse(Line), User);

    [Fact]
    public void Past_its_capacity_the_journal_forgets_the_oldest_tenth_and_their_keyboards()
    {
        var journal = new EventJournal(() => DateTimeOffset.UnixEpoch, capacity: 20);
        var first = journal.AddMessage(Message(withKeyboard: true), Conversation);
        for (int i = 0; i < 20; i++) journal.AddRejected("/v1/line/send/message/", 400, "text is required");

        var events = journal.Events;
        Assert.Equal(19, events.Count); // 21 added, 2 forgotten
        Assert.Equal(3, events[0].Seq);
        Assert.Equal(21, events[^1].Seq);
        Assert.Null(journal.AddPress(first.Seq, 0, 0, out var error));
        Assert.Equal("No message with a keyboard has this seq", error);

        // The forgotten keyboard no longer counts as shown: a new one is not flagged.
        Assert.False(journal.AddMessage(Message(withKeyboard: true), Conversation).KeyboardAlreadyShown);
        Assert.Equal(new long[] { 22 }, journal.AddDrop(Drop(), Conversation).DroppedSeqs);

        // Resuming from a forgotten seq gives what is left; from the last seq, nothing.
        Assert.Equal(5, journal.Events[0].Seq); // 23 events: forgotten again at 21
        Assert.Equal(5, journal.Snapshot(1).Events[0].Seq);
        Assert.Empty(journal.Snapshot(23).Events);
    }

    [Fact]
    public async Task The_snapshot_task_completes_when_the_next_event_arrives()
    {
        var journal = new EventJournal(() => DateTimeOffset.UnixEpoch);
        var (events, changed) = journal.Snapshot(0);
        Assert.Empty(events);
        Assert.False(changed.IsCompleted);
        journal.AddRejected("/v1/line/drop/keyboard/", 401, "Invalid login or password");
        await changed.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(EmulatorEvent.RejectedKind, Assert.Single(journal.Snapshot(0).Events).Kind);
    }

    private static RecordedCall Message(bool withKeyboard) => new(
        RecordedCall.MessageKind, Line, User, null, null, "x",
        withKeyboard ? [[new RecordedButton("A", "a")]] : null, "{}", "application/json", null, "Basic", DateTimeOffset.UnixEpoch);

    private static RecordedCall Drop() => new(
        RecordedCall.DropKeyboardKind, Line, User, null, null, null, null, "{}", "application/json", null, "Basic", DateTimeOffset.UnixEpoch);
}
