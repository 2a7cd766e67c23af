using System.Net;
using System.Numerics;
using System.Text.Json.Nodes;
using Tokenizer.Chain.Primitives;
using Tokenizer.FunctionalTests.Identity;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests.Tokens;

[Collection(PlatformCollection.Name)]
public sealed class SelfServiceTokenTests(PlatformFixture platform)
{
    private readonly SelfServiceClient _api = new(platform);

    [Fact]
    public async Task The_documented_erc20_flow_deploys_mints_and_publishes_metadata_on_chain()
    {
        var user = await _api.ProPlusUserAsync();
        var stats = await _api.OkAsync(HttpMethod.Get, "/stats", user.Token);
        stats["plan"]!.GetValue<string>().Should().Be("PRO_PLUS");
        stats["limit"]!.GetValue<int>().Should().Be(1000);
        stats["used"]!.GetValue<int>().Should().Be(0);
        stats["remaining"]!.GetValue<int>().Should().Be(1000);
        var now = DateTime.UtcNow;
        DateTime.Parse(stats["resetsAt"]!.GetValue<string>(), null, System.Globalization.DateTimeStyles.AdjustToUniversal)
            .Should().Be(new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1));

        var deployed = await _api.OkAsync(HttpMethod.Post, "/tokens", user.Token,
            new { type = "ERC20", name = "Flow Coin", symbol = "FLOW", decimals = 6, isPermissionless = true });
        deployed["success"]!.GetValue<bool>().Should().BeTrue();
        var data = deployed["data"]!;
        var address = Address.Parse(data["address"]!.GetValue<string>());
        data["address"]!.GetValue<string>().Should().Be(address.ToString(), "addresses are EIP-55");
        data["type"]!.GetValue<string>().Should().Be("ERC20");
        data["name"]!.GetValue<string>().Should().Be("Flow Coin");
        data["symbol"]!.GetValue<string>().Should().Be("FLOW");
        var deployHash = data["transaction"]!["hash"]!.GetValue<string>();
        deployHash.Should().MatchRegex("^0x[0-9a-f]{64}$");
        var explorerUrl = data["transaction"]!["explorerUrl"]!.GetValue<string>();
        explorerUrl.Should().EndWith("/tx/" + deployHash);

        // The token exists on chain as deployed, independently read.
        var token = _api.Erc20(address);
        (await token.NameAsync()).Should().Be("Flow Coin");
        (await token.DecimalsAsync()).Should().Be(6);
        (await token.OwnerAsync()).Should().Be(_api.Chain.Signer);

        var list = (await _api.OkAsync(HttpMethod.Get, "/tokens", user.Token)).AsArray();
        list.Should().ContainSingle();
        list[0]!["address"]!.GetValue<string>().Should().Be(address.ToString());
        list[0]!["createdAt"]!.GetValue<string>().Should().EndWith("Z");
        data["createdAt"]!.GetValue<string>().Should().EndWith("Z");

        var details = await _api.OkAsync(HttpMethod.Get, $"/tokens/{address.ToLowerHex()}", user.Token);
        details["paused"]!.GetValue<bool>().Should().BeFalse();
        details["transferLocked"]!.GetValue<bool>().Should().BeFalse();
        details["permissionless"]!.GetValue<bool>().Should().BeTrue();
        details["owner"]!.GetValue<string>().Should().Be(_api.Chain.Signer.ToString());
        details["creator"]!.GetValue<string>().Should().Be(user.Id);

        var holder = PlatformChainAccess.RandomAddress();
        var minted = await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/mint", user.Token, new { owner = holder.ToLowerHex(), amount = "2500000" });
        var mintHash = minted["data"]!["transaction"]!["hash"]!.GetValue<string>();
        mintHash.Should().MatchRegex("^0x[0-9a-f]{64}$");
        (await token.BalanceOfAsync(holder)).Should().Be(new BigInteger(2_500_000));

        // Once answered, both transactions are spent in the signer's durable nonce store: nothing left to resend.
        await using (var store = new Npgsql.NpgsqlConnection(platform.TokenAdminDbConnectionString))
        {
            await store.OpenAsync();
            await using var select = new Npgsql.NpgsqlCommand("select hash, status from chain_transactions where hash = any(@hashes)", store);
            select.Parameters.AddWithValue("hashes", new[] { deployHash, mintHash });
            var rows = new Dictionary<string, string>();
            await using (var reader = await select.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    rows[reader.GetString(0)] = reader.GetString(1);
                }
            }
            rows.Should().BeEquivalentTo(new Dictionary<string, string> { [deployHash] = "confirmed", [mintHash] = "confirmed" });
        }

        using (var put = await _api.SendAsync(HttpMethod.Put, $"/tokens/{address}/metadata", user.Token, new
        {
            name = "Flow Coin",
            description = "A coin that flows",
            image = "https://cdn.example.com/flow.png",
            attributes = new Dictionary<string, object> { ["tier"] = "gold", ["rank"] = 7, ["live"] = true },
        }))
        {
            (await put.ShouldBeOkJsonAsync())["success"]!.GetValue<bool>().Should().BeTrue();
        }
        (await token.GetMetadataAsync()).Description.Should().Be("A coin that flows");
        var keys = (await _api.OkAsync(HttpMethod.Get, $"/tokens/{address}/metadata/keys", user.Token)).AsArray().Select(k => k!.GetValue<string>());
        keys.Should().BeEquivalentTo("tier", "rank", "live");

        // Public, no auth; attribute values keep their JSON types.
        using var uri = await platform.Gateway.GetAsync($"/tokenURI/{address}");
        var json = await uri.ShouldBeOkJsonAsync();
        json["name"]!.GetValue<string>().Should().Be("Flow Coin");
        json["image"]!.GetValue<string>().Should().Be("https://cdn.example.com/flow.png");
        json["attributes"]!["tier"]!.GetValue<string>().Should().Be("gold");
        json["attributes"]!["rank"]!.GetValue<decimal>().Should().Be(7);
        json["attributes"]!["live"]!.GetValue<bool>().Should().BeTrue();

        // A change invalidates the cached answer.
        await _api.OkAsync(HttpMethod.Put, $"/tokens/{address}/metadata", user.Token, new { name = "Flow Coin", description = "Changed" });
        using var after = await platform.Gateway.GetAsync($"/tokenURI/{address}");
        (await after.ShouldBeOkJsonAsync())["description"]!.GetValue<string>().Should().Be("Changed");

        // explorerUrl leads to the platform's own transaction page.
        using var page = await platform.Gateway.GetAsync(new Uri(explorerUrl).PathAndQuery);
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        var html = await page.Content.ReadAsStringAsync();
        html.Should().Contain(deployHash).And.Contain("success").And.Contain("TokenDeployedEvent");

        (await _api.OkAsync(HttpMethod.Get, "/stats", user.Token))["used"]!.GetValue<int>().Should().Be(2, "a deploy and a mint");
    }

    [Fact]
    public async Task The_documented_erc721_flow_mints_ids_whose_token_uri_resolves_to_the_platform()
    {
        var user = await _api.ProPlusUserAsync();
        var address = await _api.DeployErc721Async(user.Token);
        var holder = PlatformChainAccess.RandomAddress();

        var first = await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/mint", user.Token, new { owner = holder.ToString() });
        first["data"]!["tokenId"]!.GetValue<string>().Should().Be("1");
        var second = await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/mint", user.Token, new { owner = holder.ToString() });
        second["data"]!["tokenId"]!.GetValue<string>().Should().Be("2");
        var token = _api.Erc721(address);
        (await token.OwnerOfAsync(2)).Should().Be(holder);

        await _api.OkAsync(HttpMethod.Put, $"/tokens/{address}/metadata", user.Token,
            new { tokenId = "2", name = "Piece two", description = "The second", attributes = new { edition = 2 } });

        // tokenURI(id) on chain names the platform's endpoint; following it gives the metadata.
        var onChain = new Uri(await token.TokenUriAsync(2));
        onChain.AbsolutePath.Should().Be($"/tokenURI/{address.ToLowerHex()}/2");
        using var response = await platform.Gateway.GetAsync(onChain.PathAndQuery);
        var json = await response.ShouldBeOkJsonAsync();
        json["name"]!.GetValue<string>().Should().Be("Piece two");
        json["attributes"]!["edition"]!.GetValue<decimal>().Should().Be(2);

        using (var missing = await platform.Gateway.GetAsync($"/tokenURI/{address}/99"))
        {
            await missing.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        }
        using (var noId = await platform.Gateway.GetAsync($"/tokenURI/{address}"))
        {
            await noId.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        }
        using (var metadataOfMissing = await _api.SendAsync(HttpMethod.Put, $"/tokens/{address}/metadata", user.Token,
                   new { tokenId = "99", name = "x", description = "y" }))
        {
            await metadataOfMissing.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        }
    }

    [Fact]
    public async Task A_token_deployed_by_an_account_with_a_wallet_is_owned_by_that_wallet_and_without_one_by_the_signer()
    {
        var user = await _api.ProPlusUserAsync();
        var wallet = PlatformChainAccess.DevKey(3).Address;
        using (var patch = await _api.Identity.SendAsync(HttpMethod.Patch, "/me", user.Token, new { walletAddress = wallet.ToLowerHex() }))
        {
            (await patch.ShouldBeOkJsonAsync())["walletAddress"]!.GetValue<string>().Should().Be(wallet.ToString());
        }

        var erc20 = await _api.DeployErc20Async(user.Token);
        var erc721 = await _api.DeployErc721Async(user.Token);
        foreach (var address in new[] { erc20, erc721 })
        {
            (await _api.OkAsync(HttpMethod.Get, $"/tokens/{address}", user.Token))["owner"]!.GetValue<string>().Should().Be(wallet.ToString());
            (await OwnerOnChainAsync(address)).Should().Be(wallet, "owner() on chain names the account's wallet");
        }
        // The platform signer still holds every role: writes go on as before, and the wallet cannot act by itself.
        var holder = PlatformChainAccess.RandomAddress();
        await _api.OkAsync(HttpMethod.Post, $"/tokens/{erc20}/mint", user.Token, new { owner = holder.ToString(), amount = "7" });
        await _api.OkAsync(HttpMethod.Post, $"/tokens/{erc20}/pause", user.Token);
        (await _api.Erc20(erc20).BalanceOfAsync(holder)).Should().Be(7);
        (await _api.HolderSendsAsync(PlatformChainAccess.DevKey(3), _api.Erc20(erc20).Unpause())).Should().BeFalse("the owner holds no role");
        (await _api.Erc20(erc20).PausedAsync()).Should().BeTrue();

        // Without a wallet (cleared), the next token is owned by the platform signer.
        using (var clear = await _api.Identity.SendAsync(HttpMethod.Patch, "/me", user.Token, new { walletAddress = (string?)null }))
        {
            (await clear.ShouldBeOkJsonAsync())["walletAddress"].Should().BeNull();
        }
        var unowned = await _api.DeployErc20Async(user.Token);
        (await _api.OkAsync(HttpMethod.Get, $"/tokens/{unowned}", user.Token))["owner"]!.GetValue<string>().Should().Be(_api.Chain.Signer.ToString());
        (await OwnerOnChainAsync(unowned)).Should().Be(_api.Chain.Signer);
        (await _api.OkAsync(HttpMethod.Get, $"/tokens/{erc20}", user.Token))["owner"]!.GetValue<string>().Should().Be(wallet.ToString(), "owner is fixed at deploy");
    }

    [Fact]
    public async Task Erc721_metadata_is_per_token_id_on_chain_and_a_change_clears_that_ids_cached_token_uri()
    {
        var user = await _api.ProPlusUserAsync();
        var address = await _api.DeployErc721Async(user.Token);
        var holder = PlatformChainAccess.RandomAddress();
        await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/mint", user.Token, new { owner = holder.ToString() });
        await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/mint", user.Token, new { owner = holder.ToString() });
        var token = _api.Erc721(address);

        (await _api.OkAsync(HttpMethod.Put, $"/tokens/{address}/metadata", user.Token, new
        {
            tokenId = "1",
            name = "Piece one",
            description = "The first",
            image = "https://cdn.example.com/1.png",
            attributes = new Dictionary<string, object> { ["color"] = "red", ["weight"] = 1.5, ["rare"] = false },
        }))["success"]!.GetValue<bool>().Should().BeTrue();

        // On chain, read independently: id 1 has the record, id 2 has none.
        var onChain = await token.GetTokenMetadataAsync(1);
        onChain.Name.Should().Be("Piece one");
        onChain.Description.Should().Be("The first");
        onChain.Image.Should().Be("https://cdn.example.com/1.png");
        onChain.Attributes.Select(a => a.Key).Should().Equal("color", "weight", "rare");
        (await token.HasTokenMetadataAsync(2)).Should().BeFalse();

        (await _api.OkAsync(HttpMethod.Get, $"/tokens/{address}/metadata/keys?tokenId=1", user.Token)).AsArray()
            .Select(k => k!.GetValue<string>()).Should().Equal("color", "weight", "rare");
        (await _api.OkAsync(HttpMethod.Get, $"/tokens/{address}/metadata/keys?tokenId=2", user.Token)).AsArray().Should().BeEmpty();
        using (var noId = await _api.SendAsync(HttpMethod.Get, $"/tokens/{address}/metadata/keys", user.Token))
        {
            await noId.ShouldBeErrorAsync(HttpStatusCode.UnprocessableEntity, "VALIDATION_ERROR");
            (await noId.Content.ReadAsStringAsync()).Should().Contain("tokenId");
        }
        using (var missing = await _api.SendAsync(HttpMethod.Get, $"/tokens/{address}/metadata/keys?tokenId=3", user.Token))
        {
            await missing.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        }
        using (var putWithoutId = await _api.SendAsync(HttpMethod.Put, $"/tokens/{address}/metadata", user.Token, new { name = "x", description = "y" }))
        {
            await putWithoutId.ShouldBeErrorAsync(HttpStatusCode.UnprocessableEntity, "VALIDATION_ERROR");
            (await putWithoutId.Content.ReadAsStringAsync()).Should().Contain("tokenId");
        }

        // /tokenURI answers each id's own metadata, attribute values in their JSON types.
        var first = await TokenUriAsync(address, 1);
        first["name"]!.GetValue<string>().Should().Be("Piece one");
        first["image"]!.GetValue<string>().Should().Be("https://cdn.example.com/1.png");
        first["attributes"]!["color"]!.GetValue<string>().Should().Be("red");
        first["attributes"]!["weight"]!.GetValue<decimal>().Should().Be(1.5m);
        first["attributes"]!["rare"]!.GetValue<bool>().Should().BeFalse();
        (await TokenUriAsync(address, 2))["name"]!.GetValue<string>().Should().Be("Test Art #2", "an id without metadata is named after the token");

        // Both answers are cached now; changing id 1 clears its entry, so the next read shows the change.
        await _api.OkAsync(HttpMethod.Put, $"/tokens/{address}/metadata", user.Token,
            new { tokenId = "1", name = "Piece one, revised", description = "Changed", attributes = new { color = "blue" } });
        (await token.GetTokenMetadataAsync(1)).Description.Should().Be("Changed");
        var changed = await TokenUriAsync(address, 1);
        changed["name"]!.GetValue<string>().Should().Be("Piece one, revised");
        changed["description"]!.GetValue<string>().Should().Be("Changed");
        changed["image"]!.GetValue<string>().Should().BeEmpty();
        changed["attributes"]!.AsObject().Select(a => a.Key).Should().Equal("color");
        (await TokenUriAsync(address, 2))["name"]!.GetValue<string>().Should().Be("Test Art #2");
    }

    [Fact]
    public async Task Every_control_is_enforced_on_chain_and_refused_writes_take_no_quota()
    {
        var user = await _api.ProPlusUserAsync();
        var address = await _api.DeployErc20Async(user.Token);
        var token = _api.Erc20(address);
        var alice = PlatformChainAccess.DevKey(4);
        var bob = PlatformChainAccess.DevKey(5);
        await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/mint", user.Token, new { owner = alice.Address.ToString(), amount = "1000" });
        (await _api.HolderSendsAsync(alice, token.Transfer(bob.Address, 1))).Should().BeTrue("nothing blocks transfers yet");

        // Pause: transfers fail on chain, mints are refused before the chain and take no quota.
        (await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/pause", user.Token))["success"]!.GetValue<bool>().Should().BeTrue();
        (await token.PausedAsync()).Should().BeTrue();
        (await _api.HolderSendsAsync(alice, token.Transfer(bob.Address, 1))).Should().BeFalse("paused");
        var used = (await _api.OkAsync(HttpMethod.Get, "/stats", user.Token))["used"]!.GetValue<int>();
        var nonce = await _api.SignerNonceAsync();
        using (var refused = await _api.SendAsync(HttpMethod.Post, $"/tokens/{address}/mint", user.Token, new { owner = alice.Address.ToString(), amount = "1" }))
        {
            await refused.ShouldBeErrorAsync(HttpStatusCode.Conflict, "CONFLICT");
        }
        (await _api.SignerNonceAsync()).Should().Be(nonce, "nothing was sent");
        (await _api.OkAsync(HttpMethod.Get, "/stats", user.Token))["used"]!.GetValue<int>().Should().Be(used);
        (await _api.OkAsync(HttpMethod.Get, $"/tokens/{address}", user.Token))["paused"]!.GetValue<bool>().Should().BeTrue();
        await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/unpause", user.Token);
        (await token.PausedAsync()).Should().BeFalse();

        // Transfer lock: holder transfers fail, mints still work.
        await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/lock-transfers", user.Token);
        (await token.TransfersLockedAsync()).Should().BeTrue();
        (await _api.HolderSendsAsync(alice, token.Transfer(bob.Address, 1))).Should().BeFalse("transfers are locked");
        await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/mint", user.Token, new { owner = alice.Address.ToString(), amount = "1" });
        (await _api.OkAsync(HttpMethod.Get, $"/tokens/{address}", user.Token))["transferLocked"]!.GetValue<bool>().Should().BeTrue();
        await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/unlock-transfers", user.Token);

        // Freeze: the account can neither send nor receive; a mint to it is refused before the chain.
        await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/freeze", user.Token, new { account = alice.Address.ToLowerHex() });
        (await token.IsFrozenAsync(alice.Address)).Should().BeTrue();
        (await _api.HolderSendsAsync(alice, token.Transfer(bob.Address, 1))).Should().BeFalse("alice is frozen");
        using (var refused = await _api.SendAsync(HttpMethod.Post, $"/tokens/{address}/mint", user.Token, new { owner = alice.Address.ToString(), amount = "1" }))
        {
            await refused.ShouldBeErrorAsync(HttpStatusCode.Conflict, "CONFLICT");
        }
        using (var twice = await _api.SendAsync(HttpMethod.Post, $"/tokens/{address}/freeze", user.Token, new { account = alice.Address.ToString() }))
        {
            await twice.ShouldBeErrorAsync(HttpStatusCode.Conflict, "CONFLICT");
        }
        await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/unfreeze", user.Token, new { account = alice.Address.ToString() });
        (await _api.HolderSendsAsync(alice, token.Transfer(bob.Address, 1))).Should().BeTrue("alice is unfrozen");
    }

    [Fact]
    public async Task Controls_set_through_the_api_hold_for_erc721_holder_transfers_on_chain()
    {
        var user = await _api.ProPlusUserAsync();
        var address = await _api.DeployErc721Async(user.Token);
        var token = _api.Erc721(address);
        var alice = PlatformChainAccess.DevKey(4);
        var bob = PlatformChainAccess.DevKey(5);
        for (var i = 0; i < 3; i++)
        {
            await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/mint", user.Token, new { owner = alice.Address.ToString() });
        }

        await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/lock-transfers", user.Token);
        (await _api.HolderSendsAsync(alice, token.TransferFrom(alice.Address, bob.Address, 1))).Should().BeFalse("transfers are locked");
        await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/unlock-transfers", user.Token);
        await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/pause", user.Token);
        (await _api.HolderSendsAsync(alice, token.TransferFrom(alice.Address, bob.Address, 1))).Should().BeFalse("paused");
        await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/unpause", user.Token);
        await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/freeze", user.Token, new { account = bob.Address.ToString() });
        (await _api.HolderSendsAsync(alice, token.TransferFrom(alice.Address, bob.Address, 1))).Should().BeFalse("the receiver is frozen");
        (await token.OwnerOfAsync(1)).Should().Be(alice.Address, "no refused transfer moved the token");
        await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/unfreeze", user.Token, new { account = bob.Address.ToString() });
        (await _api.HolderSendsAsync(alice, token.TransferFrom(alice.Address, bob.Address, 1))).Should().BeTrue("nothing blocks it any more");
        (await token.OwnerOfAsync(1)).Should().Be(bob.Address);
    }

    [Fact]
    public async Task A_permissioned_token_moves_only_between_approved_accounts()
    {
        var user = await _api.ProPlusUserAsync();
        var address = await _api.DeployErc20Async(user.Token, permissionless: false);
        var token = _api.Erc20(address);
        var alice = PlatformChainAccess.DevKey(4);
        var bob = PlatformChainAccess.DevKey(5);

        using (var refused = await _api.SendAsync(HttpMethod.Post, $"/tokens/{address}/mint", user.Token, new { owner = alice.Address.ToString(), amount = "10" }))
        {
            await refused.ShouldBeErrorAsync(HttpStatusCode.Conflict, "CONFLICT");
            (await refused.Content.ReadAsStringAsync()).Should().Contain("not approved");
        }
        await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/approve-account", user.Token, new { account = alice.Address.ToString() });
        (await token.IsApprovedAsync(alice.Address)).Should().BeTrue();
        await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/mint", user.Token, new { owner = alice.Address.ToString(), amount = "10" });
        (await _api.HolderSendsAsync(alice, token.Transfer(bob.Address, 1))).Should().BeFalse("bob is not approved");
        await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/approve-account", user.Token, new { account = bob.Address.ToString() });
        (await _api.HolderSendsAsync(alice, token.Transfer(bob.Address, 1))).Should().BeTrue();
        await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/unapprove-account", user.Token, new { account = alice.Address.ToString() });
        (await _api.HolderSendsAsync(alice, token.Transfer(bob.Address, 1))).Should().BeFalse("alice is no longer approved");
        (await token.BalanceOfAsync(bob.Address)).Should().Be(1);
    }

    [Fact]
    public async Task Another_accounts_token_is_forbidden_and_an_unknown_one_not_found()
    {
        var owner = await _api.ProPlusUserAsync();
        var stranger = await _api.Identity.SignUpAsync();
        var address = await _api.DeployErc20Async(owner.Token);

        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
                 {
                     (HttpMethod.Get, $"/tokens/{address}", null),
                     (HttpMethod.Post, $"/tokens/{address}/mint", new { owner = address.ToString(), amount = "1" }),
                     (HttpMethod.Post, $"/tokens/{address}/pause", null),
                     (HttpMethod.Put, $"/tokens/{address}/metadata", new { name = "x", description = "y" }),
                 })
        {
            using var response = await _api.SendAsync(method, path, stranger.Token, body);
            await response.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        }
        (await _api.OkAsync(HttpMethod.Get, "/tokens", stranger.Token)).AsArray().Should().BeEmpty();

        using (var unknown = await _api.SendAsync(HttpMethod.Get, $"/tokens/{PlatformChainAccess.RandomAddress()}", owner.Token))
        {
            await unknown.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        }
        using (var unknownUri = await platform.Gateway.GetAsync($"/tokenURI/{PlatformChainAccess.RandomAddress()}"))
        {
            await unknownUri.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        }
        using (var bad = await _api.SendAsync(HttpMethod.Get, "/tokens/0x1234", owner.Token))
        {
            await bad.ShouldBeErrorAsync(HttpStatusCode.UnprocessableEntity, "VALIDATION_ERROR");
        }
        using (var anonymous = await platform.Gateway.GetAsync("/tokens"))
        {
            await anonymous.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }
    }

    public static TheoryData<string, string, string> BadDeploys => new()
    {
        { """{"type":"ERC1155","name":"A","symbol":"A","decimals":1,"isPermissionless":true}""", "type", "VALIDATION_ERROR" },
        { """{"type":"ERC20","name":"","symbol":"A","decimals":1,"isPermissionless":true}""", "name", "VALIDATION_ERROR" },
        { """{"type":"ERC20","name":"abcdefghijklmnopqrstuvwxyz","symbol":"A","decimals":1,"isPermissionless":true}""", "name", "VALIDATION_ERROR" },
        { """{"type":"ERC20","name":"A","symbol":"ABCDEF","decimals":1,"isPermissionless":true}""", "symbol", "VALIDATION_ERROR" },
        { """{"type":"ERC20","name":"A","symbol":"A","decimals":19,"isPermissionless":true}""", "decimals", "VALIDATION_ERROR" },
        { """{"type":"ERC20","name":"A","symbol":"A","decimals":-1,"isPermissionless":true}""", "decimals", "VALIDATION_ERROR" },
        { """{"type":"ERC20","name":"A","symbol":"A","decimals":1.5,"isPermissionless":true}""", "decimals", "VALIDATION_ERROR" },
        { """{"type":"ERC20","name":"A","symbol":"A","isPermissionless":true}""", "decimals", "VALIDATION_ERROR" },
        { """{"type":"ERC20","name":"A","symbol":"A","decimals":1,"isPermissionless":"yes"}""", "isPermissionless", "VALIDATION_ERROR" },
        { $$"""{"type":"ERC721","name":"A","symbol":"A","isPermissionless":true,"baseUri":"https://x.example/{{new string('a', 300)}}"}""", "baseUri", "BASE_URI_TOO_LONG" },
        { """[1,2]""", "JSON object", "VALIDATION_ERROR" },
        { """{"type":""", "JSON", "VALIDATION_ERROR" },
    };

    [Theory]
    [MemberData(nameof(BadDeploys))]
    public async Task A_bad_deploy_is_a_422_naming_the_field_and_takes_no_quota(string body, string field, string code)
    {
        var user = await _api.Identity.SignUpAsync();
        var nonce = await _api.SignerNonceAsync();
        using var response = await _api.Identity.SendRawAsync(HttpMethod.Post, "/tokens", user.Token, IdentityApi.Json(body));
        await response.ShouldBeErrorAsync(HttpStatusCode.UnprocessableEntity, code);
        (await response.Content.ReadAsStringAsync()).Should().Contain(field);
        (await _api.SignerNonceAsync()).Should().Be(nonce);
        (await _api.OkAsync(HttpMethod.Get, "/stats", user.Token))["used"]!.GetValue<int>().Should().Be(0);
    }

    [Fact]
    public async Task Bad_mint_control_and_metadata_bodies_are_422s_naming_the_field()
    {
        var user = await _api.ProPlusUserAsync();
        var address = await _api.DeployErc20Async(user.Token);
        var cases = new (HttpMethod Method, string Path, string Body, string Field)[]
        {
            (HttpMethod.Post, "mint", """{"owner":"0x12","amount":"1"}""", "owner"),
            (HttpMethod.Post, "mint", """{"owner":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD","amount":"1"}""", "owner"),
            (HttpMethod.Post, "mint", """{"owner":"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed","amount":"0"}""", "amount"),
            (HttpMethod.Post, "mint", """{"owner":"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed","amount":"-5"}""", "amount"),
            (HttpMethod.Post, "mint", """{"owner":"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed","amount":"1.5"}""", "amount"),
            (HttpMethod.Post, "mint", """{"owner":"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed","amount":100}""", "amount"),
            (HttpMethod.Post, "mint", """{"owner":"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed","amount":"115792089237316195423570985008687907853269984665640564039457584007913129639936"}""", "amount"),
            (HttpMethod.Post, "freeze", """{"account":"nope"}""", "account"),
            (HttpMethod.Post, "approve-account", """{}""", "account"),
            (HttpMethod.Put, "metadata", """{"name":"a","description":"b","attributes":{"k1":1,"k2":1,"k3":1,"k4":1,"k5":1,"k6":1,"k7":1,"k8":1,"k9":1,"k10":1,"k11":1,"k12":1,"k13":1,"k14":1}}""", "attributes"),
            (HttpMethod.Put, "metadata", """{"name":"a","description":"b","attributes":{"k":[1]}}""", "attributes.k"),
            (HttpMethod.Put, "metadata", """{"description":"b"}""", "name"),
            (HttpMethod.Put, "metadata", """{"name":"a","description":"b","image":"not a uri"}""", "image"),
        };
        var nonce = await _api.SignerNonceAsync();
        foreach (var (method, path, body, field) in cases)
        {
            using var response = await _api.Identity.SendRawAsync(method, $"/tokens/{address}/{path}", user.Token, IdentityApi.Json(body));
            await response.ShouldBeErrorAsync(HttpStatusCode.UnprocessableEntity, "VALIDATION_ERROR");
            (await response.Content.ReadAsStringAsync()).Should().Contain(field, body);
        }
        (await _api.SignerNonceAsync()).Should().Be(nonce, "no bad request reaches the chain");
    }

    [Fact]
    public async Task Concurrent_mints_beyond_the_quota_get_exactly_the_units_left()
    {
        // BASIC: 10 a month. The deploy takes one; 14 concurrent mints race for the other 9.
        var user = await _api.Identity.SignUpAsync();
        var address = await _api.DeployErc20Async(user.Token);
        var holder = PlatformChainAccess.RandomAddress();
        var responses = await Task.WhenAll(Enumerable.Range(0, 14).Select(async _ =>
        {
            using var response = await _api.SendAsync(HttpMethod.Post, $"/tokens/{address}/mint", user.Token, new { owner = holder.ToString(), amount = "1" });
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));
        responses.Count(r => r.StatusCode == HttpStatusCode.OK).Should().Be(9, string.Join("\n", responses.Select(r => r.Body)));
        responses.Where(r => r.StatusCode != HttpStatusCode.OK).Should().OnlyContain(r =>
            r.StatusCode == HttpStatusCode.Forbidden && JsonNode.Parse(r.Body)!["code"]!.GetValue<string>() == "QUOTA_EXCEEDED");
        (await _api.Erc20(address).BalanceOfAsync(holder)).Should().Be(9);
        var stats = await _api.OkAsync(HttpMethod.Get, "/stats", user.Token);
        stats["used"]!.GetValue<int>().Should().Be(10);
        stats["remaining"]!.GetValue<int>().Should().Be(0);
        using var deploy = await _api.SendAsync(HttpMethod.Post, "/tokens", user.Token, new { type = "ERC721", name = "No", symbol = "NO", isPermissionless = true });
        await deploy.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "QUOTA_EXCEEDED");
    }

    [Fact]
    public async Task The_databases_mint_reservation_refuses_a_taken_command_id_and_a_used_up_quota_keeping_nothing()
    {
        // reserve_self_service_mint is the one statement that records a mint and takes its unit; a refusal raises, so
        // the batch around it (the CommandSubmitted outbox row) is rolled back with it. Called as TokenAdmin calls it.
        await using var db = Npgsql.NpgsqlDataSource.Create(platform.TokenAdminDbConnectionString);
        var user = Guid.NewGuid();
        var token = PlatformChainAccess.RandomAddress().ToString();
        var period = new DateOnly(2031, 1, 1);
        async Task<string?> ReserveAsync(string commandId, int limit)
        {
            await using var batch = db.CreateBatch();
            var reserve = new Npgsql.NpgsqlBatchCommand("select reserve_self_service_mint($1, $2, 'h', 'r', '1', $3, $4, 'BASIC', $5, $6, 0)");
            foreach (var value in new object[] { token, commandId, user, period, new[] { "BASIC" }, new[] { limit } })
            {
                reserve.Parameters.Add(new Npgsql.NpgsqlParameter { Value = value });
            }
            batch.BatchCommands.Add(reserve);
            batch.BatchCommands.Add(new Npgsql.NpgsqlBatchCommand($"insert into idempotency_keys (user_id, key, request_hash) values ('{user}', '{commandId}', 'x')"));
            try
            {
                await batch.ExecuteNonQueryAsync();
                return null;
            }
            catch (Npgsql.PostgresException e)
            {
                return e.SqlState;
            }
        }
        async Task<long> CountAsync(string sql)
        {
            await using var command = db.CreateCommand(sql);
            command.Parameters.AddWithValue(token);
            command.Parameters.AddWithValue(user);
            return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }

        (await ReserveAsync("a", limit: 2)).Should().BeNull();
        (await ReserveAsync("a", limit: 2)).Should().Be("TZ409");
        (await ReserveAsync("b", limit: 2)).Should().BeNull();
        (await ReserveAsync("c", limit: 2)).Should().Be("TZ403");
        (await CountAsync("select count(*) from self_service_mints where token = $1 and $2::uuid is not null")).Should().Be(2);
        (await CountAsync("select coalesce(sum(used), 0) from quota_usage where $1::text is not null and user_id = $2")).Should().Be(2);
        (await CountAsync("select count(*) from idempotency_keys where $1::text is not null and user_id = $2")).Should().Be(2, "the refused calls' batches kept nothing");
    }

    [Fact]
    public async Task A_mint_the_chain_reverts_is_a_chain_error_and_gives_the_quota_back()
    {
        var user = await _api.ProPlusUserAsync();
        var address = await _api.DeployErc20Async(user.Token);
        var holder = PlatformChainAccess.RandomAddress();
        var max = ((BigInteger.One << 256) - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/mint", user.Token, new { owner = holder.ToString(), amount = max });
        var used = (await _api.OkAsync(HttpMethod.Get, "/stats", user.Token))["used"]!.GetValue<int>();

        // The total supply would overflow: the contract refuses, the request is a 502 with the reason, the unit comes back.
        using var response = await _api.SendAsync(HttpMethod.Post, $"/tokens/{address}/mint", user.Token, new { owner = holder.ToString(), amount = "1" });
        await response.ShouldBeErrorAsync(HttpStatusCode.BadGateway, "CHAIN_ERROR");
        (await response.Content.ReadAsStringAsync()).Should().Contain("Panic");
        (await _api.OkAsync(HttpMethod.Get, "/stats", user.Token))["used"]!.GetValue<int>().Should().Be(used);
    }

    [Fact]
    public async Task Repeating_an_idempotency_key_answers_the_first_result_and_sends_nothing()
    {
        var user = await _api.ProPlusUserAsync();
        var address = await _api.DeployErc20Async(user.Token);
        var holder = PlatformChainAccess.RandomAddress();
        var key = "mint-" + Guid.NewGuid().ToString("N");
        var body = new { owner = holder.ToString(), amount = "5" };

        var first = await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/mint", user.Token, body, key);
        var nonce = await _api.SignerNonceAsync();
        var used = (await _api.OkAsync(HttpMethod.Get, "/stats", user.Token))["used"]!.GetValue<int>();

        var again = await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/mint", user.Token, body, key);
        ErrorAssertions.Canonical(again).Should().Be(ErrorAssertions.Canonical(first));
        (await _api.SignerNonceAsync()).Should().Be(nonce, "the repeat sent nothing");
        (await _api.OkAsync(HttpMethod.Get, "/stats", user.Token))["used"]!.GetValue<int>().Should().Be(used);
        (await _api.Erc20(address).BalanceOfAsync(holder)).Should().Be(5);

        // The key is the command id on chain: keccak256(utf8(key)).
        (await _api.Erc20(address).CommandExecutedAsync(Tokenizer.Chain.Contracts.CommandIds.ForMintOrBurn(key))).Should().BeTrue();

        using var different = await _api.SendAsync(HttpMethod.Post, $"/tokens/{address}/mint", user.Token, new { owner = holder.ToString(), amount = "6" }, key);
        await different.ShouldBeErrorAsync(HttpStatusCode.Conflict, "CONFLICT");

        // A deploy repeated with its key lands once.
        var deployKey = "deploy-" + Guid.NewGuid().ToString("N");
        var deployBody = new { type = "ERC721", name = "Once", symbol = "ONE", isPermissionless = true };
        var deployed = await _api.OkAsync(HttpMethod.Post, "/tokens", user.Token, deployBody, deployKey);
        var repeated = await _api.OkAsync(HttpMethod.Post, "/tokens", user.Token, deployBody, deployKey);
        repeated["data"]!["address"]!.GetValue<string>().Should().Be(deployed["data"]!["address"]!.GetValue<string>());
        (await _api.OkAsync(HttpMethod.Get, "/tokens", user.Token)).AsArray().Should().HaveCount(2);
    }

    private async Task<JsonNode> TokenUriAsync(Address token, int tokenId)
    {
        using var response = await platform.Gateway.GetAsync($"/tokenURI/{token}/{tokenId}");
        return await response.ShouldBeOkJsonAsync();
    }

    /// <summary><c>owner()</c> by a bare eth_call (selector 0x8da5cb5b), decoded here rather than by the bindings.</summary>
    private async Task<Address> OwnerOnChainAsync(Address token)
    {
        var word = await _api.Chain.Rpc.CallAsync(new Tokenizer.Chain.Rpc.CallRequest { To = token, Data = Convert.FromHexString("8da5cb5b") },
            Tokenizer.Chain.Rpc.BlockTag.Latest);
        word.Should().HaveCount(32);
        return new Address(word.AsSpan(12, 20));
    }

    [Fact]
    public async Task The_gateway_serves_each_services_openapi_document_and_one_docs_page()
    {
        using var document = await platform.Gateway.GetAsync("/openapi/tokenadmin/v1.json");
        var json = await document.ShouldBeOkJsonAsync();
        json["components"]!["securitySchemes"]!["Bearer"]!["scheme"]!.GetValue<string>().Should().Be("bearer");
        var paths = json["paths"]!.AsObject();
        paths.Select(p => p.Key).Should().Contain(["/tokens", "/tokens/{address}", "/tokens/{address}/mint", "/tokens/{address}/pause",
            "/tokens/{address}/metadata", "/tokens/{address}/metadata/keys", "/tokenURI/{address}/{tokenId}", "/stats"]);
        foreach (var (_, item) in paths)
        {
            foreach (var (_, operation) in item!.AsObject())
            {
                operation!["operationId"].Should().NotBeNull();
                operation["summary"].Should().NotBeNull();
            }
        }
        using var docs = await platform.Gateway.GetAsync("/docs/");
        docs.StatusCode.Should().Be(HttpStatusCode.OK);
        (await docs.Content.ReadAsStringAsync()).Should().Contain("<title>Tokenizer API</title>");
        using var script = await platform.Gateway.GetAsync("/docs/scalar.js");
        script.StatusCode.Should().Be(HttpStatusCode.OK, "the page's script is served by the gateway itself, anonymously");
        using var identity = await platform.Gateway.GetAsync("/openapi/identity/v1.json");
        (await identity.ShouldBeOkJsonAsync())["paths"]!.AsObject().Select(p => p.Key).Should().Contain("/auth/signup");
    }
}
