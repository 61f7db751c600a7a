using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Connect.Bridge.PackageTests;

/// <summary>A generic host as a consumer writes it: appsettings.json, then AddConnectBridge from its section.</summary>
internal static class ConsumerHost
{
    public const string SectionName = "ConnectBridge";

    /// <summary>The emulator's base URL, from the environment ./build.sh test package sets (it started the emulator).</summary>
    public static string EmulatorUrl =>
        Environment.GetEnvironmentVariable("CONNECT_BRIDGE_EMULATOR_URL") is { Length: > 0 } url
            ? url
            : throw new InvalidOperationException("CONNECT_BRIDGE_EMULATOR_URL is not set: run these tests through ./build.sh test package");

    public static IHost Build(IDictionary<string, string?>? overrides = null, ILoggerProvider? logs = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        var settings = new Dictionary<string, string?> { [$"{SectionName}:BaseUrl"] = EmulatorUrl };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;
        builder.Configuration.AddInMemoryCollection(settings);
        // appsettings.json logs everything at Trace; only a test's own provider receives it (no console noise).
        builder.Logging.ClearProviders();
        if (logs is not null) builder.Logging.AddProvider(logs);
        builder.Services.AddConnectBridge(builder.Configuration.GetSection(SectionName));
        return builder.Build();
    }
}
