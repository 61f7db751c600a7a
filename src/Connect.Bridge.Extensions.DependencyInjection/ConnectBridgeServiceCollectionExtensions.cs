using Connect.Bridge;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Connect.Bridge in a service collection.</summary>
public static class ConnectBridgeServiceCollectionExtensions
{
    /// <summary>The name of the IHttpClientFactory client behind <see cref="ConnectClient"/>.</summary>
    /// <remarks>A read-only field, not a constant: a constant would be compiled into callers and outlive a change here.</remarks>
    public static readonly string HttpClientName = "Connect.Bridge";

    /// <summary>
    /// Registers <see cref="ConnectClient"/> and <see cref="ILineClient"/> (transient, over IHttpClientFactory) with
    /// options set in code. Invalid options fail the host's start with the library's error text.
    /// </summary>
    /// <returns>The typed client's builder, for further handler configuration.</returns>
    public static IHttpClientBuilder AddConnectBridge(this IServiceCollection services, Action<ConnectClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<ConnectClientOptions>().Configure(configure);
        return AddCore(services);
    }

    /// <summary>
    /// Registers <see cref="ConnectClient"/> and <see cref="ILineClient"/> with options bound from a configuration
    /// section, e.g. <c>configuration.GetSection("ConnectBridge")</c> with <c>BaseUrl</c>, <c>Login</c>, <c>Password</c>
    /// (better from user secrets or the environment), <c>Timeout</c>, <c>MaxRetries</c>, <c>Language</c>, ….
    /// </summary>
    /// <returns>The typed client's builder, for further handler configuration.</returns>
    public static IHttpClientBuilder AddConnectBridge(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ConnectClientOptions>().Bind(configuration);
        return AddCore(services);
    }

    private static IHttpClientBuilder AddCore(IServiceCollection services)
    {
        services.AddOptions<ConnectClientOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConnectClientOptions>, ConnectClientOptionsValidator>());
        services.TryAddTransient<ILineClient>(static sp => sp.GetRequiredService<ConnectClient>());
        return services
            .AddHttpClient(HttpClientName)
            .AddTypedClient<ConnectClient>(static (http, sp) => new ConnectClient(http, ClientOptions(sp)))
            // Each rotated handler is created here again, so the transport rules hold for every one.
            .ConfigurePrimaryHttpMessageHandler(static sp => ConnectHttpHandler.CreatePrimaryHandler(sp.GetRequiredService<IOptions<ConnectClientOptions>>().Value))
            // The call's own timeout (ConnectClientOptions.Timeout, retries included) governs, not HttpClient's 100 s.
            .ConfigureHttpClient(static http => http.Timeout = Timeout.InfiniteTimeSpan)
            // The factory's request logging must never show the Authorization header (the password in reversible form).
            .RedactLoggedHeaders(static _ => true);
    }

    private static ConnectClientOptions ClientOptions(IServiceProvider sp)
    {
        var options = sp.GetRequiredService<IOptions<ConnectClientOptions>>().Value;
        if (options.Logger is not null || sp.GetService<ILoggerFactory>() is not { } loggers) return options;
        var withLogger = options.Clone();
        withLogger.Logger = loggers.CreateLogger("Connect.Bridge");
        return withLogger;
    }
}
