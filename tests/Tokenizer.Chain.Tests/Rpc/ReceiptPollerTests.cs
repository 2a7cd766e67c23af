using System.Numerics;
using System.Text.Json.Nodes;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;
using Tokenizer.Chain.Transactions;

namespace Tokenizer.Chain.Tests.Rpc;

/// <summary>
/// The poller's tests get an anvil of their own: one of them switches automine off and on again, and a node whose
/// mining mode is being switched is not one to share with tests that count on automine.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ReceiptPollerAnvilCollection : ICollectionFixture<AnvilFixture>
{
    public const string Name = "anvil for the receipt poller";
}

[Collection(ReceiptPollerAnvilCollection.Name)]
public class ReceiptPollerTests(AnvilFixture anvil)
{
    // A key no other test signs with, so its nonces are this class's alone.
    private static readonly EthKey Sender = AnvilFixture.DevKey(4);

    private async Task<SignedTransaction[]> SendTransfersAsync(Address to, int count)
    {
        var nonce = await anvil.Rpc.GetTransactionCountAsync(Sender.Address, BlockTag.Pending);
        var signed = Enumerable.Range(0, count).Select(i => new Eip1559Transaction
        {
            ChainId = AnvilFixture.ChainId,
            Nonce = nonce + (ulong)i,
            MaxPriorityFeePerGas = 1_000_000_000,
            MaxFeePerGas = 100_000_000_000,
            GasLimit = 21_000,
            To = to,
            Value = new BigInteger(i + 1),
        }.Sign(Sender)).ToArray();
        foreach (var transaction in signed)
        {
            await anvil.Rpc.SendRawTransactionAsync(transaction);
        }
        return signed;
    }

    [Fact]
    public async Task Twenty_concurrent_waits_each_get_their_own_receipt_from_fewer_requests_than_waits()
    {
        var counting = new CountingHandler();
        var rpc = new EthRpcClient(new HttpClient(counting) { BaseAddress = anvil.Endpoint });
        var poller = new ReceiptPoller(rpc, TimeSpan.FromMilliseconds(50));
        var recipient = AnvilFixture.RandomAddress();
        var sent = await SendTransfersAsync(recipient, 20);

        var receipts = await Task.WhenAll(sent.Select(s => Task.Run(() => poller.WaitAsync(s.Hash, TimeSpan.FromSeconds(20)))));

        for (var i = 0; i < sent.Length; i++)
        {
            receipts[i].Should().NotBeNull();
            receipts[i]!.TransactionHash.Should().Be(sent[i].Hash);
            receipts[i]!.From.Should().Be(Sender.Address);
            receipts[i]!.To.Should().Be(recipient);
            receipts[i]!.Succeeded.Should().BeTrue();
        }
        counting.Requests.Should().BeLessThan(sent.Length, "waits that overlap are asked in one batch");
        (await anvil.Rpc.GetBalanceAsync(recipient, BlockTag.Latest)).Should().Be(Enumerable.Range(1, 20).Sum());
        poller.Waiting.Should().Be(0);
    }

    [Fact]
    public async Task A_receipt_mined_after_several_misses_still_reaches_its_waiter()
    {
        var poller = new ReceiptPoller(anvil.Rpc, TimeSpan.FromMilliseconds(50));
        await anvil.Rpc.RequestAsync("evm_setAutomine", [JsonValue.Create(false)]);
        try
        {
            var sent = (await SendTransfersAsync(AnvilFixture.RandomAddress(), 1))[0];
            var waiting = poller.WaitAsync(sent.Hash, TimeSpan.FromSeconds(20));
            await Task.Delay(300);
            waiting.IsCompleted.Should().BeFalse("the transaction is not mined yet");

            await anvil.Rpc.RequestAsync("evm_mine", []);
            var receipt = await waiting;
            receipt.Should().NotBeNull();
            receipt!.TransactionHash.Should().Be(sent.Hash);
        }
        finally
        {
            await anvil.Rpc.RequestAsync("evm_setAutomine", [JsonValue.Create(true)]);
        }
    }

    [Fact]
    public async Task A_hash_the_node_never_saw_times_out_with_no_receipt_and_others_are_not_held_up()
    {
        var poller = new ReceiptPoller(anvil.Rpc, TimeSpan.FromMilliseconds(50));
        using var stop = new CancellationTokenSource();
        // A wait that will not end on its own while the test runs, polled in the same batches as the mined one.
        var pending = poller.WaitAsync(RandomHash(), TimeSpan.FromMinutes(5), stop.Token);
        var sent = (await SendTransfersAsync(AnvilFixture.RandomAddress(), 1))[0];

        (await poller.WaitAsync(sent.Hash, TimeSpan.FromSeconds(20)))!.TransactionHash.Should().Be(sent.Hash);
        pending.IsCompleted.Should().BeFalse("a hash with no receipt keeps waiting until its own timeout");
        (await poller.WaitAsync(RandomHash(), TimeSpan.FromMilliseconds(300))).Should().BeNull();

        await stop.CancelAsync();
        var cancelled = () => pending;
        await cancelled.Should().ThrowAsync<OperationCanceledException>();
    }

    private static Hash32 RandomHash() => new(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task A_cancelled_wait_ends_with_cancellation()
    {
        var poller = new ReceiptPoller(anvil.Rpc, TimeSpan.FromMilliseconds(50));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var wait = () => poller.WaitAsync(new Hash32(new byte[32]), TimeSpan.FromSeconds(20), cancel.Token);

        await wait.Should().ThrowAsync<OperationCanceledException>();
        poller.Waiting.Should().Be(0);
    }

    [Fact]
    public async Task An_unreachable_node_fails_the_wait_with_the_transport_error()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var poller = new ReceiptPoller(new EthRpcClient(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") }), TimeSpan.FromMilliseconds(50));

        var wait = () => poller.WaitAsync(new Hash32(new byte[32]), TimeSpan.FromSeconds(20));

        await wait.Should().ThrowAsync<RpcTransportException>();
    }

    private sealed class CountingHandler() : DelegatingHandler(new HttpClientHandler())
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
