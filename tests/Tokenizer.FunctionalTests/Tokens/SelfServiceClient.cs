using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json.Nodes;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;
using Tokenizer.Chain.Transactions;
using Tokenizer.FunctionalTests.Identity;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests.Tokens;

/// <summary>The self-service token API through the gateway, as a client of tokenizer-api.txt calls it, and holders on chain.</summary>
public sealed class SelfServiceClient(PlatformFixture platform)
{
    public IdentityApi Identity { get; } = new(platform);

    public PlatformChainAccess Chain { get; } = new(platform);

    /// <summary>A fresh account on PRO_PLUS, so that many requests stay within the gateway's per-user rate limit.</summary>
    public async Task<TestUser> ProPlusUserAsync()
    {
        var user = await Identity.SignUpAsync(IdentityApi.NewEmail("tokens"));
        var operatorToken = await Identity.OperatorTokenAsync();
        using (var change = await Identity.SendAsync(HttpMethod.Put, $"/api/admin/users/{user.Id}/plan", operatorToken, new { plan = "PRO_PLUS" }))
        {
            change.StatusCode.Should().Be(HttpStatusCode.OK, await change.Content.ReadAsStringAsync());
        }
        // The plan reaches TokenAdmin as an event; a fresh sign-in carries it in the token too.
        return user with { Token = await Identity.SignInTokenAsync(user) };
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string bearer, object? body = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return await platform.Gateway.SendAsync(request);
    }

    public async Task<JsonNode> OkAsync(HttpMethod method, string path, string bearer, object? body = null, string? idempotencyKey = null)
    {
        using var response = await SendAsync(method, path, bearer, body, idempotencyKey);
        return await response.ShouldBeOkJsonAsync();
    }

    public async Task<Address> DeployErc20Async(string bearer, bool permissionless = true, int decimals = 18)
    {
        var data = (await OkAsync(HttpMethod.Post, "/tokens", bearer,
            new { type = "ERC20", name = "Test Coin", symbol = "TST", decimals, isPermissionless = permissionless }))["data"]!;
        return Address.Parse(data["address"]!.GetValue<string>());
    }

    public async Task<Address> DeployErc721Async(string bearer, bool permissionless = true)
    {
        var data = (await OkAsync(HttpMethod.Post, "/tokens", bearer,
            new { type = "ERC721", name = "Test Art", symbol = "ART", isPermissionless = permissionless }))["data"]!;
        return Address.Parse(data["address"]!.GetValue<string>());
    }

    public TokenizerErc20Contract Erc20(Address token) => new(Chain.Rpc, token);

    public TokenizerErc721Contract Erc721(Address token) => new(Chain.Rpc, token);

    public Task<ulong> SignerNonceAsync() => Chain.Rpc.GetTransactionCountAsync(Chain.Signer, BlockTag.Pending);

    /// <summary>
    /// Sends a holder's transaction with a fixed gas limit (no pre-flight), so a refusal is a mined, failed
    /// transaction: the control really holds on chain. True when it succeeded.
    /// </summary>
    public async Task<bool> HolderSendsAsync(EthKey holder, ContractCall call)
    {
        var rpc = Chain.Rpc;
        var chainId = await rpc.GetChainIdAsync();
        var nonce = await rpc.GetTransactionCountAsync(holder.Address, BlockTag.Pending);
        var block = await rpc.GetBlockByNumberAsync(BlockTag.Latest);
        var signed = new Eip1559Transaction
        {
            ChainId = chainId,
            Nonce = nonce,
            MaxPriorityFeePerGas = 1_000_000_000,
            MaxFeePerGas = block!.BaseFeePerGas!.Value * 2 + 1_000_000_000,
            GasLimit = 300_000,
            To = call.To,
            Data = call.Data,
        }.Sign(holder);
        await rpc.SendRawTransactionAsync(signed);
        var receipt = await rpc.WaitForReceiptAsync(signed.Hash, TimeSpan.FromSeconds(30));
        receipt.Should().NotBeNull();
        return receipt!.Succeeded;
    }

    public static string Units(BigInteger value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
