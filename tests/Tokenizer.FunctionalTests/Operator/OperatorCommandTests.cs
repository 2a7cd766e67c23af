using System.Net;
using System.Numerics;
using System.Text.Json.Nodes;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Primitives;
using Tokenizer.FunctionalTests.Identity;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests.Operator;

/// <summary>Operator mint and burn through the gateway on the shared platform, checked against the chain itself.</summary>
[Collection(PlatformCollection.Name)]
public sealed class OperatorCommandTests(PlatformFixture platform) : IAsyncLifetime
{
    private static readonly BigInteger Ether = BigInteger.Pow(10, 18);
    private readonly PlatformChainAccess _chain = new(platform);
    private OperatorCommandsClient _operator = null!;

    public async Task InitializeAsync() =>
        _operator = new OperatorCommandsClient(platform.Gateway, _chain.Rpc, _chain.SignerKey, await new IdentityApi(platform).OperatorTokenAsync());

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_erc20_mint_and_burn_each_land_once_and_their_commands_show_the_confirming_transaction()
    {
        var token = await _operator.DeployErc20Async();
        var party = PlatformChainAccess.RandomAddress();
        var mintId = OperatorCommandsClient.NewCommandId("mint");

        var accepted = await _operator.SubmitAsync("mint", mintId, token, party, "100.0");
        ErrorAssertions.Canonical(accepted).Should().Be(ErrorAssertions.Canonical(new JsonObject { ["command_id"] = mintId, ["status"] = "submitted" }));
        var minted = await _operator.WaitForOutcomeAsync(mintId);
        minted["status"]!.GetValue<string>().Should().Be("confirmed", minted.ToJsonString());
        var updateId = minted["update_id"]!.GetValue<string>();
        updateId.Should().MatchRegex("^0x[0-9a-f]{64}$");
        var receipt = await _chain.Rpc.GetTransactionReceiptAsync(Hash32.Parse(updateId));
        receipt!.Succeeded.Should().BeTrue();
        ((long)receipt.BlockNumber).Should().Be(minted["block"]!.GetValue<long>());
        minted["instrument_id"]!.GetValue<string>().Should().Be(token.ToString(), "responses give EIP-55 addresses");
        minted["party_id"]!.GetValue<string>().Should().Be(party.ToString());
        (await _operator.BalanceOfAsync(token, party)).Should().Be(100 * Ether);

        // The same command again (amount as a number this time: the same body once normalised) changes nothing.
        var again = await _operator.SubmitAsync("mint", mintId, token, party, 100);
        ErrorAssertions.Canonical(again).Should().Be(ErrorAssertions.Canonical(accepted));

        var burnId = OperatorCommandsClient.NewCommandId("burn");
        await _operator.SubmitAsync("burn", burnId, token, party, "10.5");
        (await _operator.WaitForOutcomeAsync(burnId))["status"]!.GetValue<string>().Should().Be("confirmed");
        (await _operator.BalanceOfAsync(token, party)).Should().Be(895 * Ether / 10);

        await Task.Delay(1500);
        (await _operator.CountCommandEventsAsync(token, mintId)).Should().Be(1);
        (await _operator.CountCommandEventsAsync(token, burnId)).Should().Be(1);
        (await _operator.BalanceOfAsync(token, party)).Should().Be(895 * Ether / 10);
    }

    [Fact]
    public async Task Fifty_concurrent_repeats_of_one_command_id_mint_once_and_all_answer_alike()
    {
        var token = await _operator.DeployErc20Async(decimals: 6);
        var party = PlatformChainAccess.RandomAddress();
        var commandId = OperatorCommandsClient.NewCommandId("race");
        var body = new { command_id = commandId, instrument_id = token.ToString(), party_id = party.ToString(), amount = "7.25" };

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            using var response = await _operator.PostAsync("mint", body);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }));

        answers.Select(a => a.Item1).Should().AllBeEquivalentTo(200);
        answers.Select(a => a.Item2).Distinct().Should().ContainSingle();
        (await _operator.WaitForOutcomeAsync(commandId))["status"]!.GetValue<string>().Should().Be("confirmed");
        await Task.Delay(2000);
        (await _operator.CountCommandEventsAsync(token, commandId)).Should().Be(1);
        (await _operator.BalanceOfAsync(token, party)).Should().Be(7_250_000);
    }

    [Fact]
    public async Task A_command_id_reused_with_another_body_is_409_and_the_first_command_stands()
    {
        var token = await _operator.DeployErc20Async();
        var party = PlatformChainAccess.RandomAddress();
        var commandId = OperatorCommandsClient.NewCommandId("reuse");
        await _operator.SubmitAsync("mint", commandId, token, party, "1");

        using (var otherAmount = await _operator.PostAsync("mint", new { command_id = commandId, instrument_id = token.ToString(), party_id = party.ToString(), amount = "2" }))
        {
            await otherAmount.ShouldBeDetailAsync(HttpStatusCode.Conflict);
        }
        using (var otherKind = await _operator.PostAsync("burn", new { command_id = commandId, instrument_id = token.ToString(), party_id = party.ToString(), amount = "1" }))
        {
            await otherKind.ShouldBeDetailAsync(HttpStatusCode.Conflict);
        }

        (await _operator.WaitForOutcomeAsync(commandId))["status"]!.GetValue<string>().Should().Be("confirmed");
        (await _operator.BalanceOfAsync(token, party)).Should().Be(Ether);
    }

    [Fact]
    public async Task A_mint_the_token_refuses_fails_with_the_decoded_reason()
    {
        var token = await _operator.DeployErc20Async();
        await _operator.SendAsSignerAsync(new TokenizerErc20Contract(_chain.Rpc, token).Pause());
        var commandId = OperatorCommandsClient.NewCommandId("paused");

        await _operator.SubmitAsync("mint", commandId, token, PlatformChainAccess.RandomAddress(), "5");
        var outcome = await _operator.WaitForOutcomeAsync(commandId);

        outcome["status"]!.GetValue<string>().Should().Be("failed");
        outcome["failure_reason"]!.GetValue<string>().Should().Contain("paused");
        var burnId = OperatorCommandsClient.NewCommandId("broke");
        var token2 = await _operator.DeployErc20Async();
        await _operator.SubmitAsync("burn", burnId, token2, PlatformChainAccess.RandomAddress(), "5");
        (await _operator.WaitForOutcomeAsync(burnId))["failure_reason"]!.GetValue<string>().Should().Contain("insufficient balance");
    }

    [Fact]
    public async Task An_erc721_mint_creates_whole_token_ids_and_a_burn_takes_the_partys_lowest_ids()
    {
        var token = await _operator.DeployErc721Async();
        var party = PlatformChainAccess.RandomAddress();
        var nft = new TokenizerErc721Contract(_chain.Rpc, token);

        var mintId = OperatorCommandsClient.NewCommandId("nft-mint");
        await _operator.SubmitAsync("mint", mintId, token, party, 3);
        (await _operator.WaitForOutcomeAsync(mintId))["status"]!.GetValue<string>().Should().Be("confirmed");
        (await nft.BalanceOfAsync(party)).Should().Be(3);

        using (var fractional = await _operator.PostAsync("mint", new { command_id = OperatorCommandsClient.NewCommandId("nft-half"), instrument_id = token.ToString(), party_id = party.ToString(), amount = "1.5" }))
        {
            var body = await ShouldBeValidationAsync(fractional);
            body.Should().ContainSingle().Which!["loc"]!.AsArray().Select(l => l!.GetValue<string>()).Should().Equal("body", "amount");
        }

        var burnId = OperatorCommandsClient.NewCommandId("nft-burn");
        await _operator.SubmitAsync("burn", burnId, token, party, "2");
        (await _operator.WaitForOutcomeAsync(burnId))["status"]!.GetValue<string>().Should().Be("confirmed");
        (await nft.BalanceOfAsync(party)).Should().Be(1);
        (await nft.OwnerOfAsync(3)).Should().Be(party, "ids 1 and 2 were the lowest and are gone");

        var tooMany = OperatorCommandsClient.NewCommandId("nft-too-many");
        await _operator.SubmitAsync("burn", tooMany, token, party, 2);
        (await _operator.WaitForOutcomeAsync(tooMany))["failure_reason"]!.GetValue<string>().Should().Contain("holds 1");
        (await nft.BalanceOfAsync(party)).Should().Be(1);
    }

    [Fact]
    public async Task Every_bad_field_is_its_own_422_entry_and_nothing_is_stored()
    {
        var token = await _operator.DeployErc20Async(decimals: 2);
        var party = PlatformChainAccess.RandomAddress().ToString();
        var lower = party.ToLowerInvariant();
        var letter = party.IndexOfAny("abcdefABCDEF".ToCharArray(), 2);
        var badChecksum = party[..letter] + (char.IsUpper(party[letter]) ? char.ToLowerInvariant(party[letter]) : char.ToUpperInvariant(party[letter])) + party[(letter + 1)..];

        // Shape errors, one entry per field.
        using (var all = await _operator.PostRawAsync("mint", """{"amount": true}"""))
        {
            var entries = await ShouldBeValidationAsync(all);
            entries.Select(e => e!["loc"]![1]!.GetValue<string>()).Should().BeEquivalentTo("command_id", "instrument_id", "party_id", "amount");
        }
        using (var notJson = await _operator.PostRawAsync("mint", "{not json"))
        {
            await ShouldBeValidationAsync(notJson);
        }

        var cases = new (string Field, object Amount, string Party)[]
        {
            ("amount", "0", lower), ("amount", "-1", lower), ("amount", "abc", lower), ("amount", "1.234", lower),
            ("amount", "1e80", lower), ("amount", "", lower), ("party_id", "1", badChecksum), ("party_id", "1", "alice::122"),
            ("party_id", "1", "0x0000000000000000000000000000000000000000"),
        };
        foreach (var (field, amount, partyId) in cases)
        {
            var commandId = OperatorCommandsClient.NewCommandId("bad");
            using var response = await _operator.PostAsync("mint", new { command_id = commandId, instrument_id = token.ToString(), party_id = partyId, amount });
            var entries = await ShouldBeValidationAsync(response, $"{field} {amount} {partyId}");
            entries.Should().ContainSingle($"{field} {amount} {partyId}").Which!["loc"]!.AsArray().Select(l => l!.GetValue<string>()).Should().Equal("body", field);
            (await _operator.GetCommandAsync(commandId)).Status.Should().Be(HttpStatusCode.NotFound, "a refused command is not stored");
        }

        // Upper-case and lower-case addresses are accepted; the answers give EIP-55.
        var upperId = OperatorCommandsClient.NewCommandId("upper");
        await _operator.SubmitAsync("mint", upperId, token, Address.Parse(party), "0.01");
        using (var upper = await _operator.PostAsync("mint", new { command_id = upperId, instrument_id = "0x" + token.ToLowerHex()[2..].ToUpperInvariant(), party_id = lower, amount = 0.010 }))
        {
            (await upper.ShouldBeOkJsonAsync())["command_id"]!.GetValue<string>().Should().Be(upperId, "the same command in another spelling is a repeat");
        }

        using (var unknown = await _operator.PostAsync("mint", new { command_id = OperatorCommandsClient.NewCommandId("unknown"), instrument_id = PlatformChainAccess.RandomAddress().ToString(), party_id = lower, amount = "1" }))
        {
            await unknown.ShouldBeDetailAsync(HttpStatusCode.NotFound);
        }
        var (status, body) = await _operator.GetCommandAsync(OperatorCommandsClient.NewCommandId("never"));
        status.Should().Be(HttpStatusCode.NotFound);
        body!["detail"].Should().NotBeNull();
        using (var badLimit = await new IdentityApi(platform).SendAsync(HttpMethod.Get, "/api/admin/commands?limit=0&status=nope", _operator.Bearer))
        {
            (await ShouldBeValidationAsync(badLimit)).Select(e => e!["loc"]![1]!.GetValue<string>()).Should().BeEquivalentTo("limit", "status");
        }
    }

    [Fact]
    public async Task Operator_commands_need_an_operator_401_without_a_token_and_403_for_a_user()
    {
        var identity = new IdentityApi(platform);
        var user = await identity.SignUpAsync();
        var body = new { command_id = "x", instrument_id = PlatformChainAccess.RandomAddress().ToString(), party_id = PlatformChainAccess.RandomAddress().ToString(), amount = "1" };
        foreach (var path in new[] { "/api/admin/mint", "/api/admin/burn", "/api/admin/commands", "/api/admin/commands/x" })
        {
            var method = path.EndsWith("mint", StringComparison.Ordinal) || path.EndsWith("burn", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get;
            using (var anonymous = await identity.SendAsync(method, path, null, method == HttpMethod.Post ? body : null))
            {
                await anonymous.ShouldBeDetailAsync(HttpStatusCode.Unauthorized);
            }
            using var asUser = await identity.SendAsync(method, path, user.Token, method == HttpMethod.Post ? body : null);
            await asUser.ShouldBeDetailAsync(HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task The_command_list_pages_newest_first_and_filters_by_status()
    {
        var token = await _operator.DeployErc20Async();
        var party = PlatformChainAccess.RandomAddress();
        var first = OperatorCommandsClient.NewCommandId("list");
        var second = OperatorCommandsClient.NewCommandId("list");
        await _operator.SubmitAsync("mint", first, token, party, "1");
        await _operator.SubmitAsync("mint", second, token, party, "1");
        await _operator.WaitForOutcomeAsync(first);
        await _operator.WaitForOutcomeAsync(second);

        var identity = new IdentityApi(platform);
        var page = await identity.GetJsonAsync("/api/admin/commands?status=confirmed&limit=2&offset=0", _operator.Bearer);
        page["limit"]!.GetValue<int>().Should().Be(2);
        page["total"]!.GetValue<long>().Should().BeGreaterThanOrEqualTo(2);
        page["commands"]!.AsArray().Select(c => c!["command_id"]!.GetValue<string>()).Should().Equal(second, first);
        page["commands"]!.AsArray().Should().OnlyContain(c => c!["status"]!.GetValue<string>() == "confirmed");

        var metrics = await identity.GetJsonAsync("/metrics", _operator.Bearer);
        (await TokenAdminMetricsAsync()).Should().ContainKeys(
            "tokenadmin.commands.accepted", "tokenadmin.commands.sent", "tokenadmin.commands.confirmed", "tokenadmin.commands.in_flight",
            "tokenadmin.commands.oldest_pending_age");
        metrics.Should().NotBeNull();
    }

    [Fact]
    public async Task TokenAdmin_describes_the_operator_commands_in_openapi_with_the_documented_examples()
    {
        using var direct = new HttpClient { BaseAddress = platform.GetServiceUrl(ResourceNames.TokenAdmin) };
        var document = JsonNode.Parse(await direct.GetStringAsync("/openapi/v1.json"))!;
        var paths = document["paths"]!.AsObject();
        paths.Select(p => p.Key).Should().Contain(["/api/admin/mint", "/api/admin/burn", "/api/admin/commands", "/api/admin/commands/{command_id}"]);
        var mint = paths["/api/admin/mint"]!["post"]!;
        mint["requestBody"]!["content"]!["application/json"]!["example"]!["command_id"]!.GetValue<string>().Should().Be("mint-2025-01-01-001");
        mint["responses"]!["200"]!["content"]!["application/json"]!["example"]!["status"]!.GetValue<string>().Should().Be("submitted");
    }

    private async Task<IDictionary<string, JsonNode?>> TokenAdminMetricsAsync()
    {
        using var direct = new HttpClient { BaseAddress = platform.GetServiceUrl(ResourceNames.TokenAdmin) };
        var json = JsonNode.Parse(await direct.GetStringAsync("/metrics"))!;
        return json["metrics"]!.AsObject().ToDictionary(p => p.Key, p => p.Value);
    }

    private static async Task<JsonArray> ShouldBeValidationAsync(HttpResponseMessage response, string? what = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, $"{what}: {text}");
        var detail = JsonNode.Parse(text)!["detail"]!.AsArray();
        detail.Should().NotBeEmpty();
        detail.Should().OnlyContain(e => e!["loc"] is JsonArray && e["msg"] != null && e["type"] != null, text);
        return detail;
    }
}
