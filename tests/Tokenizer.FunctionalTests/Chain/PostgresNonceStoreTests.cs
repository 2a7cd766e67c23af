using System.Numerics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Nonces;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;
using Tokenizer.Chain.Transactions;
using Tokenizer.FunctionalTests.Infrastructure;
using Tokenizer.FunctionalTests.Platform;
using Tokenizer.ServiceDefaults.Data;
using Tokenizer.TokenAdmin.Chain;

namespace Tokenizer.FunctionalTests.Chain;

[Collection(PlatformCollection.Name)]
public sealed class PostgresNonceStoreTests(PlatformFixture platform)
{
    // anvil's dev account 9: no service signs with it, so these tests own its nonces.
    private static readonly EthKey Signer = EthKey.FromHex("0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6");

    [Fact]
    public async Task A_crash_after_signing_and_before_broadcast_resends_the_same_bytes_after_restart()
    {
        await using var database = await MigratedTokenAdminDatabaseAsync();
        using var http = new HttpClient();
        var rpc = new EthRpcClient(http, new EthRpcClientOptions { Endpoint = new Uri(platform.ChainRpcUrl) });
        var recipient = RandomAddress();

        // First life: the transaction is signed and stored, then the process "dies" before the broadcast.
        var beforeCrash = new NonceManager(rpc, new CrashAfterSaveStore(new PostgresNonceStore(database.DataSource)));
        await FluentActions.Awaiting(() => beforeCrash.SendAsync(Signer, Transfer(recipient, 7))).Should().ThrowAsync<SimulatedCrash>();
        (await rpc.GetBalanceAsync(recipient, BlockTag.Latest)).Should().Be(0, "nothing reached the chain");

        // Second life: a new manager over the same database resends exactly what was stored.
        var store = new PostgresNonceStore(database.DataSource);
        var stored = (await store.GetPendingAsync(Signer.Address)).Should().ContainSingle().Subject;
        var afterRestart = new NonceManager(rpc, store);
        (await afterRestart.RebroadcastPendingAsync(Signer.Address)).Should().Be(1);
        var receipt = await rpc.WaitForReceiptAsync(stored.Hash, TimeSpan.FromSeconds(30));
        receipt!.Succeeded.Should().BeTrue();

        // Resending again is harmless (same bytes, same hash), and the next transaction takes the next nonce.
        await afterRestart.RebroadcastPendingAsync(Signer.Address);
        var next = await afterRestart.SendAsync(Signer, Transfer(recipient, 1));
        next.Nonce.Should().Be(stored.Nonce + 1);
        (await rpc.WaitForReceiptAsync(next.Hash, TimeSpan.FromSeconds(30)))!.Succeeded.Should().BeTrue();
        (await rpc.GetBalanceAsync(recipient, BlockTag.Latest)).Should().Be(8, "the stored transfer landed once, plus the new one");
    }

    [Fact]
    public async Task Two_processes_signing_for_one_address_over_one_store_never_share_a_nonce()
    {
        await using var database = await MigratedTokenAdminDatabaseAsync();
        using var http = new HttpClient();
        var rpc = new EthRpcClient(http, new EthRpcClientOptions { Endpoint = new Uri(platform.ChainRpcUrl) });
        var recipient = RandomAddress();
        // Two TokenAdmin replicas: each its own nonce manager (its own cache), one database.
        var replicas = new[] { new NonceManager(rpc, new PostgresNonceStore(database.DataSource)), new NonceManager(rpc, new PostgresNonceStore(database.DataSource)) };

        var sent = await Task.WhenAll(Enumerable.Range(1, 30).Select(i => replicas[i % 2].SendAsync(Signer, Transfer(recipient, i))));

        sent.Select(t => t.Nonce).Should().OnlyHaveUniqueItems();
        foreach (var transaction in sent)
        {
            (await rpc.WaitForReceiptAsync(transaction.Hash, TimeSpan.FromSeconds(60)))!.Succeeded.Should().BeTrue();
        }

        (await rpc.GetBalanceAsync(recipient, BlockTag.Latest)).Should().Be(30 * 31 / 2, "every transfer landed once");
    }

    [Fact]
    public async Task A_second_different_transaction_for_a_recorded_nonce_is_refused()
    {
        await using var database = await MigratedTokenAdminDatabaseAsync();
        var store = new PostgresNonceStore(database.DataSource);
        var first = Sign(Transfer(RandomAddress(), 1)(5));
        var other = Sign(Transfer(RandomAddress(), 2)(5));

        await store.SaveAsync(first);
        await store.SaveAsync(first); // the same transaction again: idempotent

        await FluentActions.Awaiting(() => store.SaveAsync(other)).Should().ThrowAsync<NonceTakenException>().WithMessage("*Nonce 5*");
        (await store.GetPendingAsync(Signer.Address)).Should().ContainSingle().Which.Hash.Should().Be(first.Hash);
        (await store.GetHighestNonceAsync(Signer.Address)).Should().Be(5);

        // A definite rejection frees the nonce; a confirmation keeps it used but no longer pending.
        await store.RemoveAsync(Signer.Address, 5, first.Hash);
        (await store.GetHighestNonceAsync(Signer.Address)).Should().BeNull();
        await store.SaveAsync(other);
        await store.MarkConfirmedAsync(Signer.Address, 5, other.Hash);
        (await store.GetPendingAsync(Signer.Address)).Should().BeEmpty();
        (await store.GetHighestNonceAsync(Signer.Address)).Should().Be(5);
    }

    private static PendingTransaction Sign(ITransaction transaction)
    {
        var signed = transaction.Sign(Signer);
        return new PendingTransaction(Signer.Address, signed.Nonce, signed.Hash, signed.Raw, DateTimeOffset.UtcNow);
    }

    private static Func<ulong, ITransaction> Transfer(Address to, int value) => nonce => new Eip1559Transaction
    {
        ChainId = 31337,
        Nonce = nonce,
        MaxPriorityFeePerGas = 1_000_000_000,
        MaxFeePerGas = 100_000_000_000,
        GasLimit = 21_000,
        To = to,
        Value = new BigInteger(value),
    };

    private static Address RandomAddress() => Address.Parse("0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20)));

    private async Task<MigratedDatabase> MigratedTokenAdminDatabaseAsync()
    {
        var scratch = await ScratchDatabase.CreateAsync(platform);
        var dataSource = NpgsqlDataSource.Create(scratch.ConnectionString);
        await new DatabaseMigrator(dataSource, typeof(PostgresNonceStore).Assembly, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);
        return new MigratedDatabase(scratch, dataSource);
    }

    private sealed record MigratedDatabase(ScratchDatabase Scratch, NpgsqlDataSource DataSource) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await DataSource.DisposeAsync();
            await Scratch.DisposeAsync();
        }
    }

    private sealed class SimulatedCrash : Exception;

    /// <summary>Stores durably, then fails as if the process died before the broadcast.</summary>
    private sealed class CrashAfterSaveStore(INonceStore inner) : INonceStore
    {
        public async Task SaveAsync(PendingTransaction transaction, CancellationToken ct = default)
        {
            await inner.SaveAsync(transaction, ct);
            throw new SimulatedCrash();
        }

        public Task RemoveAsync(Address from, ulong nonce, Hash32 hash, CancellationToken ct = default) => inner.RemoveAsync(from, nonce, hash, ct);
        public Task MarkConfirmedAsync(Address from, ulong nonce, Hash32 hash, CancellationToken ct = default) => inner.MarkConfirmedAsync(from, nonce, hash, ct);
        public Task<IReadOnlyList<PendingTransaction>> GetPendingAsync(Address from, CancellationToken ct = default) => inner.GetPendingAsync(from, ct);
        public Task<ulong?> GetHighestNonceAsync(Address from, CancellationToken ct = default) => inner.GetHighestNonceAsync(from, ct);
    }
}
