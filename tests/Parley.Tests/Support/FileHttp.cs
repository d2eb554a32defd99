using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Parley.Tests.Support;

/// <summary>Uploads and downloads over real HTTP, as a client of <c>/api/files</c> does.</summary>
public sealed class FileHttp(Uri server) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = server };

    /// <summary>Uploads <paramref name="bytes"/> as <paramref name="name"/>: the status, and the reply's JSON (the file, or the refusal).</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> UploadAsync(string? token, byte[] bytes, string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/files?name={Uri.EscapeDataString(name)}")
        {
            Content = new ByteArrayContent(bytes),
        };
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(body).RootElement.Clone());
    }

    /// <summary>The upload's id; fails the test unless it was kept.</summary>
    public async Task<string> UploadIdAsync(string token, byte[] bytes, string name)
    {
        var (status, body) = await UploadAsync(token, bytes, name);
        Assert.True(status == HttpStatusCode.Created, $"upload refused: {status} {body}");
        return body.GetProperty("file").GetProperty("id").GetString()!;
    }

    public Task<HttpResponseMessage> GetAsync(string pathAndQuery) => _http.GetAsync(pathAndQuery);

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => _http.SendAsync(request);

    public void Dispose() => _http.Dispose();
}
