using System.Numerics;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Nonces;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;
using Tokenizer.Chain.Transactions;

namespace Tokenizer.Chain.Tests.Rpc;

[Collection(AnvilCollection.Name)]
public class NonceManagerTests(AnvilFixture anvil)
{
    private static EthKey Dev0 => AnvilFixture.Dev0;

    private static Func<ulong, ITransaction> Transfer(Address to, BigInteger value) => nonce => new Eip1559Transaction
    {
        ChainId = 31337,
        Nonce = nonce,
        MaxPriorityFeePerGas = 1_000_000_000,
        MaxFeePerGas = 100_000_000_000,
        GasLimit = 21_000,
        To = to,
        Value = value,
    };

    [Fact]
    public async Task Fifty_concurrent_senders_get_fifty_mined_transactions_with_no_nonce_gaps()
    {
        var store = new InMemoryNonceStore();
        var manager = new NonceManager(anvil.Rpc, store);
        var start = await anvil.Rpc.GetTransactionCountAsync(Dev0.Address, BlockTag.Pending);
        var recipient = AnvilFixture.RandomAddress();

        var sent = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(() => manager.SendAsync(Dev0, Transfer(recipient, i + 1)))));

        sent.Select(s => s.Nonce).Order().Should().Equal(Enumerable.Range(0, 50).Select(i => start + (ulong)i));
        (await anvil.WaitForReceiptsAsync(sent, TimeSpan.FromSeconds(60))).Should().OnlyContain(r => r.Succeeded);
        (await anvil.Rpc.GetTransactionCountAsync(Dev0.Address, BlockTag.Latest)).Should().Be(start + 50);
        (await anvil.Rpc.GetBalanceAsync(recipient, BlockTag.Latest)).Should().Be(new BigInteger(50 * 51 / 2));
        (await store.GetPendingAsync(Dev0.Address)).Should().HaveCount(50, "confirmation is the service's job; every sent tx was recorded first");
    }

    [Fact]
    public async Task After_another_sender_takes_the_nonce_the_manager_resyncs_and_sends_with_the_next_one()
    {
        var store = new InMemoryNonceStore();
        var manager = new NonceManager(anvil.Rpc, store);
        var first = await manager.SendAsync(Dev0, Transfer(AnvilFixture.RandomAddress(), 1));

        // Someone else (another process with the same key) uses the nonce the manager would hand out next.
        var intruder = Transfer(AnvilFixture.RandomAddress(), 2)(first.Nonce + 1).Sign(Dev0);
        await anvil.Rpc.SendRawTransactionAsync(intruder);
        await anvil.Rpc.WaitForReceiptAsync(intruder.Hash, TimeSpan.FromSeconds(20));

        var recipient = AnvilFixture.RandomAddress();
        var next = await manager.SendAsync(Dev0, Transfer(recipient, 3));

        next.Nonce.Should().Be(first.Nonce + 2);
        (await anvil.Rpc.WaitForReceiptAsync(next.Hash, TimeSpan.FromSeconds(20)))!.Succeeded.Should().BeTrue();
        (await anvil.Rpc.GetBalanceAsync(recipient, BlockTag.Latest)).Should().Be(new BigInteger(3));
        (await store.GetPendingAsync(Dev0.Address)).Select(p => p.Nonce).Should().Equal(first.Nonce, first.Nonce + 2);
    }

    [Fact]
    public async Task A_released_reservation_hands_the_same_nonce_to_the_next_sender()
    {
        var manager = new NonceManager(anvil.Rpc, new InMemoryNonceStore());
        ulong released;
        await using (var reservation = await manager.ReserveAsync(Dev0.Address))
        {
            released = reservation.Nonce;
            reservation.Release();
        }
        await using var again = await manager.ReserveAsync(Dev0.Address);
        again.Nonce.Should().Be(released);
    }

    [Fact]
    public async Task Stored_transactions_are_rebroadcast_as_identical_bytes_after_a_restart()
    {
        var store = new InMemoryNonceStore();
        var nonce = await anvil.Rpc.GetTransactionCountAsync(Dev0.Address, BlockTag.Pending);
        // Simulates a crash after recording the signed transaction but before broadcasting it.
        var signed = Transfer(AnvilFixture.RandomAddress(), 9)(nonce).Sign(Dev0);
        await store.SaveAsync(new PendingTransaction(Dev0.Address, signed.Nonce, signed.Hash, signed.Raw, DateTimeOffset.UtcNow));

        var restarted = new NonceManager(anvil.Rpc, store);
        (await restarted.RebroadcastPendingAsync(Dev0.Address)).Should().Be(1);
        (await anvil.Rpc.WaitForReceiptAsync(signed.Hash, TimeSpan.FromSeconds(20)))!.Succeeded.Should().BeTrue();
        var next = await restarted.SendAsync(Dev0, Transfer(AnvilFixture.RandomAddress(), 1));
        next.Nonce.Should().Be(nonce + 1);
    }

    [Fact]
    public async Task Senders_queued_behind_the_lock_go_as_one_group_and_a_refused_member_does_not_strand_those_after_it()
    {
        var store = new InMemoryNonceStore();
        var manager = new NonceManager(anvil.Rpc, store);
        var start = await anvil.Rpc.GetTransactionCountAsync(Dev0.Address, BlockTag.Pending);
        var recipient = AnvilFixture.RandomAddress();
        Task<SignedTransaction> first, refused, last;
        await using (var held = await manager.ReserveAsync(Dev0.Address))
        {
            // All three queue while the lock is held; the first to get it sends them together, in this order.
            first = manager.SendAsync(Dev0, Transfer(recipient, 1));
            refused = manager.SendAsync(Dev0, nonce => (Eip1559Transaction)Transfer(recipient, 2)(nonce) with { GasLimit = 20_000 });
            last = manager.SendAsync(Dev0, Transfer(recipient, 4));
            held.Release();
        }

        await FluentActions.Awaiting(() => refused).Should().ThrowAsync<RpcException>("below the intrinsic gas, the node refuses it");
        (await first).Nonce.Should().Be(start);
        (await last).Nonce.Should().Be(start + 2, "it was signed and accepted behind the refused one");
        (await anvil.Rpc.WaitForReceiptAsync((await last).Hash, TimeSpan.FromSeconds(20)))!.Succeeded.Should().BeTrue("the gap was filled");
        (await anvil.Rpc.GetBalanceAsync(recipient, BlockTag.Latest)).Should().Be(new BigInteger(5), "the refused transfer of 2 never ran");

        var pending = await store.GetPendingAsync(Dev0.Address);
        pending.Select(p => p.Nonce).Should().Equal(start, start + 1, start + 2);
        var filler = await anvil.Rpc.GetTransactionByHashAsync(pending[1].Hash);
        filler!.To.Should().Be(Dev0.Address, "the gap is a zero-value transfer to the sender itself");
        filler.Value.Should().Be(BigInteger.Zero);
        (await anvil.Rpc.GetTransactionCountAsync(Dev0.Address, BlockTag.Latest)).Should().Be(start + 3);
    }

    [Fact]
    public async Task A_record_never_broadcast_below_a_sent_nonce_is_resent_by_the_gap_repair_and_both_are_mined()
    {
        var store = new InMemoryNonceStore();
        var manager = new NonceManager(anvil.Rpc, store);
        var gap = await anvil.Rpc.GetTransactionCountAsync(Dev0.Address, BlockTag.Pending);
        var recipient = AnvilFixture.RandomAddress();
        // Another replica recorded this and died before broadcasting it.
        var orphan = Transfer(recipient, 1)(gap).Sign(Dev0);
        await store.SaveAsync(new PendingTransaction(Dev0.Address, orphan.Nonce, orphan.Hash, orphan.Raw, DateTimeOffset.UtcNow.AddMinutes(-1)));
        var behind = await manager.SendAsync(Dev0, Transfer(recipient, 2));
        behind.Nonce.Should().Be(gap + 1, "the manager starts above what the store holds");

        (await anvil.Rpc.GetTransactionCountAsync(Dev0.Address, BlockTag.Pending)).Should().Be(gap, "the node holds nothing for the gap's nonce");
        (await manager.RepairGapsAsync(Dev0, TimeSpan.FromHours(1))).Acted.Should().BeFalse("no record is that old yet");
        (await anvil.Rpc.GetTransactionReceiptAsync(behind.Hash)).Should().BeNull("nothing above a gap is mined");

        var repair = await manager.RepairGapsAsync(Dev0, TimeSpan.FromSeconds(30));
        repair.Resent.Should().Equal([gap], "only the old record is resent; the fresh one above it is the node's already");
        repair.Filled.Should().BeEmpty();
        (await anvil.Rpc.WaitForReceiptAsync(behind.Hash, TimeSpan.FromSeconds(20)))!.Succeeded.Should().BeTrue();
        (await anvil.Rpc.GetTransactionReceiptAsync(orphan.Hash))!.Succeeded.Should().BeTrue("the very bytes on record were sent");
        (await anvil.Rpc.GetBalanceAsync(recipient, BlockTag.Latest)).Should().Be(new BigInteger(3));
        (await manager.RepairGapsAsync(Dev0, TimeSpan.Zero)).Acted.Should().BeFalse("there is no gap any more");
    }

    [Fact]
    public async Task A_nonce_with_nothing_on_record_below_a_sent_one_is_filled_with_a_zero_value_transfer_to_the_sender()
    {
        var store = new InMemoryNonceStore();
        var manager = new NonceManager(anvil.Rpc, store);
        var gap = await anvil.Rpc.GetTransactionCountAsync(Dev0.Address, BlockTag.Pending);
        var recipient = AnvilFixture.RandomAddress();
        // The record of `gap` was removed (its broadcast refused) after the next nonce had gone out.
        var behind = Transfer(recipient, 5)(gap + 1).Sign(Dev0);
        await store.SaveAsync(new PendingTransaction(Dev0.Address, behind.Nonce, behind.Hash, behind.Raw, DateTimeOffset.UtcNow.AddMinutes(-1)));
        await anvil.Rpc.SendRawTransactionAsync(behind);

        var repair = await manager.RepairGapsAsync(Dev0, TimeSpan.FromSeconds(30));
        repair.Filled.Should().Equal(gap);
        repair.Resent.Should().Equal(gap + 1);
        (await anvil.Rpc.WaitForReceiptAsync(behind.Hash, TimeSpan.FromSeconds(20)))!.Succeeded.Should().BeTrue();
        (await anvil.Rpc.GetBalanceAsync(recipient, BlockTag.Latest)).Should().Be(new BigInteger(5));

        var filler = (await store.GetPendingAsync(Dev0.Address)).Single(p => p.Nonce == gap);
        var mined = await anvil.Rpc.GetTransactionByHashAsync(filler.Hash);
        mined!.To.Should().Be(Dev0.Address, "the gap is a zero-value transfer to the sender itself");
        mined.Value.Should().Be(BigInteger.Zero);
        (await anvil.Rpc.GetTransactionReceiptAsync(filler.Hash))!.Succeeded.Should().BeTrue();
        (await anvil.Rpc.GetTransactionCountAsync(Dev0.Address, BlockTag.Latest)).Should().Be(gap + 2);
    }
}
