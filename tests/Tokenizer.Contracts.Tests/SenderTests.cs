using Tokenizer.Chain.Nonces;
using Tokenizer.Chain.Rpc;

namespace Tokenizer.Contracts.Tests;

[Collection(AnvilCollection.Name)]
public sealed class SenderTests(ContractsFixture chain)
{
    private ContractTransactionSender Admin => chain.SenderFor(chain.Admin);
    private static Hash32 NewCommand() => CommandIds.ForMintOrBurn(Guid.NewGuid().ToString());

    [Fact]
    public async Task A_transaction_that_fails_on_chain_surfaces_the_named_error_with_its_receipt()
    {
        var token = await chain.NewErc20Async();
        var command = NewCommand();
        await Admin.SendAndWaitAsync(token.Mint(command, chain.Alice.Address, 1));
        var nonce = await chain.Rpc.GetTransactionCountAsync(chain.Admin.Address, BlockTag.Latest);

        // A given gas limit skips the pre-flight, so the repeat is mined and fails.
        var sent = await Admin.SendAsync(token.Mint(command, chain.Alice.Address, 1), gasLimit: 200_000);
        var failure = await FluentActions.Awaiting(() => Admin.WaitForReceiptAsync(sent)).ShouldRevertWith(ContractErrors.CommandAlreadyExecuted);

        failure.RevertSource.Should().Be(RevertSource.Transaction);
        failure.Receipt!.Succeeded.Should().BeFalse();
        failure.Receipt.TransactionHash.Should().Be(sent.Hash);
        failure.Function.Should().Be("TokenizerERC20.mint(bytes32,address,uint256)");
        failure.Contract.Should().Be(token.Address);
        (await chain.Rpc.GetTransactionCountAsync(chain.Admin.Address, BlockTag.Latest)).Should().Be(nonce + 1, "a failed transaction still uses its nonce");
        (await token.BalanceOfAsync(chain.Alice.Address)).Should().Be(1);
    }

    [Fact]
    public async Task Running_out_of_gas_is_a_failure_without_an_error_name()
    {
        var token = await chain.NewErc20Async();
        var sent = await Admin.SendAsync(token.Mint(NewCommand(), chain.Alice.Address, 1), gasLimit: 30_000);
        var failure = (await FluentActions.Awaiting(() => Admin.WaitForReceiptAsync(sent)).Should().ThrowAsync<ContractRevertException>()).Which;
        failure.ErrorName.Should().BeNull();
        failure.Receipt!.Succeeded.Should().BeFalse();
        failure.Message.Should().Contain("out of gas", $"gas used {failure.Receipt.GasUsed} of {sent.GasLimit}; inner {failure.InnerException?.Message}");
    }

    [Fact]
    public async Task The_signed_bytes_are_stored_before_broadcast_and_fees_follow_the_base_fee()
    {
        var store = new InMemoryNonceStore();
        var sender = new ContractTransactionSender(chain.Rpc, new NonceManager(chain.Rpc, store), chain.Bob, ContractsFixture.ChainId,
            new ContractTransactionSenderOptions { PriorityFeePerGas = 3_000_000_000, MaxPriorityFeePerGas = 2_000_000_000, BaseFeeMultiplier = 1.5m });
        var token = await chain.NewErc20Async();
        await Admin.SendAndWaitAsync(token.Mint(NewCommand(), chain.Bob.Address, 10));

        var sent = await sender.SendAsync(token.Transfer(chain.Alice.Address, 4));

        var pending = await store.GetPendingAsync(chain.Bob.Address);
        pending.Should().ContainSingle().Which.Raw.Should().Equal(sent.Transaction.Raw);
        sent.Fees.MaxPriorityFeePerGas.Should().Be(2_000_000_000, "the tip is capped");
        // base fee × 1.5, rounded up (a fee is never below what was asked), plus the capped tip
        sent.Fees.MaxFeePerGas.Should().Be((sent.Fees.BaseFeePerGas * 3 + 1) / 2 + 2_000_000_000);
        var receipt = await sender.WaitForReceiptAsync(sent);
        receipt.Single<Erc20TransferEvent>().Value.Should().Be(4);
        receipt.Receipt.GasUsed.Should().BeLessThan(sent.GasLimit);
    }

    [Fact]
    public async Task A_disposed_sender_has_stopped_its_receipt_loop_and_refuses_to_wait()
    {
        var sender = new ContractTransactionSender(chain.Rpc, new NonceManager(chain.Rpc, new InMemoryNonceStore()), chain.Bob, ContractsFixture.ChainId);
        var token = await chain.NewErc20Async();
        await Admin.SendAndWaitAsync(token.Mint(NewCommand(), chain.Bob.Address, 10));
        var sent = await sender.SendAsync(token.Transfer(chain.Alice.Address, 1));
        (await sender.WaitForReceiptAsync(sent)).Receipt.Succeeded.Should().BeTrue("the loop answers while the sender lives");

        sender.Dispose();
        sender.Dispose(); // twice is harmless

        var wait = () => sender.WaitForReceiptAsync(sent);
        await wait.Should().ThrowAsync<ObjectDisposedException>();
    }

    [Fact]
    public async Task A_base_fee_above_the_cap_or_a_wrong_chain_stops_before_signing()
    {
        var token = await chain.NewErc20Async();
        var capped = new ContractTransactionSender(chain.Rpc, chain.Nonces, chain.Admin, ContractsFixture.ChainId,
            new ContractTransactionSenderOptions { MaxFeePerGas = 1 });
        await FluentActions.Awaiting(() => capped.SendAsync(token.Pause())).Should().ThrowAsync<FeeCapExceededException>();

        var wrongChain = new ContractTransactionSender(chain.Rpc, chain.Nonces, chain.Admin, 1);
        await FluentActions.Awaiting(() => wrongChain.SendAsync(token.Pause())).Should().ThrowAsync<InvalidOperationException>().WithMessage("*chain 31337*");
        (await token.PausedAsync()).Should().BeFalse();
    }
}

[Collection(AnvilCollection.Name)]
public sealed class BindingTests(ContractsFixture chain)
{
    [Fact]
    public void Every_error_of_the_three_abis_has_a_name_constant_and_decodes()
    {
        var constants = typeof(ContractErrors).GetFields().Select(f => (string)f.GetValue(null)!).ToHashSet();
        foreach (var error in TokenizerArtifacts.All.SelectMany(a => a.Abi.Errors))
        {
            constants.Should().Contain(error.Name);
            var (decoded, _) = TokenizerErrors.Decode(error.EncodeCall(error.Inputs.Select(DefaultValue).ToArray()));
            decoded!.Signature.Should().Be(error.Signature);
        }
    }

    [Fact]
    public void Every_event_of_the_three_abis_has_a_typed_record()
    {
        var events = TokenizerArtifacts.All.SelectMany(a => a.Abi.Events).Select(e => e.Topic0).ToHashSet();
        var recordTypes = typeof(ContractEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(ContractEvent)) && !t.IsAbstract).ToArray();
        recordTypes.Should().HaveCount(23);
        var topic0 = typeof(TokenizerEvents).GetMethod(nameof(TokenizerEvents.Topic0))!;
        recordTypes.Select(t => (Hash32)topic0.MakeGenericMethod(t).Invoke(null, null)!).ToHashSet().Should().BeEquivalentTo(events);
    }

    [Fact]
    public async Task Role_ids_match_the_contracts()
    {
        var token = await chain.NewErc20Async();
        async Task<Hash32> Read(string function, Address at, ContractArtifact artifact)
        {
            var f = artifact.Abi.GetFunction(function);
            var result = await chain.Rpc.CallAsync(new CallRequest { To = at, Data = f.EncodeCall() }, BlockTag.Latest);
            return new Hash32((byte[])f.DecodeOutput(result)[0]!);
        }
        (await Read("MINTER_ROLE", token.Address, TokenizerArtifacts.Erc20)).Should().Be(TokenizerRoles.Minter);
        (await Read("PAUSER_ROLE", token.Address, TokenizerArtifacts.Erc20)).Should().Be(TokenizerRoles.Pauser);
        (await Read("CONTROLLER_ROLE", token.Address, TokenizerArtifacts.Erc20)).Should().Be(TokenizerRoles.Controller);
        (await Read("DEFAULT_ADMIN_ROLE", token.Address, TokenizerArtifacts.Erc20)).Should().Be(TokenizerRoles.DefaultAdmin);
        (await Read("DEPLOYER_ROLE", chain.Factory.Address, TokenizerArtifacts.Factory)).Should().Be(TokenizerRoles.Deployer);
    }

    [Fact]
    public void Number_attributes_are_written_as_canonical_text()
    {
        TokenAttribute.Number("k", 1.50m).Value.Should().Be("1.5");
        TokenAttribute.Number("k", 100m).Value.Should().Be("100");
        TokenAttribute.Number("k", -0.000m).Value.Should().Be("0");
        TokenAttribute.Number("k", BigInteger.Pow(10, 30)).Value.Should().Be("1" + new string('0', 30));
        foreach (var value in new[] { 1.50m, -2.25m, 0m, 123456789.000001m })
        {
            TokenAttribute.IsValidNumber(TokenAttribute.Number("k", value).Value).Should().BeTrue();
        }
    }

    private static object? DefaultValue(Tokenizer.Chain.Abi.AbiType type) => type.Kind switch
    {
        Tokenizer.Chain.Abi.AbiKind.Address => Address.Zero,
        Tokenizer.Chain.Abi.AbiKind.Bool => false,
        Tokenizer.Chain.Abi.AbiKind.String => "x",
        Tokenizer.Chain.Abi.AbiKind.FixedBytes => new byte[type.Size],
        Tokenizer.Chain.Abi.AbiKind.Bytes => Array.Empty<byte>(),
        _ => BigInteger.One,
    };
}
