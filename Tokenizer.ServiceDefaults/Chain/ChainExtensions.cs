using Microsoft.Extensions.DependencyInjection;
using Tokenizer.Chain.Rpc;
using Tokenizer.ServiceDefaults;
using Tokenizer.ServiceDefaults.Health;

namespace Microsoft.Extensions.Hosting;

/// <summary>The chain JSON-RPC client, registered once per service.</summary>
public static class ChainExtensions
{
    /// <summary>The HTTP client name of <see cref="EthRpcClient"/>.</summary>
    public const string HttpClientName = "chain";

    /// <summary>
    /// Registers one <see cref="EthRpcClient"/> for <c>ConnectionStrings:chain</c> and its readiness check. Its HTTP
    /// client carries none of the default resilience handlers: a blind retry of <c>eth_sendRawTransaction</c> could
    /// resend a transaction, so retries of writes happen where they are safe by construction (the nonce manager
    /// resends the same signed bytes) and reads are retried by their callers.
    /// </summary>
    public static TBuilder AddChainClient<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var url = new Uri(ConnectionNames.Require(builder.Configuration, ConnectionNames.Chain));
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is the supported way to opt one client out of the defaults
        builder.Services.AddHttpClient(HttpClientName, http =>
        {
            http.BaseAddress = url;
            // Each call has its own timeout (EthRpcClientOptions.DefaultTimeout); this one only bounds the client.
            http.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
        }).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.Services.AddSingleton(sp => new EthRpcClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName)));
        builder.Services.AddHealthChecks().AddChainReadiness();
        return builder;
    }
}
