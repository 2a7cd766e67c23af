namespace Tokenizer.Contracts.Tests;

[Collection(AnvilCollection.Name)]
public sealed class Erc20Tests(ContractsFixture chain)
{
    private ContractTransactionSender Admin => chain.SenderFor(chain.Admin);
    private ContractTransactionSender Alice => chain.SenderFor(chain.Alice);
    private ContractTransactionSender Bob => chain.SenderFor(chain.Bob);
    private ContractTransactionSender Mallory => chain.SenderFor(chain.Mallory);
    private static Hash32 NewCommand() => CommandIds.ForMintOrBurn(Guid.NewGuid().ToString());

    [Fact]
    public async Task Minting_emits_Minted_and_Transfer_and_a_repeated_command_id_mints_once()
    {
        var token = await chain.NewErc20Async();
        var command = NewCommand();

        var receipt = await Admin.SendAndWaitAsync(token.Mint(command, chain.Alice.Address, 1_000));

        receipt.Single<Erc20MintedEvent>().Should().BeEquivalentTo(new { CommandId = command, To = chain.Alice.Address, Amount = new BigInteger(1_000) });
        receipt.Single<Erc20TransferEvent>().Should().BeEquivalentTo(new { From = Address.Zero, To = chain.Alice.Address, Value = new BigInteger(1_000) });
        receipt.Events.Should().OnlyContain(e => e.Contract == token.Address);
        (await token.CommandExecutedAsync(command)).Should().BeTrue();

        var repeat = await FluentActions.Awaiting(() => Admin.SendAsync(token.Mint(command, chain.Alice.Address, 1_000)))
            .ShouldRevertWith(ContractErrors.CommandAlreadyExecuted);
        repeat.Argument<Hash32>("commandId").Should().Be(command);
        (await token.BalanceOfAsync(chain.Alice.Address)).Should().Be(1_000);
        (await token.TotalSupplyAsync()).Should().Be(1_000);
    }

    [Fact]
    public async Task Burning_emits_Burned_and_shares_the_command_id_space_with_mint()
    {
        var token = await chain.NewErc20Async();
        var mint = NewCommand();
        await Admin.SendAndWaitAsync(token.Mint(mint, chain.Alice.Address, 500));
        var burn = NewCommand();

        var receipt = await Admin.SendAndWaitAsync(token.Burn(burn, chain.Alice.Address, 200));

        receipt.Single<Erc20BurnedEvent>().Should().BeEquivalentTo(new { CommandId = burn, From = chain.Alice.Address, Amount = new BigInteger(200) });
        receipt.Single<Erc20TransferEvent>().Should().BeEquivalentTo(new { From = chain.Alice.Address, To = Address.Zero, Value = new BigInteger(200) });
        (await token.BalanceOfAsync(chain.Alice.Address)).Should().Be(300);

        await FluentActions.Awaiting(() => Admin.SendAsync(token.Burn(burn, chain.Alice.Address, 1))).ShouldRevertWith(ContractErrors.CommandAlreadyExecuted);
        await FluentActions.Awaiting(() => Admin.SendAsync(token.Burn(mint, chain.Alice.Address, 1))).ShouldRevertWith(ContractErrors.CommandAlreadyExecuted);
        var tooMuch = await FluentActions.Awaiting(() => Admin.SendAsync(token.Burn(NewCommand(), chain.Alice.Address, 301)))
            .ShouldRevertWith(ContractErrors.ERC20InsufficientBalance);
        tooMuch.Argument<BigInteger>("balance").Should().Be(300);
        tooMuch.Argument<BigInteger>("needed").Should().Be(301);
    }

    [Fact]
    public async Task Zero_amounts_and_a_zero_command_id_are_refused()
    {
        var token = await chain.NewErc20Async();
        await FluentActions.Awaiting(() => Admin.SendAsync(token.Mint(NewCommand(), chain.Alice.Address, 0))).ShouldRevertWith(ContractErrors.InvalidAmount);
        await FluentActions.Awaiting(() => Admin.SendAsync(token.Burn(NewCommand(), chain.Alice.Address, 0))).ShouldRevertWith(ContractErrors.InvalidAmount);
        await FluentActions.Awaiting(() => Admin.SendAsync(token.Mint(Hash32.Zero, chain.Alice.Address, 1))).ShouldRevertWith(ContractErrors.InvalidCommandId);
    }

    [Fact]
    public async Task Pause_halts_mint_transfer_and_burn_and_a_failed_mint_keeps_its_command_id()
    {
        var token = await chain.NewErc20Async();
        await Admin.SendAndWaitAsync(token.Mint(NewCommand(), chain.Alice.Address, 100));

        var paused = await Admin.SendAndWaitAsync(token.Pause());
        paused.Single<PausedEvent>().Account.Should().Be(chain.Admin.Address);
        (await token.PausedAsync()).Should().BeTrue();
        (await Admin.SendAndWaitAsync(token.Pause())).Events.Should().BeEmpty("pause is idempotent");

        var command = NewCommand();
        await FluentActions.Awaiting(() => Admin.SendAsync(token.Mint(command, chain.Alice.Address, 1))).ShouldRevertWith(ContractErrors.EnforcedPause);
        await FluentActions.Awaiting(() => Alice.SendAsync(token.Transfer(chain.Bob.Address, 1))).ShouldRevertWith(ContractErrors.EnforcedPause);
        await FluentActions.Awaiting(() => Admin.SendAsync(token.Burn(NewCommand(), chain.Alice.Address, 1))).ShouldRevertWith(ContractErrors.EnforcedPause);
        (await token.CommandExecutedAsync(command)).Should().BeFalse();

        (await Admin.SendAndWaitAsync(token.Unpause())).Single<UnpausedEvent>().Account.Should().Be(chain.Admin.Address);
        await Admin.SendAndWaitAsync(token.Mint(command, chain.Alice.Address, 1));
        await Alice.SendAndWaitAsync(token.Transfer(chain.Bob.Address, 1));
        (await token.BalanceOfAsync(chain.Alice.Address)).Should().Be(100);
        (await token.BalanceOfAsync(chain.Bob.Address)).Should().Be(1);
    }

    [Fact]
    public async Task Transfer_lock_blocks_holder_transfers_but_not_mint_or_burn()
    {
        var token = await chain.NewErc20Async();
        await Admin.SendAndWaitAsync(token.Mint(NewCommand(), chain.Alice.Address, 100));

        (await Admin.SendAndWaitAsync(token.LockTransfers())).Single<TransfersLockChangedEvent>().Locked.Should().BeTrue();
        (await token.TransfersLockedAsync()).Should().BeTrue();

        await FluentActions.Awaiting(() => Alice.SendAsync(token.Transfer(chain.Bob.Address, 1))).ShouldRevertWith(ContractErrors.TransfersLocked);
        await Alice.SendAndWaitAsync(token.Approve(chain.Bob.Address, 10));
        await FluentActions.Awaiting(() => Bob.SendAsync(token.TransferFrom(chain.Alice.Address, chain.Bob.Address, 1))).ShouldRevertWith(ContractErrors.TransfersLocked);
        await Admin.SendAndWaitAsync(token.Mint(NewCommand(), chain.Alice.Address, 5));
        await Admin.SendAndWaitAsync(token.Burn(NewCommand(), chain.Alice.Address, 5));

        (await Admin.SendAndWaitAsync(token.UnlockTransfers())).Single<TransfersLockChangedEvent>().Locked.Should().BeFalse();
        (await Alice.SendAndWaitAsync(token.Transfer(chain.Bob.Address, 1))).Single<Erc20TransferEvent>().To.Should().Be(chain.Bob.Address);
        (await token.BalanceOfAsync(chain.Alice.Address)).Should().Be(99);
    }

    [Fact]
    public async Task A_frozen_account_can_neither_send_nor_receive_but_can_be_burned_from()
    {
        var token = await chain.NewErc20Async();
        await Admin.SendAndWaitAsync(token.Mint(NewCommand(), chain.Alice.Address, 100));
        await Admin.SendAndWaitAsync(token.Mint(NewCommand(), chain.Bob.Address, 100));

        var frozen = await Admin.SendAndWaitAsync(token.Freeze(chain.Alice.Address));
        frozen.Single<AccountFrozenSetEvent>().Should().BeEquivalentTo(new { Account = chain.Alice.Address, Frozen = true });
        (await token.IsFrozenAsync(chain.Alice.Address)).Should().BeTrue();

        (await FluentActions.Awaiting(() => Alice.SendAsync(token.Transfer(chain.Bob.Address, 1))).ShouldRevertWith(ContractErrors.AccountFrozen))
            .Argument<Address>("account").Should().Be(chain.Alice.Address);
        (await FluentActions.Awaiting(() => Bob.SendAsync(token.Transfer(chain.Alice.Address, 1))).ShouldRevertWith(ContractErrors.AccountFrozen))
            .Argument<Address>("account").Should().Be(chain.Alice.Address);
        await FluentActions.Awaiting(() => Admin.SendAsync(token.Mint(NewCommand(), chain.Alice.Address, 1))).ShouldRevertWith(ContractErrors.AccountFrozen);
        await Admin.SendAndWaitAsync(token.Burn(NewCommand(), chain.Alice.Address, 40));
        await FluentActions.Awaiting(() => Admin.SendAsync(token.Freeze(Address.Zero))).ShouldRevertWith(ContractErrors.ZeroAddress);

        (await Admin.SendAndWaitAsync(token.Unfreeze(chain.Alice.Address))).Single<AccountFrozenSetEvent>().Frozen.Should().BeFalse();
        await Alice.SendAndWaitAsync(token.Transfer(chain.Bob.Address, 10));
        (await token.BalanceOfAsync(chain.Alice.Address)).Should().Be(50);
        (await token.BalanceOfAsync(chain.Bob.Address)).Should().Be(110);
    }

    [Fact]
    public async Task A_permissioned_token_only_moves_between_approved_accounts()
    {
        var token = await chain.NewErc20Async(permissionless: false);
        (await token.PermissionlessAsync()).Should().BeFalse();

        (await FluentActions.Awaiting(() => Admin.SendAsync(token.Mint(NewCommand(), chain.Alice.Address, 1))).ShouldRevertWith(ContractErrors.AccountNotApproved))
            .Argument<Address>("account").Should().Be(chain.Alice.Address);

        var approved = await Admin.SendAndWaitAsync(token.ApproveAccount(chain.Alice.Address));
        approved.Single<AccountApprovalSetEvent>().Should().BeEquivalentTo(new { Account = chain.Alice.Address, Approved = true });
        (await token.IsApprovedAsync(chain.Alice.Address)).Should().BeTrue();
        await Admin.SendAndWaitAsync(token.Mint(NewCommand(), chain.Alice.Address, 100));

        (await FluentActions.Awaiting(() => Alice.SendAsync(token.Transfer(chain.Bob.Address, 1))).ShouldRevertWith(ContractErrors.AccountNotApproved))
            .Argument<Address>("account").Should().Be(chain.Bob.Address);
        await Admin.SendAndWaitAsync(token.ApproveAccount(chain.Bob.Address));
        await Alice.SendAndWaitAsync(token.Transfer(chain.Bob.Address, 10));

        (await Admin.SendAndWaitAsync(token.UnapproveAccount(chain.Alice.Address))).Single<AccountApprovalSetEvent>().Approved.Should().BeFalse();
        (await FluentActions.Awaiting(() => Alice.SendAsync(token.Transfer(chain.Bob.Address, 1))).ShouldRevertWith(ContractErrors.AccountNotApproved))
            .Argument<Address>("account").Should().Be(chain.Alice.Address);
        await Admin.SendAndWaitAsync(token.Burn(NewCommand(), chain.Alice.Address, 90));
        (await token.BalanceOfAsync(chain.Alice.Address)).Should().Be(0);
    }

    [Fact]
    public async Task Each_write_needs_its_role_and_granted_roles_work()
    {
        var token = await chain.NewErc20Async();
        var mallory = chain.Mallory.Address;

        async Task Refused(ContractCall call, Hash32 role)
        {
            var revert = await FluentActions.Awaiting(() => Mallory.SendAsync(call)).ShouldRevertWith(ContractErrors.AccessControlUnauthorizedAccount);
            revert.Argument<Address>("account").Should().Be(mallory);
            revert.Argument<Hash32>("neededRole").Should().Be(role);
        }

        await Refused(token.Mint(NewCommand(), mallory, 1), TokenizerRoles.Minter);
        await Refused(token.Burn(NewCommand(), mallory, 1), TokenizerRoles.Minter);
        await Refused(token.Pause(), TokenizerRoles.Pauser);
        await Refused(token.LockTransfers(), TokenizerRoles.Controller);
        await Refused(token.Freeze(chain.Alice.Address), TokenizerRoles.Controller);
        await Refused(token.ApproveAccount(mallory), TokenizerRoles.Controller);
        await Refused(token.SetMetadata(TokenMetadata.Empty with { Name = "x" }), TokenizerRoles.Controller);
        await Refused(token.GrantRole(TokenizerRoles.Minter, mallory), TokenizerRoles.DefaultAdmin);

        var granted = await Admin.SendAndWaitAsync(token.GrantRole(TokenizerRoles.Minter, mallory));
        granted.Single<RoleGrantedEvent>().Should().BeEquivalentTo(new { Role = TokenizerRoles.Minter, Account = mallory, Sender = chain.Admin.Address });
        (await token.HasRoleAsync(TokenizerRoles.Minter, mallory)).Should().BeTrue();
        await Mallory.SendAndWaitAsync(token.Mint(NewCommand(), mallory, 7));
        (await token.BalanceOfAsync(mallory)).Should().Be(7);

        (await Admin.SendAndWaitAsync(token.RevokeRole(TokenizerRoles.Minter, mallory))).Single<RoleRevokedEvent>().Account.Should().Be(mallory);
        await Refused(token.Mint(NewCommand(), mallory, 1), TokenizerRoles.Minter);
        (await token.GetRoleAdminAsync(TokenizerRoles.Minter)).Should().Be(TokenizerRoles.DefaultAdmin);
    }

    [Fact]
    public async Task Balances_and_controls_read_by_the_bindings_match_cast()
    {
        var token = await chain.NewErc20Async(decimals: 18);
        await Admin.SendAndWaitAsync(token.Mint(NewCommand(), chain.Alice.Address, BigInteger.Parse("123456789000000000000000")));
        await Admin.SendAndWaitAsync(token.Mint(NewCommand(), chain.Bob.Address, 42));
        await Admin.SendAndWaitAsync(token.Freeze(chain.Bob.Address));
        await Admin.SendAndWaitAsync(token.LockTransfers());
        await Admin.SendAndWaitAsync(token.Pause());

        async Task<string> Cast(string signature, params string[] args) =>
            (await chain.CastAsync(["call", token.Address.ToString(), signature, .. args, "--rpc-url", chain.RpcUrl])).Split(' ')[0];

        foreach (var holder in new[] { chain.Alice.Address, chain.Bob.Address, chain.Mallory.Address })
        {
            (await Cast("balanceOf(address)(uint256)", holder.ToString())).Should().Be((await token.BalanceOfAsync(holder)).ToString());
        }

        (await Cast("totalSupply()(uint256)")).Should().Be("123456789000000000000042").And.Be((await token.TotalSupplyAsync()).ToString());
        (await Cast("paused()(bool)")).Should().Be("true").And.Be((await token.PausedAsync()).ToString().ToLowerInvariant());
        (await Cast("transfersLocked()(bool)")).Should().Be("true").And.Be((await token.TransfersLockedAsync()).ToString().ToLowerInvariant());
        (await Cast("isFrozen(address)(bool)", chain.Bob.Address.ToString())).Should().Be("true").And.Be((await token.IsFrozenAsync(chain.Bob.Address)).ToString().ToLowerInvariant());
        (await Cast("isFrozen(address)(bool)", chain.Alice.Address.ToString())).Should().Be("false").And.Be((await token.IsFrozenAsync(chain.Alice.Address)).ToString().ToLowerInvariant());
        (await Cast("decimals()(uint8)")).Should().Be("18");
    }
}
