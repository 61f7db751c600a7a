namespace Connect.Bridge;

/// <summary>Language of error texts.</summary>
public enum ErrorLanguage
{
    /// <summary>Russian (<c>ru</c>), the default.</summary>
    Russian = 0,
    /// <summary>English (<c>en</c>).</summary>
    English = 1,
}
