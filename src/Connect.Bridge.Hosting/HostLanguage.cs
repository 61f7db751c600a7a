namespace Connect.Bridge.Hosting;

/// <summary>
/// The language names every host surface uses (the Language setting, <c>cb_status_text</c>, the CLI's
/// <c>--language</c>): "ru" (also empty or null) and "en", case and surrounding blanks ignored. The one parser.
/// </summary>
public static class HostLanguage
{
    /// <summary>The language a name stands for; false (and Russian) for any other name.</summary>
    public static bool TryParse(string? name, out ErrorLanguage language)
    {
        switch ((name ?? "").Trim().ToLowerInvariant())
        {
            case "" or "ru": language = ErrorLanguage.Russian; return true;
            case "en": language = ErrorLanguage.English; return true;
            default: language = ErrorLanguage.Russian; return false;
        }
    }

    /// <summary>The name a language reads back as: "ru" or "en".</summary>
    public static string Name(ErrorLanguage language) => language == ErrorLanguage.English ? "en" : "ru";
}
