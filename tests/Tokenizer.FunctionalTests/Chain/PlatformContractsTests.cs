using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Rpc;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests.Chain;

[Collection(PlatformCollection.Name)]
public sealed class PlatformContractsTests(PlatformFixture platform)
{
    private readonly PlatformChainAccess _chain = new(platform);

    [Fact]
    public async Task TokenAdmin_deploys_the_factory_at_the_address_every_service_derives_and_holds_its_deployer_role()
    {
        var factory = new TokenizerFactoryContract(_chain.Rpc, _chain.Factory);

        (await _chain.Rpc.GetCodeAsync(_chain.Factory, BlockTag.Latest)).Should().NotBeEmpty();
        (await factory.HasRoleAsync(TokenizerRoles.Deployer, _chain.Signer)).Should().BeTrue();
        (await factory.Erc20ImplementationAsync()).Should().Be(PlatformDeployment.Predict(_chain.Signer).Erc20Implementation);
        (await factory.Erc721ImplementationAsync()).Should().Be(PlatformDeployment.Predict(_chain.Signer).Erc721Implementation);
        (await _chain.Rpc.GetBalanceAsync(_chain.Signer, BlockTag.Latest)).Should().BeGreaterThan(System.Numerics.BigInteger.Pow(10, 21));
    }
}
