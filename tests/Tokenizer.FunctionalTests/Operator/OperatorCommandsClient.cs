using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json.Nodes;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Nonces;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;

namespace Tokenizer.FunctionalTests.Operator;

/// <summary>
/// What an operator does in these tests: POST /api/admin/mint|burn and GET /api/admin/commands through a gateway; and
/// what the test does beside it on the chain, independently of the services (deploy a token as the platform signer,
/// which the token registry will do once it lands; count events).
/// </summary>
public sealed class OperatorCommandsClient(HttpClient gateway, EthRpcClient rpc, EthKey signer, string bearer)
{
    public HttpClient Gateway => gateway;

    public EthRpcClient Rpc => rpc;

    public string Bearer => bearer;

    /// <summary>The platform signer's key (the test owns the platform's data folder).</summary>
    public EthKey Signer => signer;

    public static string NewCommandId(string tag) => $"{tag}-{Guid.NewGuid():N}";

    public async Task<HttpResponseMessage> PostAsync(string kind, object body, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/admin/{kind}") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? bearer);
        return await gateway.SendAsync(request);
    }

    public async Task<HttpResponseMessage> PostRawAsync(string kind, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/admin/{kind}")
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return await gateway.SendAsync(request);
    }

    public async Task<JsonNode> SubmitAsync(string kind, string commandId, Address instrument, Address party, object amount)
    {
        using var response = await PostAsync(kind, new { command_id = commandId, instrument_id = instrument.ToString(), party_id = party.ToString(), amount });
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!;
    }

    public async Task<(HttpStatusCode Status, JsonNode? Body)> GetCommandAsync(string commandId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/admin/commands/{Uri.EscapeDataString(commandId)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await gateway.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>Polls the command until it is confirmed or failed.</summary>
    public async Task<JsonNode> WaitForOutcomeAsync(string commandId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        JsonNode? last = null;
        while (DateTime.UtcNow < deadline)
        {
            var (status, body) = await GetCommandAsync(commandId);
            if (status == HttpStatusCode.OK)
            {
                last = body;
                if (body!["status"]!.GetValue<string>() is "confirmed" or "failed")
                {
                    return body;
                }
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"Command {commandId} did not complete: {last?.ToJsonString()}");
    }

    public async Task<Address> DeployErc20Async(byte decimals = 18, bool permissionless = true)
    {
        var factory = new TokenizerFactoryContract(rpc, PlatformDeployment.Predict(signer.Address).Factory);
        var salt = CommandIds.DeploySalt("operator-tests", Guid.NewGuid().ToString("N"));
        var receipt = await (await SenderAsync()).SendAndWaitAsync(factory.DeployErc20(salt, "Operator Test", "OPT", decimals, permissionless, signer.Address));
        return receipt.Single<TokenDeployedEvent>().Token;
    }

    public async Task<Address> DeployErc721Async()
    {
        var factory = new TokenizerFactoryContract(rpc, PlatformDeployment.Predict(signer.Address).Factory);
        var salt = CommandIds.DeploySalt("operator-tests", Guid.NewGuid().ToString("N"));
        var receipt = await (await SenderAsync()).SendAndWaitAsync(factory.DeployErc721(salt, "Operator NFT", "ONFT", "", true, signer.Address));
        return receipt.Single<TokenDeployedEvent>().Token;
    }

    /// <summary>A write as the platform signer from outside TokenAdmin (a control change an admin made elsewhere).</summary>
    public async Task SendAsSignerAsync(ContractCall call) => await (await SenderAsync()).SendAndWaitAsync(call);

    /// <summary>How many Minted/Burned events the token emitted for this command id (the chain's own count).</summary>
    public async Task<int> CountCommandEventsAsync(Address token, string commandId)
    {
        Hash32[] events =
        [
            TokenizerEvents.Topic0<Erc20MintedEvent>(), TokenizerEvents.Topic0<Erc20BurnedEvent>(),
            TokenizerEvents.Topic0<Erc721MintedEvent>(), TokenizerEvents.Topic0<Erc721BurnedEvent>(),
        ];
        var logs = await rpc.GetLogsAsync(new LogFilter { Addresses = [token], Topics = [events, [CommandIds.ForMintOrBurn(commandId)]] });
        return logs.Count;
    }

    public async Task<BigInteger> BalanceOfAsync(Address token, Address holder) =>
        await new TokenizerErc20Contract(rpc, token).BalanceOfAsync(holder);

    // A fresh nonce manager each time: it reads the signer's pending nonce from the node, as TokenAdmin's does after
    // its "nonce too low" answer when this test took a nonce it had cached.
    private async Task<ContractTransactionSender> SenderAsync() =>
        new(rpc, new NonceManager(rpc, new InMemoryNonceStore()), signer, await rpc.GetChainIdAsync());
}
