namespace Tokenizer.Contracts.Tests;

[Collection(AnvilCollection.Name)]
public sealed class Erc721Tests(ContractsFixture chain)
{
    private ContractTransactionSender Admin => chain.SenderFor(chain.Admin);
    private ContractTransactionSender Alice => chain.SenderFor(chain.Alice);
    private static Hash32 NewCommand() => CommandIds.ForMintOrBurn(Guid.NewGuid().ToString());

    [Fact]
    public async Task Mints_sequential_ids_from_one_and_never_reuses_burned_ones()
    {
        var token = await chain.NewErc721Async();
        (await token.NextTokenIdAsync()).Should().Be(1);

        var first = await Admin.SendAndWaitAsync(token.Mint(NewCommand(), chain.Alice.Address, 3));
        var minted = first.Single<Erc721MintedEvent>();
        minted.Should().BeEquivalentTo(new { To = chain.Alice.Address, FirstTokenId = BigInteger.One, Count = new BigInteger(3) });
        minted.TokenIds.Should().Equal(1, 2, 3);
        first.EventsOf<Erc721TransferEvent>().Select(t => t.TokenId).Should().Equal(1, 2, 3);

        var second = await Admin.SendAndWaitAsync(token.Mint(NewCommand(), chain.Bob.Address, 2));
        second.Single<Erc721MintedEvent>().FirstTokenId.Should().Be(4);
        (await token.OwnerOfAsync(5)).Should().Be(chain.Bob.Address);
        (await token.BalanceOfAsync(chain.Alice.Address)).Should().Be(3);
        (await token.TotalSupplyAsync()).Should().Be(5);

        var burn = NewCommand();
        var burned = await Admin.SendAndWaitAsync(token.Burn(burn, chain.Alice.Address, [1, 3]));
        burned.Single<Erc721BurnedEvent>().Should().BeEquivalentTo(new { CommandId = burn, From = chain.Alice.Address, TokenIds = new BigInteger[] { 1, 3 } });
        burned.EventsOf<Erc721TransferEvent>().Should().OnlyContain(t => t.To == Address.Zero);
        (await FluentActions.Awaiting(() => token.OwnerOfAsync(1)).ShouldRevertWith(ContractErrors.ERC721NonexistentToken))
            .Argument<BigInteger>("tokenId").Should().Be(1);
        (await token.OwnerOfAsync(2)).Should().Be(chain.Alice.Address);
        (await token.TotalSupplyAsync()).Should().Be(3);

        (await Admin.SendAndWaitAsync(token.Mint(NewCommand(), chain.Alice.Address, 1))).Single<Erc721MintedEvent>().FirstTokenId.Should().Be(6);
        await FluentActions.Awaiting(() => Admin.SendAsync(token.Burn(burn, chain.Alice.Address, [2]))).ShouldRevertWith(ContractErrors.CommandAlreadyExecuted);
    }

    [Fact]
    public async Task Burn_and_mint_are_checked_by_name()
    {
        var token = await chain.NewErc721Async();
        await Admin.SendAndWaitAsync(token.Mint(NewCommand(), chain.Alice.Address, 2));

        var notOwner = await FluentActions.Awaiting(() => Admin.SendAsync(token.Burn(NewCommand(), chain.Bob.Address, [1])))
            .ShouldRevertWith(ContractErrors.NotTokenOwner);
        notOwner.Argument<BigInteger>("tokenId").Should().Be(1);
        notOwner.Argument<Address>("account").Should().Be(chain.Bob.Address);
        await FluentActions.Awaiting(() => Admin.SendAsync(token.Burn(NewCommand(), chain.Alice.Address, [1, 99]))).ShouldRevertWith(ContractErrors.ERC721NonexistentToken);
        (await token.OwnerOfAsync(1)).Should().Be(chain.Alice.Address, "a burn is all or nothing");
        await FluentActions.Awaiting(() => Admin.SendAsync(token.Burn(NewCommand(), chain.Alice.Address, []))).ShouldRevertWith(ContractErrors.InvalidAmount);
        await FluentActions.Awaiting(() => Admin.SendAsync(token.Mint(NewCommand(), chain.Alice.Address, 0))).ShouldRevertWith(ContractErrors.InvalidAmount);
        var tooMany = await FluentActions.Awaiting(() => Admin.SendAsync(token.Mint(NewCommand(), chain.Alice.Address, 501))).ShouldRevertWith(ContractErrors.MintBatchTooLarge);
        tooMany.Argument<int>("max").Should().Be(TokenizerErc721Contract.MaxMintBatch);
    }

    [Fact]
    public async Task Controls_apply_to_nft_transfers()
    {
        var token = await chain.NewErc721Async();
        await Admin.SendAndWaitAsync(token.Mint(NewCommand(), chain.Alice.Address, 2));

        await Admin.SendAndWaitAsync(token.Pause());
        await FluentActions.Awaiting(() => Alice.SendAsync(token.TransferFrom(chain.Alice.Address, chain.Bob.Address, 1))).ShouldRevertWith(ContractErrors.EnforcedPause);
        await FluentActions.Awaiting(() => Admin.SendAsync(token.Mint(NewCommand(), chain.Alice.Address, 1))).ShouldRevertWith(ContractErrors.EnforcedPause);
        await FluentActions.Awaiting(() => Admin.SendAsync(token.Burn(NewCommand(), chain.Alice.Address, [1]))).ShouldRevertWith(ContractErrors.EnforcedPause);
        await Admin.SendAndWaitAsync(token.Unpause());

        await Admin.SendAndWaitAsync(token.LockTransfers());
        await FluentActions.Awaiting(() => Alice.SendAsync(token.SafeTransferFrom(chain.Alice.Address, chain.Bob.Address, 1))).ShouldRevertWith(ContractErrors.TransfersLocked);
        await Admin.SendAndWaitAsync(token.UnlockTransfers());

        await Admin.SendAndWaitAsync(token.Freeze(chain.Bob.Address));
        await FluentActions.Awaiting(() => Alice.SendAsync(token.TransferFrom(chain.Alice.Address, chain.Bob.Address, 1))).ShouldRevertWith(ContractErrors.AccountFrozen);
        await Admin.SendAndWaitAsync(token.Unfreeze(chain.Bob.Address));

        await FluentActions.Awaiting(() => chain.SenderFor(chain.Bob).SendAsync(token.TransferFrom(chain.Alice.Address, chain.Bob.Address, 1)))
            .ShouldRevertWith(ContractErrors.ERC721InsufficientApproval);
        var moved = await Alice.SendAndWaitAsync(token.TransferFrom(chain.Alice.Address, chain.Bob.Address, 1));
        moved.Single<Erc721TransferEvent>().Should().BeEquivalentTo(new { From = chain.Alice.Address, To = chain.Bob.Address, TokenId = BigInteger.One });
        (await token.OwnerOfAsync(1)).Should().Be(chain.Bob.Address);
    }

    [Fact]
    public async Task Token_uri_is_base_uri_plus_lowercase_address_and_id_and_the_base_uri_is_limited()
    {
        var token = await chain.NewErc721Async("https://host/tokenURI/");
        await Admin.SendAndWaitAsync(token.Mint(NewCommand(), chain.Alice.Address, 7));

        (await token.TokenUriAsync(7)).Should().Be($"https://host/tokenURI/{token.Address.ToLowerHex()}/7");
        await FluentActions.Awaiting(() => token.TokenUriAsync(8)).ShouldRevertWith(ContractErrors.ERC721NonexistentToken);

        var maxUri = "https://x/" + new string('a', TokenizerErc721Contract.MaxBaseUriLength - 10);
        var updated = await Admin.SendAndWaitAsync(token.SetBaseUri(maxUri));
        updated.Single<BaseUriUpdatedEvent>().BaseUri.Should().Be(maxUri);
        updated.Single<BatchMetadataUpdateEvent>().Should().BeEquivalentTo(new { FromTokenId = BigInteger.One, ToTokenId = new BigInteger(7) });
        (await token.TokenUriAsync(1)).Should().Be($"{maxUri}{token.Address.ToLowerHex()}/1");

        var tooLong = await FluentActions.Awaiting(() => Admin.SendAsync(token.SetBaseUri(maxUri + "b"))).ShouldRevertWith(ContractErrors.BaseURITooLong);
        tooLong.Argument<int>("length").Should().Be(257);

        await Admin.SendAndWaitAsync(token.SetBaseUri(""));
        (await token.TokenUriAsync(1)).Should().BeEmpty();
    }

    [Fact]
    public async Task Token_metadata_round_trips_per_id()
    {
        var token = await chain.NewErc721Async();
        await Admin.SendAndWaitAsync(token.Mint(NewCommand(), chain.Alice.Address, 2));
        var metadata = new TokenMetadata("Deed #2", "Plot 12", "ipfs://deed", [TokenAttribute.Number("area", 120.5m), TokenAttribute.Bool("mortgaged", false)]);

        var receipt = await Admin.SendAndWaitAsync(token.SetTokenMetadata(2, metadata));

        receipt.Single<MetadataUpdateEvent>().TokenId.Should().Be(2);
        (await token.GetTokenMetadataAsync(2)).Should().BeEquivalentTo(metadata);
        (await token.MetadataKeysAsync(2)).Should().Equal("area", "mortgaged");
        (await token.HasTokenMetadataAsync(2)).Should().BeTrue();
        (await token.GetTokenMetadataAsync(1)).IsEmpty.Should().BeTrue();
        await FluentActions.Awaiting(() => token.GetTokenMetadataAsync(3)).ShouldRevertWith(ContractErrors.ERC721NonexistentToken);
        await FluentActions.Awaiting(() => Admin.SendAsync(token.SetTokenMetadata(3, metadata))).ShouldRevertWith(ContractErrors.ERC721NonexistentToken);
        await FluentActions.Awaiting(() => Admin.SendAsync(token.SetTokenMetadata(1, metadata with { Attributes = Enumerable.Range(0, 14).Select(i => TokenAttribute.Bool($"b{i}", true)).ToArray() })))
            .ShouldRevertWith(ContractErrors.TooManyAttributes);
    }
}
