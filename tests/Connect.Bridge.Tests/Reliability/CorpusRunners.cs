using System.Text;
using Connect.Bridge.Emulator;

namespace Connect.Bridge.Tests.Reliability;

/// <summary>One surface executing corpus steps: each step gives the status and the error text the surface reports.</summary>
public interface ICorpusSurface : IDisposable
{
    (int Status, string Text) Apply(CorpusStep step);
}

/// <summary>What one run of a case produced.</summary>
public sealed record CorpusObserved(int Step, int Status, int Requests, string Text);

public static class CorpusRunner
{
    /// <summary>Runs a case the way every runner must: fresh sender, presets, steps until the first failure, request count.</summary>
    public static CorpusObserved Run(CorpusCase c, ICorpusSurface surface, EmulatorServer emulator)
    {
        long before = emulator.RequestCount;
        for (int i = 0; i < c.Steps.Length; i++)
        {
            var step = c.Steps[i];
            var (status, text) = surface.Apply(step);
            bool ok = step.IsCall ? status is >= 200 and < 300 : status == 0;
            if (!ok || i == c.Steps.Length - 1)
                return new CorpusObserved(i, status, (int)(emulator.RequestCount - before), text);
        }
        throw new InvalidOperationException("a case has at least one step");
    }

    /// <summary>Runs a case in Russian and in English and folds the two runs into an expectation (null + reason when they disagree).</summary>
    public static (CorpusExpect? Expect, string? Problem) RunBoth(CorpusCase c, Func<ErrorLanguage, ICorpusSurface> surface, EmulatorServer emulator)
    {
        CorpusObserved ru, en;
        using (var s = surface(ErrorLanguage.Russian)) ru = Run(c, s, emulator);
        using (var s = surface(ErrorLanguage.English)) en = Run(c, s, emulator);
        SecretWatch.Capture($"corpus {c.Id} (ru)", ru.Text);
        SecretWatch.Capture($"corpus {c.Id} (en)", en.Text);
        if ((ru.Step, ru.Status, ru.Requests) != (en.Step, en.Status, en.Requests))
            return (null, $"ru and en runs differ: ru {ru}, en {en}");
        return (new CorpusExpect(ru.Step, ru.Status, ru.Requests, ru.Text, en.Text), null);
    }
}

/// <summary>The .NET API: <see cref="BridgeSender"/>, option by id and text value, exactly what the adapters call.</summary>
public sealed class DotNetSurface : ICorpusSurface
{
    private readonly BridgeSender _sender = new();

    public DotNetSurface(string baseUrl, ErrorLanguage language)
    {
        Preset(_sender, baseUrl, language);
    }

    internal static void Preset(BridgeSender sender, string baseUrl, ErrorLanguage language)
    {
        foreach (var (option, value) in new[]
        {
            (SenderSetting.BaseUrl, baseUrl), (SenderSetting.Login, TestData.Login), (SenderSetting.Password, TestData.Password),
            (SenderSetting.Language, language == ErrorLanguage.English ? "en" : "ru"),
        })
        {
            if (!sender.Set(option, value).Succeeded) throw new InvalidOperationException("preset " + option);
        }
    }

    public (int Status, string Text) Apply(CorpusStep step)
    {
        var outcome = step switch
        {
            CorpusStep.Option o => _sender.SetOption(o.Id, o.Value.Text),
            CorpusStep.SetKeyboard k => _sender.SetKeyboard(k.Text.Text, (KeyboardFormat)k.Format),
            CorpusStep.Send s => _sender.Send(s.Line.Text, s.User.Text, s.Text.Text),
            CorpusStep.Drop d => _sender.DropKeyboard(d.Line.Text, d.User.Text),
            _ => throw new ArgumentOutOfRangeException(nameof(step)),
        };
        Assert.Same(outcome, _sender.LastOutcome); // what cb_last_status / cb_last_error and COM LastStatusCode read
        return (outcome.Status, outcome.ErrorText);
    }

    public void Dispose() => _sender.Dispose();
}

/// <summary>
/// The COM class in process (the same adapter code the Wine client drives through IDispatch): options become the
/// string properties, keyboards KeyboardJson/KeyboardRows, and the outcome is LastStatusCode/LastErrorText.
/// </summary>
public sealed class ComInProcessSurface : ICorpusSurface
{
    private readonly Sender _sender = new();

    public ComInProcessSurface(string baseUrl, ErrorLanguage language)
    {
        _sender.BaseUrl = baseUrl;
        _sender.Login = TestData.Login;
        _sender.Password = TestData.Password;
        _sender.Language = language == ErrorLanguage.English ? "en" : "ru";
        if (!_sender.IsSuccess) throw new InvalidOperationException("COM preset failed: " + _sender.LastErrorText);
    }

    public (int Status, string Text) Apply(CorpusStep step)
    {
        switch (step)
        {
            case CorpusStep.Option o:
                object value = o.Value.Text!;
                switch (Corpus.ComProperties[o.Id])
                {
                    case "BaseUrl": _sender.BaseUrl = value; break;
                    case "Login": _sender.Login = value; break;
                    case "Password": _sender.Password = value; break;
                    case "Language": _sender.Language = value; break;
                    case "AuthorId": _sender.AuthorId = value; break;
                    case "ProxyUrl": _sender.ProxyUrl = value; break;
                    case "ProxyLogin": _sender.ProxyLogin = value; break;
                    case "ProxyPassword": _sender.ProxyPassword = value; break;
                }
                break;
            case CorpusStep.SetKeyboard k when k.Format == 1:
                _sender.KeyboardJson = k.Text.Text!;
                break;
            case CorpusStep.SetKeyboard k when k.Format == 2:
                _sender.KeyboardRows = k.Text.Text!;
                break;
            case CorpusStep.Send s:
                Assert.Equal(_sender.Send(s.Line.Text!, s.User.Text!, s.Text.Text!), _sender.LastStatusCode);
                break;
            case CorpusStep.Drop d:
                Assert.Equal(_sender.DropKeyboard(d.Line.Text!, d.User.Text!), _sender.LastStatusCode);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(step));
        }
        return (_sender.LastStatusCode, _sender.LastErrorText);
    }

    public void Dispose() { }
}

/// <summary>
/// A model of the native exports used only to derive expectations for native-only cases (raw bytes, the _w API):
/// strict UTF-8 / UTF-16 decoding in the header's parameter order, <see cref="BridgeErrors.InvalidEncoding"/> for a
/// string that does not decode, then the same <see cref="BridgeSender"/>. The real check is the C harness.
/// </summary>
public sealed class NativeModelSurface(string baseUrl, ErrorLanguage language) : ICorpusSurface
{
    private static readonly UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);
    private readonly BridgeSender _sender = Create(baseUrl, language);

    private static BridgeSender Create(string baseUrl, ErrorLanguage language)
    {
        var sender = new BridgeSender();
        DotNetSurface.Preset(sender, baseUrl, language);
        return sender;
    }

    private bool TryDecode(CorpusValue value, out string? text)
    {
        text = null;
        switch (value.Kind)
        {
            case CorpusValue.Kinds.Null: return true;
            case CorpusValue.Kinds.Text: text = value.Text; return true;
            case CorpusValue.Kinds.Utf16: text = value.Text; return CorpusValue.IsWellFormed(value.Text!);
            default:
                try { text = Strict.GetString(value.Bytes!); return true; }
                catch (DecoderFallbackException) { return false; }
        }
    }

    public (int Status, string Text) Apply(CorpusStep step)
    {
        var names = step switch
        {
            CorpusStep.Option => new[] { "value" },
            CorpusStep.SetKeyboard => ["keyboard"],
            CorpusStep.Send => ["line_id", "user_id", "text"],
            _ => ["line_id", "user_id"],
        };
        var values = step.Values.ToArray();
        var decoded = new string?[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            if (!TryDecode(values[i], out decoded[i]))
            {
                var rejected = _sender.Record(BridgeErrors.InvalidEncoding(names[i], _sender.Language));
                return (rejected.Status, rejected.ErrorText);
            }
        }
        var outcome = step switch
        {
            CorpusStep.Option o => _sender.SetOption(o.Id, decoded[0]),
            CorpusStep.SetKeyboard k => _sender.SetKeyboard(decoded[0], (KeyboardFormat)k.Format),
            CorpusStep.Send => _sender.Send(decoded[0], decoded[1], decoded[2]),
            _ => _sender.DropKeyboard(decoded[0], decoded[1]),
        };
        return (outcome.Status, outcome.ErrorText);
    }

    public void Dispose() => _sender.Dispose();
}
