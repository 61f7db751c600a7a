using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Connect.Bridge.Tests.Core;

/// <summary>
/// The packed assemblies expose no constant string a caller would compile in (issue 20 §2): a value such as the
/// service address or the HTTP client's name is a read-only field. The instrument names of
/// <see cref="ConnectBridgeDiagnostics"/> stay constants on purpose: they are a contract that never changes, and
/// listeners name them in attributes and switch labels.
/// </summary>
public sealed class PublicConstantsTests
{
    [Fact]
    public void Default_base_url_and_http_client_name_are_read_only_fields()
    {
        var baseUrl = typeof(ConnectClientOptions).GetField(nameof(ConnectClientOptions.DefaultBaseUrl))!;
        var clientName = typeof(ConnectBridgeServiceCollectionExtensions).GetField(nameof(ConnectBridgeServiceCollectionExtensions.HttpClientName))!;
        Assert.All([baseUrl, clientName], f => Assert.True(f.IsStatic && f.IsInitOnly && !f.IsLiteral, $"{f.Name} must be static readonly"));
        Assert.Equal("https://push.1c-connect.com", ConnectClientOptions.DefaultBaseUrl);
        Assert.Equal("Connect.Bridge", ConnectBridgeServiceCollectionExtensions.HttpClientName);
    }

    [Fact]
    public void No_public_constant_string_outside_the_diagnostics_names()
    {
        var constants = new[] { typeof(ConnectClient).Assembly, typeof(ConnectBridgeServiceCollectionExtensions).Assembly }
            .SelectMany(a => a.GetExportedTypes())
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType == typeof(string)))
            .Select(f => $"{f.DeclaringType!.Name}.{f.Name}")
            .ToArray();
        Assert.Contains("ConnectBridgeDiagnostics.MeterName", constants); // the scan sees constants
        Assert.All(constants, c => Assert.StartsWith("ConnectBridgeDiagnostics.", c, StringComparison.Ordinal));
    }
}
