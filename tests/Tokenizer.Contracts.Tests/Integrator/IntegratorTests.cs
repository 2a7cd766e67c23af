using System.Text.Json;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;

namespace Tokenizer.Contracts.Tests.Integrator;

/// <summary>
/// An outside party's .NET client on our tokens: Nethereum 6.1 with typed messages and nothing of ours but the ABI.
/// The platform side (factory deploy, mint, burn, controls) goes through our own client, as in production.
/// </summary>
[Collection(AnvilCollection.Name)]
public sealed class IntegratorTests(ContractsFixture chain)
{
    // Accounts 4 and 5 only ever sign through Nethereum, so they never share a nonce with our nonce manager.
    private const int CarolAccount = 4;
    private const int DaveAccount = 5;

    private static readonly string Erc20Abi = LoadAbi("TokenizerERC20.json");

    private readonly Web3 _carol = Client(chain, CarolAccount);
    private readonly Web3 _dave = Client(chain, DaveAccount);

    private static string Carol => AnvilFixture.DevAccounts[CarolAccount].Address;
    private static string Dave => AnvilFixture.DevAccounts[DaveAccount].Address;
    private ContractTransactionSender Platform => chain.SenderFor(chain.Admin);

    [Fact]
    public async Task A_factory_token_reads_from_Nethereum_with_nothing_but_its_abi()
    {
        var token = await chain.NewErc20Async(decimals: 8, symbol: "INT");
        await Platform.SendAndWaitAsync(token.Mint(NewCommand(), Address.Parse(Carol), 12_345));

        var contract = _carol.Eth.GetContract(Erc20Abi, token.Address.ToString());
        (await contract.GetFunction("name").CallAsync<string>()).Should().Be("Test Token");
        (await contract.GetFunction("symbol").CallAsync<string>()).Should().Be("INT");
        (await contract.GetFunction("decimals").CallAsync<byte>()).Should().Be(8);
        (await contract.GetFunction("totalSupply").CallAsync<BigInteger>()).Should().Be(12_345);
        (await contract.GetFunction("balanceOf").CallAsync<BigInteger>(Carol)).Should().Be(12_345);
        (await contract.GetFunction("paused").CallAsync<bool>()).Should().BeFalse();

        // The typed messages read the same state.
        var at = token.Address.ToString();
        (await Query<NameFunction, string>(at, new NameFunction())).Should().Be("Test Token");
        (await Query<SymbolFunction, string>(at, new SymbolFunction())).Should().Be("INT");
        (await Query<DecimalsFunction, byte>(at, new DecimalsFunction())).Should().Be(8);
        (await Query<BalanceOfFunction, BigInteger>(at, new BalanceOfFunction { Account = Carol })).Should().Be(12_345);
        (await Query<BalanceOfFunction, BigInteger>(at, new BalanceOfFunction { Account = Dave })).Should().Be(0);
    }

    [Fact]
    public async Task Holder_transfers_and_allowances_through_typed_messages_move_balances_and_emit_Transfer()
    {
        var token = await NewTokenHeldByCarolAsync(1_000);
        var at = token.Address.ToString();

        var sent = await Send(_carol, at, new TransferFunction { To = Dave, Value = 300 });
        sent.Status.Value.Should().Be(1);
        var transfer = sent.DecodeAllEvents<TransferEventDto>().Should().ContainSingle().Subject;
        transfer.Event.From.Should().BeEquivalentTo(Carol);
        transfer.Event.To.Should().BeEquivalentTo(Dave);
        transfer.Event.Value.Should().Be(300);
        transfer.Log.Address.Should().BeEquivalentTo(at);

        await Send(_carol, at, new ApproveFunction { Spender = Dave, Value = 200 });
        (await Query<AllowanceFunction, BigInteger>(at, new AllowanceFunction { Owner = Carol, Spender = Dave })).Should().Be(200);
        await Send(_dave, at, new TransferFromFunction { From = Carol, To = Dave, Value = 150 });

        // Our own bindings see what Nethereum did.
        (await token.BalanceOfAsync(Address.Parse(Carol))).Should().Be(550);
        (await token.BalanceOfAsync(Address.Parse(Dave))).Should().Be(450);
        (await token.AllowanceAsync(Address.Parse(Carol), Address.Parse(Dave))).Should().Be(50);

        var overdrawn = await Refused(_dave, at, new TransferFromFunction { From = Carol, To = Dave, Value = 51 });
        var error = Decoded<Erc20InsufficientAllowanceError>(overdrawn);
        error.Spender.Should().BeEquivalentTo(Dave);
        error.Allowance.Should().Be(50);
        error.Needed.Should().Be(51);
        Decoded<Erc20InsufficientBalanceError>(await Refused(_carol, at, new TransferFunction { To = Dave, Value = 551 })).Balance.Should().Be(550);
    }

    [Fact]
    public async Task A_transfer_while_paused_is_refused_with_EnforcedPause()
    {
        var token = await NewTokenHeldByCarolAsync(100);
        await Platform.SendAndWaitAsync(token.Pause());

        var refused = await Refused(_carol, token.Address.ToString(), new TransferFunction { To = Dave, Value = 1 });

        refused.IsCustomErrorFor<EnforcedPauseError>().Should().BeTrue();
        refused.IsCustomErrorFor<TransfersLockedError>().Should().BeFalse();
        await BalancesShouldBe(token, carol: 100, dave: 0);
    }

    [Fact]
    public async Task A_transfer_while_transfers_are_locked_is_refused_with_TransfersLocked()
    {
        var token = await NewTokenHeldByCarolAsync(100);
        await Platform.SendAndWaitAsync(token.LockTransfers());

        var refused = await Refused(_carol, token.Address.ToString(), new TransferFunction { To = Dave, Value = 1 });

        refused.IsCustomErrorFor<TransfersLockedError>().Should().BeTrue();
        await BalancesShouldBe(token, carol: 100, dave: 0);
    }

    [Fact]
    public async Task A_frozen_holder_is_refused_with_AccountFrozen_naming_the_account()
    {
        var token = await NewTokenHeldByCarolAsync(100);
        await Platform.SendAndWaitAsync(token.Freeze(Address.Parse(Carol)));

        var refused = await Refused(_carol, token.Address.ToString(), new TransferFunction { To = Dave, Value = 1 });

        Decoded<AccountFrozenError>(refused).Account.Should().BeEquivalentTo(Carol);
        await BalancesShouldBe(token, carol: 100, dave: 0);
    }

    [Fact]
    public async Task On_a_permissioned_token_a_transfer_to_an_unapproved_account_is_refused_with_AccountNotApproved()
    {
        var token = await chain.NewErc20Async(permissionless: false);
        await Platform.SendAndWaitAsync(token.ApproveAccount(Address.Parse(Carol)));
        await Platform.SendAndWaitAsync(token.Mint(NewCommand(), Address.Parse(Carol), 100));
        var at = token.Address.ToString();

        var refused = await Refused(_carol, at, new TransferFunction { To = Dave, Value = 1 });

        Decoded<AccountNotApprovedError>(refused).Account.Should().BeEquivalentTo(Dave);
        await Platform.SendAndWaitAsync(token.ApproveAccount(Address.Parse(Dave)));
        (await Send(_carol, at, new TransferFunction { To = Dave, Value = 1 })).Status.Value.Should().Be(1);
        await BalancesShouldBe(token, carol: 99, dave: 1);
    }

    [Fact]
    public async Task Minted_Burned_and_Transfer_decode_from_receipts_and_from_eth_getLogs()
    {
        var token = await chain.NewErc20Async();
        var at = token.Address.ToString();
        var mintCommand = NewCommand();
        var burnCommand = NewCommand();
        var mint = await Platform.SendAndWaitAsync(token.Mint(mintCommand, Address.Parse(Carol), 500));
        await Platform.SendAndWaitAsync(token.Mint(NewCommand(), Address.Parse(Dave), 7));
        await Send(_carol, at, new TransferFunction { To = Dave, Value = 120 });
        var burn = await Platform.SendAndWaitAsync(token.Burn(burnCommand, Address.Parse(Dave), 20));

        // From the receipts our client produced, fetched and decoded by Nethereum.
        var mintReceipt = await _dave.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(mint.Hash.ToString());
        var minted = mintReceipt.DecodeAllEvents<MintedEventDto>().Should().ContainSingle().Subject.Event;
        Hex(minted.CommandId).Should().Be(mintCommand.ToString());
        minted.To.Should().BeEquivalentTo(Carol);
        minted.Amount.Should().Be(500);
        var burnReceipt = await _dave.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(burn.Hash.ToString());
        var burned = burnReceipt.DecodeAllEvents<BurnedEventDto>().Should().ContainSingle().Subject.Event;
        Hex(burned.CommandId).Should().Be(burnCommand.ToString());
        burned.From.Should().BeEquivalentTo(Dave);
        burned.Amount.Should().Be(20);

        // From eth_getLogs over the token's whole life.
        var fromBlock = new BlockParameter(new Nethereum.Hex.HexTypes.HexBigInteger(mint.Receipt.BlockNumber));
        var transfers = _dave.Eth.GetEvent<TransferEventDto>(at);
        var logs = await transfers.GetAllChangesAsync(transfers.CreateFilterInput(fromBlock, BlockParameter.CreateLatest()));
        logs.Select(l => (l.Event.From.ToLowerInvariant(), l.Event.To.ToLowerInvariant(), l.Event.Value)).Should().Equal(
            (Address.Zero.ToLowerHex(), Carol.ToLowerInvariant(), new BigInteger(500)),
            (Address.Zero.ToLowerHex(), Dave.ToLowerInvariant(), new BigInteger(7)),
            (Carol.ToLowerInvariant(), Dave.ToLowerInvariant(), new BigInteger(120)),
            (Dave.ToLowerInvariant(), Address.Zero.ToLowerHex(), new BigInteger(20)));

        // Filtering on an indexed topic: of the two mints, the one of this command id.
        var mints = _dave.Eth.GetEvent<MintedEventDto>(at);
        var byCommand = await mints.GetAllChangesAsync(mints.CreateFilterInput(new[] { mintCommand.ToArray() }, fromBlock, BlockParameter.CreateLatest()));
        byCommand.Should().ContainSingle().Which.Log.TransactionHash.Should().Be(mint.Hash.ToString());
        (await mints.GetAllChangesAsync(mints.CreateFilterInput(fromBlock, BlockParameter.CreateLatest()))).Should().HaveCount(2);
        var burns = _dave.Eth.GetEvent<BurnedEventDto>(at);
        (await burns.GetAllChangesAsync(burns.CreateFilterInput(fromBlock, BlockParameter.CreateLatest()))).Should().ContainSingle()
            .Which.Event.Amount.Should().Be(20);
    }

    private static Web3 Client(ContractsFixture chain, int account)
    {
        var web3 = new Web3(new Account(AnvilFixture.DevAccounts[account].Key, ContractsFixture.ChainId), chain.RpcUrl);
        web3.TransactionManager.UseLegacyAsDefault = false;
        return web3;
    }

    private static Hash32 NewCommand() => CommandIds.ForMintOrBurn(Guid.NewGuid().ToString());

    private static string Hex(byte[] bytes) => Tokenizer.Chain.Serialization.Hex.Encode(bytes);

    private static string LoadAbi(string artifact)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Artifacts, artifact)));
        return json.RootElement.GetProperty("abi").GetRawText();
    }

    private async Task<TokenizerErc20Contract> NewTokenHeldByCarolAsync(BigInteger amount)
    {
        var token = await chain.NewErc20Async();
        await Platform.SendAndWaitAsync(token.Mint(NewCommand(), Address.Parse(Carol), amount));
        return token;
    }

    private Task<TOutput> Query<TFunction, TOutput>(string at, TFunction message) where TFunction : FunctionMessage, new() =>
        _carol.Eth.GetContractQueryHandler<TFunction>().QueryAsync<TOutput>(at, message);

    private static Task<TransactionReceipt> Send<TFunction>(Web3 client, string at, TFunction message) where TFunction : FunctionMessage, new() =>
        client.Eth.GetContractTransactionHandler<TFunction>().SendRequestAndWaitForReceiptAsync(at, message);

    /// <summary>Sends as an integrator would; the node refuses at gas estimation and Nethereum surfaces the custom error.</summary>
    private static async Task<SmartContractCustomErrorRevertException> Refused<TFunction>(Web3 client, string at, TFunction message)
        where TFunction : FunctionMessage, new() =>
        (await FluentActions.Awaiting(() => Send(client, at, message)).Should().ThrowAsync<SmartContractCustomErrorRevertException>()).Which;

    private static TError Decoded<TError>(SmartContractCustomErrorRevertException refused) where TError : class, new()
    {
        refused.IsCustomErrorFor<TError>().Should().BeTrue($"the refusal should be {typeof(TError).Name}, was {refused.ExceptionEncodedData}");
        return refused.DecodeError<TError>();
    }

    private async Task BalancesShouldBe(TokenizerErc20Contract token, BigInteger carol, BigInteger dave)
    {
        var at = token.Address.ToString();
        (await Query<BalanceOfFunction, BigInteger>(at, new BalanceOfFunction { Account = Carol })).Should().Be(carol);
        (await Query<BalanceOfFunction, BigInteger>(at, new BalanceOfFunction { Account = Dave })).Should().Be(dave);
    }
}
