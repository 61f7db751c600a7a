using Connect.Bridge;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Start-up validation with the core's own check and texts (the same text a call would return as -1).</summary>
internal sealed class ConnectClientOptionsValidator : IValidateOptions<ConnectClientOptions>
{
    public ValidateOptionsResult Validate(string? name, ConnectClientOptions options) =>
        options.Validate() is { } error ? ValidateOptionsResult.Fail(error) : ValidateOptionsResult.Success;
}
