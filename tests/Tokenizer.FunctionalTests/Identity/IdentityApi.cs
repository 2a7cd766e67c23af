using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Duende.IdentityModel.Client;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests.Identity;

/// <summary>A signed-up account as a test holds it.</summary>
public sealed record TestUser(string Id, string Email, string Password, string Token);

/// <summary>Calls the Identity surface through the gateway, as a client of the documented API would.</summary>
public sealed class IdentityApi(PlatformFixture platform)
{
    public const string OperatorClientId = "tokenizer-operator";
    public const string OperatorSecret = "dev-operator-secret";

    public HttpClient Gateway => platform.Gateway;

    public static string NewEmail(string tag = "user") => $"{tag}-{Guid.NewGuid():N}@example.com";

    public async Task<TestUser> SignUpAsync(string? email = null, string password = "correct horse battery")
    {
        email ??= NewEmail();
        using var response = await Gateway.PostAsJsonAsync("/auth/signup", new { email, password });
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        var json = JsonNode.Parse(body)!;
        return new TestUser(json["user"]!["id"]!.GetValue<string>(), email, password, json["token"]!.GetValue<string>());
    }

    public async Task<string> SignInTokenAsync(TestUser user)
    {
        using var response = await Gateway.PostAsJsonAsync("/auth/signin", new { email = user.Email, password = user.Password });
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!["token"]!.GetValue<string>();
    }

    public async Task<(string Id, string Key)> CreateKeyAsync(string bearer, string? name = "test")
    {
        using var response = await SendAsync(HttpMethod.Post, "/api-keys", bearer, new { name });
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        var json = JsonNode.Parse(body)!;
        return (json["id"]!.GetValue<string>(), json["key"]!.GetValue<string>());
    }

    public async Task<string> OperatorTokenAsync()
    {
        var discovery = await DiscoverAsync();
        var token = await Gateway.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = discovery.TokenEndpoint,
            ClientId = OperatorClientId,
            ClientSecret = OperatorSecret,
        });
        token.IsError.Should().BeFalse(token.Error);
        return token.AccessToken!;
    }

    /// <summary>The discovery document through the gateway, validated as an OAuth client does (http allowed on the test gateway).</summary>
    public async Task<DiscoveryDocumentResponse> DiscoverAsync()
    {
        var authority = platform.GatewayUrl.GetLeftPart(UriPartial.Authority);
        var discovery = await Gateway.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = authority,
            Policy = new DiscoveryPolicy
            {
                Authority = authority,
                RequireHttps = false,
                AllowHttpOnLoopback = true,
                AdditionalEndpointBaseAddresses = { authority },
            },
        });
        discovery.IsError.Should().BeFalse(discovery.Error);
        return discovery;
    }

    /// <summary>An account promoted to operator by the operator API, with an API key of its own.</summary>
    public async Task<(TestUser User, string ApiKey)> OperatorAccountAsync()
    {
        var user = await SignUpAsync(NewEmail("operator"));
        var operatorToken = await OperatorTokenAsync();
        using (var promote = await SendAsync(HttpMethod.Put, $"/api/admin/users/{user.Id}/role", operatorToken, new { role = "operator" }))
        {
            promote.StatusCode.Should().Be(HttpStatusCode.OK, await promote.Content.ReadAsStringAsync());
        }
        var (_, key) = await CreateKeyAsync(user.Token, "operator key");
        return (user, key);
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? bearer, object? body = null) =>
        SendRawAsync(method, path, bearer, body is null ? null : JsonContent.Create(body));

    public async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, string? bearer, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        return await Gateway.SendAsync(request);
    }

    public static StringContent Json(string raw) => new(raw, Encoding.UTF8, "application/json");

    public async Task<JsonNode> GetJsonAsync(string path, string bearer)
    {
        using var response = await SendAsync(HttpMethod.Get, path, bearer);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!;
    }

    /// <summary>A client whose connections come from another loopback address, so per-IP limits see another client.</summary>
    public HttpClient ClientFrom(IPAddress source) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = platform.GatewayUrl, Timeout = TimeSpan.FromSeconds(30) };
}

/// <summary>Assertions on the documented error shapes.</summary>
public static class ErrorAssertions
{
    public static async Task ShouldBeErrorAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, body);
        var json = JsonNode.Parse(body)!.AsObject();
        json["code"]!.GetValue<string>().Should().Be(code, body);
        json["message"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
    }

    public static async Task ShouldBeDetailAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, body);
        JsonNode.Parse(body)!.AsObject().ContainsKey("detail").Should().BeTrue(body);
    }

    public static async Task<JsonNode> ShouldBeOkJsonAsync(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!;
    }

    public static string Canonical(JsonNode? node) => node?.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) ?? "null";
}
