using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Connect.Bridge.Emulator;

/// <summary>Response writers shared by the API, the control endpoints and the chat page: one write per response.</summary>
internal static class EmulatorResponses
{
    private const string JsonContentType = "application/json; charset=utf-8";

    public static Task WriteJsonAsync<T>(HttpContext context, int status, T value, JsonTypeInfo<T> typeInfo)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
        context.Response.StatusCode = status;
        context.Response.ContentType = JsonContentType;
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes, 0, bytes.Length, context.RequestAborted);
    }

    public static Task ErrorAsync(HttpContext context, int status, string error) =>
        WriteJsonAsync(context, status, new ErrorBody(error), EmulatorJsonContext.Output.ErrorBody);

    public static Task MethodNotAllowedAsync(HttpContext context, string allow)
    {
        context.Response.Headers.Allow = allow;
        return ErrorAsync(context, StatusCodes.Status405MethodNotAllowed, "Method not allowed");
    }
}
