using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json.Nodes;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;
using Tokenizer.FunctionalTests.Identity;
using Tokenizer.FunctionalTests.Infrastructure;
using Tokenizer.FunctionalTests.Operator;

namespace Tokenizer.FunctionalTests.Tokens;

/// <summary>
/// 503 DEPLOY_UNAVAILABLE: the signer without gas money, and deploys switched off by configuration. On the fault
/// tests' own platform (<see cref="FaultPlatform"/>), since they drain the signer and restart TokenAdmin.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class DeployUnavailableTests(FaultPlatform faults) : IClassFixture<FaultPlatform>
{
    private static readonly object Deploy = new { type = "ERC20", name = "Unavailable", symbol = "NA", decimals = 0, isPermissionless = true };

    private HttpClient Gateway => faults.Operator.Gateway;

    private EthRpcClient Rpc => faults.Operator.Rpc;

    private Address Signer => faults.Operator.Signer.Address;

    [Fact]
    public async Task A_signer_that_cannot_pay_for_gas_makes_deploys_503_taking_no_quota_and_sending_nothing_until_it_is_funded()
    {
        var bearer = await SignUpAsync("unfunded");
        var balance = await Rpc.GetBalanceAsync(Signer, BlockTag.Latest);
        var nonce = await Rpc.GetTransactionCountAsync(Signer, BlockTag.Pending);
        await SetBalanceAsync(0);
        try
        {
            using var refused = await PostAsync(bearer, "/tokens", Deploy);
            await refused.ShouldBeErrorAsync(HttpStatusCode.ServiceUnavailable, "DEPLOY_UNAVAILABLE");
            (await Rpc.GetTransactionCountAsync(Signer, BlockTag.Pending)).Should().Be(nonce, "nothing was sent");
            (await UsedAsync(bearer)).Should().Be(0, "a refused deploy takes no quota");
        }
        finally
        {
            await SetBalanceAsync(balance);
        }

        using var deployed = await PostAsync(bearer, "/tokens", Deploy);
        (await deployed.ShouldBeOkJsonAsync())["data"]!["address"]!.GetValue<string>().Should().StartWith("0x");
        (await UsedAsync(bearer)).Should().Be(1);
    }

    [Fact]
    public async Task Deploys_switched_off_by_configuration_are_503_taking_no_quota_and_sending_nothing_until_switched_back_on()
    {
        var bearer = await SignUpAsync("switched-off");
        faults.DeploysEnabled = false;
        try
        {
            await faults.RestartAsync(ResourceNames.TokenAdmin);
            var nonce = await Rpc.GetTransactionCountAsync(Signer, BlockTag.Pending);
            using var refused = await PostAsync(bearer, "/tokens", Deploy);
            await refused.ShouldBeErrorAsync(HttpStatusCode.ServiceUnavailable, "DEPLOY_UNAVAILABLE");
            (await refused.Content.ReadAsStringAsync()).Should().Contain("switched off");
            (await Rpc.GetTransactionCountAsync(Signer, BlockTag.Pending)).Should().Be(nonce, "nothing was sent");
            (await UsedAsync(bearer)).Should().Be(0, "a refused deploy takes no quota");
        }
        finally
        {
            faults.DeploysEnabled = true;
            await faults.RestartAsync(ResourceNames.TokenAdmin);
        }

        using var deployed = await PostAsync(bearer, "/tokens", Deploy);
        await deployed.ShouldBeOkJsonAsync();
        (await UsedAsync(bearer)).Should().Be(1);
    }

    private async Task<string> SignUpAsync(string tag)
    {
        using var signUp = await Gateway.PostAsJsonAsync("/auth/signup", new { email = IdentityApi.NewEmail(tag), password = "correct horse battery" });
        return (await signUp.ShouldBeOkJsonAsync())["token"]!.GetValue<string>();
    }

    private async Task<HttpResponseMessage> PostAsync(string bearer, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return await Gateway.SendAsync(request);
    }

    private async Task<int> UsedAsync(string bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/stats");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await Gateway.SendAsync(request);
        return (await response.ShouldBeOkJsonAsync())["used"]!.GetValue<int>();
    }

    private Task SetBalanceAsync(BigInteger wei) =>
        Rpc.RequestAsync("anvil_setBalance", [JsonValue.Create(Signer.ToString()), JsonValue.Create("0x" + wei.ToString("x", System.Globalization.CultureInfo.InvariantCulture).TrimStart('0').PadLeft(1, '0'))]);
}
