using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Tokenizer.Chain.Primitives;
using Tokenizer.FunctionalTests.Infrastructure;
using Tokenizer.FunctionalTests.Ledger;
using Tokenizer.FunctionalTests.Monitor;
using Tokenizer.FunctionalTests.Operator;
using Tokenizer.FunctionalTests.Tokens;

namespace Tokenizer.FunctionalTests.EndToEnd;

/// <summary>
/// The two APIs over one token, with nothing played by the test: a user deploys and mints through the self-service
/// API, an operator mints and burns through the operator API, and the Monitor's real feeds bring history, holdings and
/// status to what the chain shows.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class TokenJourneyTests(PlatformFixture platform)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_self_service_token_minted_by_its_user_and_by_an_operator_shows_in_history_holdings_and_status_as_on_chain()
    {
        var selfService = new SelfServiceClient(platform);
        var user = await selfService.ProPlusUserAsync();
        var token = await selfService.DeployErc20Async(user.Token, decimals: 6);
        var alice = PlatformChainAccess.RandomAddress();
        var bob = PlatformChainAccess.RandomAddress();

        var mintKey = $"journey-self-{Guid.NewGuid():N}";
        await selfService.OkAsync(HttpMethod.Post, $"/tokens/{token}/mint", user.Token, new { owner = alice.ToString(), amount = "5000000" }, mintKey);

        var operatorToken = await selfService.Identity.OperatorTokenAsync();
        var operators = new OperatorCommandsClient(platform.Gateway, selfService.Chain.Rpc, selfService.Chain.SignerKey, operatorToken);
        var operatorMint = OperatorCommandsClient.NewCommandId("journey-mint");
        var operatorBurn = OperatorCommandsClient.NewCommandId("journey-burn");
        await operators.SubmitAsync("mint", operatorMint, token, bob, "2.5");
        (await operators.WaitForOutcomeAsync(operatorMint))["status"]!.GetValue<string>().Should().Be("confirmed");
        await operators.SubmitAsync("burn", operatorBurn, token, alice, 1.5m);
        (await operators.WaitForOutcomeAsync(operatorBurn))["status"]!.GetValue<string>().Should().Be("confirmed");

        var erc20 = selfService.Erc20(token);
        (await erc20.BalanceOfAsync(alice)).Should().Be(new BigInteger(3_500_000));
        (await erc20.BalanceOfAsync(bob)).Should().Be(new BigInteger(2_500_000));

        // History: every confirmed mint and burn, each with the caller's own command id.
        var ledger = new LedgerReader(platform);
        var mints = await ledger.WaitForAsync($"/data/admin/mints?instrument_id={token}", json => json.AsArray().Count == 2, "both mints are confirmed");
        mints.AsArray().Select(row => row!["command_id"]!.GetValue<string>()).Should().BeEquivalentTo([mintKey, operatorMint]);
        Units(mints.AsArray().Single(row => row!["command_id"]!.GetValue<string>() == operatorMint)!["amount"]).Should().Be(2.5m);
        mints.AsArray().Single(row => row!["command_id"]!.GetValue<string>() == mintKey)!["party_id"]!.GetValue<string>().Should().Be(alice.ToString());
        var burns = await ledger.WaitForAsync($"/data/admin/burns?instrument_id={token}", json => json.AsArray().Count == 1, "the burn is confirmed");
        burns[0]!["command_id"]!.GetValue<string>().Should().Be(operatorBurn);
        Units(burns[0]!["amount"]).Should().Be(1.5m);
        var (burnStatus, burnCommand) = await operators.GetCommandAsync(operatorBurn);
        burnStatus.Should().Be(System.Net.HttpStatusCode.OK);
        burns[0]!["update_id"]!.GetValue<string>().Should().Be(burnCommand!["update_id"]!.GetValue<string>());

        // Holdings and status: the latest scan, as the chain has it.
        var holdings = await ledger.WaitForAsync($"/data/admin/holdings?instrument_id={token}",
            json => json["total"]!.GetValue<int>() == 2 && json["holdings"]!.AsArray().Sum(h => Units(h!["amount"])) == 6.0m, "a scan after the burn is stored");
        holdings["holdings"]!.AsArray().ToDictionary(h => h!["party_id"]!.GetValue<string>(), h => Units(h!["amount"]))
            .Should().BeEquivalentTo(new Dictionary<string, decimal> { [alice.ToString()] = 3.5m, [bob.ToString()] = 2.5m });

        var status = await StatusApiClient.ForAsync(platform);
        var snapshot = await status.WaitForAsync(json => json["tokens"]?[token.ToString()]?["total_supply"] is { } supply && Units(supply) == 6.0m,
            Patience, "the status snapshot shows the token's supply after the burn");
        var figures = snapshot["tokens"]![token.ToString()]!;
        figures["unique_holders"]!.GetValue<int>().Should().Be(2);
        Units(figures["top_holder_share"]).Should().Be(0.583333m, "3.5 of 6, rounded half-even to 6 places");
    }

    private static decimal Units(JsonNode? value) => decimal.Parse(value!.GetValue<string>(), NumberStyles.Number, CultureInfo.InvariantCulture);
}
