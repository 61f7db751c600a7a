// Cold start of the smallest .NET program that does the same POST: one HttpClient, one request, exit.
// Reads BENCH_URL, BENCH_LOGIN, BENCH_PASSWORD and BENCH_BODY (a file holding the exact JSON body).
// Exit code 0 when the server answered 2xx. The password is never printed.
using System.Net.Http.Headers;
using System.Text;

string url = Environment.GetEnvironmentVariable("BENCH_URL") ?? "http://127.0.0.1:8080";
string auth = Convert.ToBase64String(Encoding.UTF8.GetBytes(
    $"{Environment.GetEnvironmentVariable("BENCH_LOGIN")}:{Environment.GetEnvironmentVariable("BENCH_PASSWORD")}"));
byte[] body = File.ReadAllBytes(Environment.GetEnvironmentVariable("BENCH_BODY") ?? "message.json");

using var http = new HttpClient();
using var request = new HttpRequestMessage(HttpMethod.Post, url.TrimEnd('/') + "/v1/line/send/message/")
{
    Content = new ByteArrayContent(body),
};
request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=utf-8");
request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
request.Headers.Authorization = new AuthenticationHeaderValue("Basic", auth);
using var response = await http.SendAsync(request);
if (response.IsSuccessStatusCode) return 0;
Console.Error.WriteLine($"send failed: {(int)response.StatusCode}");
return 1;
