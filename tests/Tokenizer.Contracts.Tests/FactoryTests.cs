using Tokenizer.Chain.Rpc;

namespace Tokenizer.Contracts.Tests;

[Collection(AnvilCollection.Name)]
public sealed class FactoryTests(ContractsFixture chain)
{
    private ContractTransactionSender Admin => chain.SenderFor(chain.Admin);

    [Fact]
    public async Task Factory_knows_its_implementations_and_admin_roles()
    {
        (await chain.Factory.Erc20ImplementationAsync()).Should().Be(chain.Erc20Implementation);
        (await chain.Factory.Erc721ImplementationAsync()).Should().Be(chain.Erc721Implementation);
        (await chain.Factory.HasRoleAsync(TokenizerRoles.DefaultAdmin, chain.Admin.Address)).Should().BeTrue();
        (await chain.Factory.HasRoleAsync(TokenizerRoles.Deployer, chain.Admin.Address)).Should().BeTrue();
        (await chain.Factory.HasRoleAsync(TokenizerRoles.Deployer, chain.Alice.Address)).Should().BeFalse();
    }

    [Fact]
    public async Task Deploying_an_erc20_lands_at_the_predicted_address_with_its_settings()
    {
        var salt = CommandIds.DeploySalt("client-1", "deploy-erc20-" + Guid.NewGuid());
        var predicted = await chain.Factory.PredictErc20AddressAsync(salt);

        (await chain.Rpc.GetCodeAsync(predicted, BlockTag.Latest)).Should().BeEmpty("nothing is deployed at the predicted address yet");
        var receipt = await Admin.SendAndWaitAsync(chain.Factory.DeployErc20(salt, "Euro Coin", "EURC", 6, false, chain.Alice.Address));

        var deployed = receipt.Single<TokenDeployedEvent>();
        deployed.Should().BeEquivalentTo(new { Token = predicted, Kind = TokenKind.Erc20, Admin = chain.Alice.Address, Salt = salt, Name = "Euro Coin", Symbol = "EURC" });
        deployed.Contract.Should().Be(chain.Factory.Address);
        (await chain.Rpc.GetCodeAsync(predicted, BlockTag.Latest)).Should().HaveCount(45, "the token is an EIP-1167 clone");
        receipt.EventsOf<RoleGrantedEvent>().Select(e => e.Role).Should().BeEquivalentTo(
            [TokenizerRoles.DefaultAdmin, TokenizerRoles.Minter, TokenizerRoles.Pauser, TokenizerRoles.Controller]);
        receipt.EventsOf<InitializedEvent>().Should().ContainSingle().Which.Version.Should().Be(1);

        var token = new TokenizerErc20Contract(chain.Rpc, predicted);
        (await token.NameAsync()).Should().Be("Euro Coin");
        (await token.SymbolAsync()).Should().Be("EURC");
        (await token.DecimalsAsync()).Should().Be(6);
        (await token.PermissionlessAsync()).Should().BeFalse();
        (await token.OwnerAsync()).Should().Be(chain.Alice.Address);
        (await token.TotalSupplyAsync()).Should().Be(0);
        (await token.HasRoleAsync(TokenizerRoles.Minter, chain.Alice.Address)).Should().BeTrue();
        (await token.HasRoleAsync(TokenizerRoles.Minter, chain.Admin.Address)).Should().BeFalse();
    }

    [Fact]
    public async Task Deploying_an_erc721_lands_at_the_predicted_address_and_the_same_salt_is_refused()
    {
        var salt = CommandIds.DeploySalt("client-1", "deploy-erc721-" + Guid.NewGuid());
        var predicted = await chain.Factory.PredictErc721AddressAsync(salt);
        var deploy = chain.Factory.DeployErc721(salt, "Art", "ART", "https://host/", true, chain.Admin.Address);

        var receipt = await Admin.SendAndWaitAsync(deploy);
        receipt.Single<TokenDeployedEvent>().Should().BeEquivalentTo(new { Token = predicted, Kind = TokenKind.Erc721 });
        (await new TokenizerErc721Contract(chain.Rpc, predicted).BaseUriAsync()).Should().Be("https://host/");

        var nonceBefore = await chain.Rpc.GetTransactionCountAsync(chain.Admin.Address, Tokenizer.Chain.Rpc.BlockTag.Pending);
        var again = await FluentActions.Awaiting(() => Admin.SendAsync(deploy)).ShouldRevertWith(ContractErrors.TokenAlreadyDeployed);
        again.Argument<Address>("token").Should().Be(predicted);
        again.RevertSource.Should().Be(RevertSource.EstimateGas);
        (await chain.Rpc.GetTransactionCountAsync(chain.Admin.Address, Tokenizer.Chain.Rpc.BlockTag.Pending)).Should().Be(nonceBefore, "nothing is signed after a failed pre-flight");
    }

    [Fact]
    public async Task A_separate_owner_is_reported_by_owner_and_takes_no_role()
    {
        var salt = CommandIds.DeploySalt("client-1", "owned-" + Guid.NewGuid());
        await Admin.SendAndWaitAsync(chain.Factory.DeployErc20(salt, "Owned", "OWN", 18, true, chain.Admin.Address, chain.Alice.Address));
        await Admin.SendAndWaitAsync(chain.Factory.DeployErc721(salt, "Owned NFT", "ONFT", "", true, chain.Admin.Address, chain.Alice.Address));
        TokenizerTokenContract[] tokens =
        [
            new TokenizerErc20Contract(chain.Rpc, await chain.Factory.PredictErc20AddressAsync(salt)),
            new TokenizerErc721Contract(chain.Rpc, await chain.Factory.PredictErc721AddressAsync(salt)),
        ];
        foreach (var token in tokens)
        {
            (await token.OwnerAsync()).Should().Be(chain.Alice.Address);
            foreach (var role in new[] { TokenizerRoles.DefaultAdmin, TokenizerRoles.Minter, TokenizerRoles.Pauser, TokenizerRoles.Controller })
            {
                (await token.HasRoleAsync(role, chain.Admin.Address)).Should().BeTrue("the admin keeps every role");
                (await token.HasRoleAsync(role, chain.Alice.Address)).Should().BeFalse("being owner grants nothing");
            }
            (await FluentActions.Awaiting(() => chain.SenderFor(chain.Alice).SendAsync(token.Pause())).ShouldRevertWith(ContractErrors.AccessControlUnauthorizedAccount))
                .Argument<Address>("account").Should().Be(chain.Alice.Address);
        }

        var unowned = CommandIds.DeploySalt("client-1", "unowned-" + Guid.NewGuid());
        await Admin.SendAndWaitAsync(chain.Factory.DeployErc20(unowned, "Plain", "PLN", 18, true, chain.Admin.Address, Address.Zero));
        (await new TokenizerErc20Contract(chain.Rpc, await chain.Factory.PredictErc20AddressAsync(unowned)).OwnerAsync())
            .Should().Be(chain.Admin.Address, "a zero owner means the admin");
    }

    [Fact]
    public async Task One_salt_gives_erc20_and_erc721_separate_addresses()
    {
        var salt = CommandIds.DeploySalt("client-1", "shared-" + Guid.NewGuid());
        var erc20 = await Admin.SendAndWaitAsync(chain.Factory.DeployErc20(salt, "A", "A", 18, true, chain.Admin.Address));
        var erc721 = await Admin.SendAndWaitAsync(chain.Factory.DeployErc721(salt, "B", "B", "", true, chain.Admin.Address));
        erc20.Single<TokenDeployedEvent>().Token.Should().NotBe(erc721.Single<TokenDeployedEvent>().Token);
    }

    [Fact]
    public async Task Bad_initialize_arguments_and_missing_role_revert_by_name()
    {
        var salt = CommandIds.DeploySalt("client-1", Guid.NewGuid().ToString());
        (await FluentActions.Awaiting(() => Admin.SendAsync(chain.Factory.DeployErc20(salt, "A", "A", 19, true, chain.Admin.Address)))
            .ShouldRevertWith(ContractErrors.InvalidDecimals)).Argument<int>("decimals").Should().Be(19);

        var longUri = new string('u', 257);
        var tooLong = await FluentActions.Awaiting(() => Admin.SendAsync(chain.Factory.DeployErc721(salt, "A", "A", longUri, true, chain.Admin.Address)))
            .ShouldRevertWith(ContractErrors.BaseURITooLong);
        tooLong.Argument<int>("length").Should().Be(257);
        tooLong.Argument<int>("max").Should().Be(256);

        await FluentActions.Awaiting(() => Admin.SendAsync(chain.Factory.DeployErc20(salt, "A", "A", 6, true, Address.Zero)))
            .ShouldRevertWith(ContractErrors.ZeroAddress);

        var unauthorized = await FluentActions.Awaiting(() => chain.SenderFor(chain.Mallory).SendAsync(chain.Factory.DeployErc20(salt, "A", "A", 6, true, chain.Mallory.Address)))
            .ShouldRevertWith(ContractErrors.AccessControlUnauthorizedAccount);
        unauthorized.Argument<Address>("account").Should().Be(chain.Mallory.Address);
        unauthorized.Argument<Hash32>("neededRole").Should().Be(TokenizerRoles.Deployer);
    }

    [Fact]
    public async Task Factory_constructor_refuses_an_implementation_without_code()
    {
        var deployment = TokenizerFactoryContract.Deployment(chain.Alice.Address, chain.Erc721Implementation, chain.Admin.Address);
        var revert = await FluentActions.Awaiting(() => Admin.SendAsync(deployment)).ShouldRevertWith(ContractErrors.InvalidImplementation);
        revert.Argument<Address>("implementation").Should().Be(chain.Alice.Address);
        revert.Contract.Should().BeNull();
    }

    [Fact]
    public async Task Command_ids_and_salts_match_an_independent_keccak_from_cast()
    {
        var id = "mint/client-7/ü-42";
        (await chain.CastAsync("keccak", id)).Should().Be(CommandIds.ForMintOrBurn(id).ToString());

        var encoded = await chain.CastAsync("abi-encode", "f(string,string,string)", "tokenizer.deploy.v1", "client-7", "cmd-42");
        (await chain.CastAsync("keccak", encoded)).Should().Be(CommandIds.DeploySalt("client-7", "cmd-42").ToString());
        CommandIds.DeploySalt("client-7", "cmd-42").Should().NotBe(CommandIds.DeploySalt("client-8", "cmd-42"));
    }
}
