using System.Net;
using Tokenizer.Chain.Primitives;
using Tokenizer.ServiceDefaults;
using Tokenizer.TokenAdmin.Apis;

namespace Tokenizer.TokenAdmin.Tokens;

/// <summary>
/// The account's wallet address as Identity holds it right now (<c>GET http://identity/internal/users/{id}/wallet</c>).
/// Asked at each deploy rather than copied from the JWT or from bus events: a token's <c>owner()</c> is fixed at
/// deploy time, and a claim or a copy may still hold the wallet from before the latest <c>PATCH /me</c>.
/// </summary>
public sealed partial class AccountWallets(IHttpClientFactory httpClientFactory, ILogger<AccountWallets> logger)
{
    public const string HttpClientName = "identity-wallets";

    private sealed record WalletView(string? WalletAddress);

    /// <summary>The wallet, or null when none is set; 503 DEPLOY_UNAVAILABLE when Identity cannot say.</summary>
    public async Task<Address?> FindAsync(Guid userId, CancellationToken ct)
    {
        var http = httpClientFactory.CreateClient(HttpClientName);
        try
        {
            using var response = await http.GetAsync($"http://{ConnectionNames.Services.Identity}/internal/users/{userId}/wallet", ct);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
            response.EnsureSuccessStatusCode();
            var view = await response.Content.ReadFromJsonAsync<WalletView>(ct);
            return view?.WalletAddress is { } text && Address.TryParse(text, out var wallet) && wallet != Address.Zero ? wallet : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !ct.IsCancellationRequested)
        {
            LogLookupFailed(logger, userId, e.Message);
            throw ApiErrorException.DeployUnavailable("The account's wallet address cannot be looked up right now; try again shortly");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Wallet of account {UserId} could not be looked up: {Reason}")]
    private static partial void LogLookupFailed(ILogger logger, Guid userId, string reason);
}
