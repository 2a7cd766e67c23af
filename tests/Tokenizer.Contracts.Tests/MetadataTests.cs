namespace Tokenizer.Contracts.Tests;

[Collection(AnvilCollection.Name)]
public sealed class MetadataTests(ContractsFixture chain)
{
    private ContractTransactionSender Admin => chain.SenderFor(chain.Admin);

    private static TokenMetadata WithAttributes(int count) => new("Gold bar", "One ounce", "ipfs://image",
        Enumerable.Range(0, count).Select(i => TokenAttribute.String($"key{i}", $"value {i}")).ToArray());

    [Fact]
    public async Task Thirteen_typed_attributes_round_trip_and_a_new_record_replaces_the_old()
    {
        var token = await chain.NewErc20Async();
        (await token.GetMetadataAsync()).IsEmpty.Should().BeTrue();
        (await token.HasMetadataAsync()).Should().BeFalse();

        TokenAttribute[] attributes =
        [
            TokenAttribute.String("issuer", "Tokenizer Ltd — ünïcode"),
            TokenAttribute.Number("purity", 99.990m),
            TokenAttribute.Number("weight", new BigInteger(31)),
            TokenAttribute.Number("temperature", -4.5m),
            TokenAttribute.Bool("redeemable", true),
            TokenAttribute.Bool("insured", false),
            new TokenAttribute("avogadro", AttributeKind.Number, "6.022e23"),
            .. Enumerable.Range(0, 6).Select(i => TokenAttribute.String($"extra{i}", new string('v', 256))),
        ];
        attributes.Should().HaveCount(TokenMetadata.MaxAttributes);
        var metadata = new TokenMetadata(new string('n', 128), "A description", "ipfs://bafy", attributes);

        var receipt = await Admin.SendAndWaitAsync(token.SetMetadata(metadata));

        receipt.EventsOf<MetadataUpdatedEvent>().Should().ContainSingle();
        var read = await token.GetMetadataAsync();
        read.Should().BeEquivalentTo(metadata);
        read["purity"]!.Value.Should().Be("99.99");
        read["purity"]!.TypedValue.Should().Be(99.99m);
        read["temperature"]!.TypedValue.Should().Be(-4.5m);
        read["redeemable"]!.TypedValue.Should().Be(true);
        read["insured"]!.TypedValue.Should().Be(false);
        read["issuer"]!.TypedValue.Should().Be("Tokenizer Ltd — ünïcode");
        (await token.MetadataKeysAsync()).Should().Equal(attributes.Select(a => a.Key));
        (await token.HasMetadataAsync()).Should().BeTrue();

        var replacement = new TokenMetadata("Silver", "", "", [TokenAttribute.Bool("redeemable", false)]);
        await Admin.SendAndWaitAsync(token.SetMetadata(replacement));
        (await token.GetMetadataAsync()).Should().BeEquivalentTo(replacement);
        (await token.MetadataKeysAsync()).Should().Equal("redeemable");
    }

    [Fact]
    public async Task Invalid_metadata_is_refused_by_name()
    {
        var token = await chain.NewErc20Async();
        Task Set(TokenMetadata m) => Admin.SendAsync(token.SetMetadata(m));

        var tooMany = await FluentActions.Awaiting(() => Set(WithAttributes(14))).ShouldRevertWith(ContractErrors.TooManyAttributes);
        tooMany.Argument<int>("count").Should().Be(14);
        tooMany.Argument<int>("max").Should().Be(13);

        var duplicate = WithAttributes(2) with { Attributes = [TokenAttribute.String("k", "a"), TokenAttribute.Number("k", 1m)] };
        (await FluentActions.Awaiting(() => Set(duplicate)).ShouldRevertWith(ContractErrors.DuplicateAttributeKey)).Argument<string>("key").Should().Be("k");

        var badKind = WithAttributes(0) with { Attributes = [new TokenAttribute("k", (AttributeKind)3, "x")] };
        (await FluentActions.Awaiting(() => Set(badKind)).ShouldRevertWith(ContractErrors.InvalidAttributeKind)).Argument<int>("kind").Should().Be(3);

        var badBool = WithAttributes(0) with { Attributes = [new TokenAttribute("flag", AttributeKind.Bool, "yes")] };
        (await FluentActions.Awaiting(() => Set(badBool)).ShouldRevertWith(ContractErrors.InvalidAttributeValue)).Argument<string>("key").Should().Be("flag");

        var badNumber = WithAttributes(0) with { Attributes = [new TokenAttribute("n", AttributeKind.Number, "01")] };
        TokenAttribute.IsValidNumber("01").Should().BeFalse();
        await FluentActions.Awaiting(() => Set(badNumber)).ShouldRevertWith(ContractErrors.InvalidAttributeValue);

        var emptyKey = WithAttributes(0) with { Attributes = [TokenAttribute.String("", "x")] };
        await FluentActions.Awaiting(() => Set(emptyKey)).ShouldRevertWith(ContractErrors.EmptyAttributeKey);

        var longName = await FluentActions.Awaiting(() => Set(WithAttributes(0) with { Name = new string('n', 129) }))
            .ShouldRevertWith(ContractErrors.MetadataFieldTooLong);
        longName.Argument<string>("field").Should().Be("name");
        longName.Argument<int>("length").Should().Be(129);
        longName.Argument<int>("max").Should().Be(TokenMetadata.MaxNameLength);

        var longValue = WithAttributes(0) with { Attributes = [TokenAttribute.String("k", new string('v', 257))] };
        (await FluentActions.Awaiting(() => Set(longValue)).ShouldRevertWith(ContractErrors.MetadataFieldTooLong))
            .Argument<string>("field").Should().Be("attribute.value");

        (await token.HasMetadataAsync()).Should().BeFalse();
    }

    [Fact]
    public async Task Metadata_updates_still_work_while_paused()
    {
        var token = await chain.NewErc20Async();
        await Admin.SendAndWaitAsync(token.Pause());
        await Admin.SendAndWaitAsync(token.SetMetadata(WithAttributes(1)));
        (await token.GetMetadataAsync()).Should().BeEquivalentTo(WithAttributes(1));
    }
}
