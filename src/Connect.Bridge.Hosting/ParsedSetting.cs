namespace Connect.Bridge.Hosting;

/// <summary>A host value judged by a setting's parser: the value to store, or the refusal text.</summary>
internal readonly record struct ParsedSetting(object? Value, string? Error)
{
    public static ParsedSetting Accept(object? value) => new(value, null);

    public static ParsedSetting Refuse(string error) => new(null, error);
}
