using System.Net.Http.Json;

namespace Tokenizer.AppHost.Hosting;

/// <summary>Gives accounts ether on the AppHost's own anvil as soon as it is ready, before any dependant starts.</summary>
public static class AnvilFundingExtensions
{
    // 1,000,000 ether: a local platform never runs out of gas money.
    private const string Balance = "0xd3c21bcecceda1000000";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public static IResourceBuilder<AnvilResource> WithFundedAccount(this IResourceBuilder<AnvilResource> anvil, string address)
    {
        anvil.ApplicationBuilder.Eventing.Subscribe<ResourceReadyEvent>(anvil.Resource, async (_, ct) =>
        {
            var url = await anvil.Resource.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false);
            using var response = await Http.PostAsJsonAsync(url, new { jsonrpc = "2.0", id = 1, method = "anvil_setBalance", @params = new[] { address, Balance } }, ct)
                .ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
        });
        return anvil;
    }
}
