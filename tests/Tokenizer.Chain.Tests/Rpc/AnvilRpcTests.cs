using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;
using Tokenizer.Chain.Abi;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;
using Tokenizer.Chain.Serialization;
using Tokenizer.Chain.Tests.Support;
using Tokenizer.Chain.Transactions;

namespace Tokenizer.Chain.Tests.Rpc;

[Collection(AnvilCollection.Name)]
public class AnvilRpcTests(AnvilFixture anvil)
{
    private static readonly BigInteger Gwei = 1_000_000_000;
    private EthRpcClient Rpc => anvil.Rpc;
    private static EthKey Dev0 => AnvilFixture.Dev0;

    private async Task<Eip1559Transaction> Eip1559Async(Address? to, BigInteger value, byte[]? data = null, ulong gas = 21_000, ulong? nonce = null)
    {
        var latest = (await Rpc.GetBlockByNumberAsync(BlockTag.Latest))!;
        return new Eip1559Transaction
        {
            ChainId = 31337,
            Nonce = nonce ?? await Rpc.GetTransactionCountAsync(Dev0.Address, BlockTag.Pending),
            MaxPriorityFeePerGas = Gwei,
            MaxFeePerGas = latest.BaseFeePerGas!.Value * 2 + Gwei,
            GasLimit = gas,
            To = to,
            Value = value,
            Data = data ?? [],
        };
    }

    private async Task<TransactionReceipt> MineAsync(SignedTransaction signed)
    {
        (await Rpc.SendRawTransactionAsync(signed)).Should().Be(signed.Hash);
        var receipt = await Rpc.WaitForReceiptAsync(signed.Hash, TimeSpan.FromSeconds(20));
        receipt.Should().NotBeNull();
        return receipt!;
    }

    private async Task<Address> DeployEmitterAsync()
    {
        var receipt = await MineAsync((await Eip1559Async(null, 0, EmitterContract.CreationCode(), gas: 300_000)).Sign(Dev0));
        receipt.Succeeded.Should().BeTrue();
        return receipt.ContractAddress!.Value;
    }

    [Fact]
    public async Task Legacy_and_eip1559_transfers_are_mined_and_their_receipts_read_back()
    {
        (await Rpc.GetChainIdAsync()).Should().Be(31337UL);
        var recipient = AnvilFixture.RandomAddress();
        var legacy = new LegacyTransaction
        {
            ChainId = 31337,
            Nonce = await Rpc.GetTransactionCountAsync(Dev0.Address, BlockTag.Pending),
            GasPrice = await Rpc.GetGasPriceAsync() * 2,
            GasLimit = 21_000,
            To = recipient,
            Value = BigInteger.Pow(10, 18),
        };
        var legacyReceipt = await MineAsync(legacy.Sign(Dev0));
        legacyReceipt.Succeeded.Should().BeTrue();
        legacyReceipt.Type.Should().Be(0);
        legacyReceipt.From.Should().Be(Dev0.Address);
        legacyReceipt.To.Should().Be(recipient);
        legacyReceipt.GasUsed.Should().Be(21_000UL);
        legacyReceipt.ContractAddress.Should().BeNull();

        var dynamicFee = (await Eip1559Async(recipient, 5) with
        {
            AccessList = [new AccessListItem(AnvilFixture.RandomAddress(), [new Hash32(new byte[32])])],
            GasLimit = 30_000,
        }).Sign(Dev0);
        var receipt = await MineAsync(dynamicFee);
        receipt.Succeeded.Should().BeTrue();
        receipt.Type.Should().Be(2);
        receipt.BlockNumber.Should().BeGreaterThan(legacyReceipt.BlockNumber);
        (await Rpc.GetBlockByNumberAsync(receipt.BlockNumber))!.Hash.Should().Be(receipt.BlockHash);
        (await Rpc.GetBalanceAsync(recipient, BlockTag.Latest)).Should().Be(BigInteger.Pow(10, 18) + 5);
        TransactionDecoder.Decode(dynamicFee.Raw).From.Should().Be(Dev0.Address);
    }

    [Fact]
    public async Task Headers_read_in_batches_are_the_headers_read_one_by_one_in_the_order_asked()
    {
        await MineAsync((await Eip1559Async(AnvilFixture.RandomAddress(), 1)).Sign(Dev0));
        var head = await Rpc.GetBlockNumberAsync();
        // More than one batch, out of order, a repeat and a block that does not exist yet.
        var asked = Enumerable.Range(0, EthRpcClient.MaxBlocksPerBatch + 5).Select(i => (ulong)i % (head + 1)).Reverse()
            .Append(head).Append(head + 1000).ToList();

        var batched = await Rpc.GetBlocksByNumberAsync(asked.Select(n => BlockTag.Number(n)).ToList());

        batched.Should().HaveCount(asked.Count);
        for (var i = 0; i < asked.Count; i++)
        {
            batched[i].Should().BeEquivalentTo(await Rpc.GetBlockByNumberAsync(asked[i]), $"block {asked[i]} (position {i})");
        }
        batched[^1].Should().BeNull();
    }

    [Fact]
    public async Task Block_headers_and_fee_data_are_read()
    {
        await MineAsync((await Eip1559Async(AnvilFixture.RandomAddress(), 1)).Sign(Dev0));
        var number = await Rpc.GetBlockNumberAsync();
        var block = (await Rpc.GetBlockByNumberAsync(number))!;
        var parent = (await Rpc.GetBlockByNumberAsync(number - 1))!;
        block.Number.Should().Be(number);
        block.ParentHash.Should().Be(parent.Hash);
        block.Timestamp.Should().BeGreaterThanOrEqualTo(parent.Timestamp);
        block.BaseFeePerGas.Should().NotBeNull();
        block.TransactionHashes.Should().NotBeEmpty();
        (await Rpc.GetBlockByNumberAsync(number + 1000)).Should().BeNull();

        var history = await Rpc.GetFeeHistoryAsync(2, BlockTag.Latest, [50]);
        history.BaseFeePerGas.Should().HaveCount(3);
        history.Reward.Should().HaveCount(2);
        (await Rpc.GetMaxPriorityFeePerGasAsync()).Should().BeGreaterThanOrEqualTo(BigInteger.Zero);
        (await Rpc.EstimateGasAsync(new CallRequest { From = Dev0.Address, To = AnvilFixture.RandomAddress(), Value = 1 })).Should().Be(21_000UL);
    }

    [Fact]
    public async Task Contract_logs_decode_as_erc20_transfers_and_reverts_carry_the_reason()
    {
        var emitter = await DeployEmitterAsync();
        var to = AnvilFixture.RandomAddress();
        var receipt = await MineAsync((await Eip1559Async(emitter, 0, Abi.Abi.Encode([AbiType.Address, AbiType.UInt256], [to, 12345]), gas: 60_000)).Sign(Dev0));
        receipt.Succeeded.Should().BeTrue();
        var log = receipt.Logs.Should().ContainSingle().Subject;
        log.Address.Should().Be(emitter);
        Erc20Transfer.TryDecode(log.Topics, log.Data, out var transfer).Should().BeTrue();
        transfer.Should().Be(new Erc20Transfer(Dev0.Address, to, 12345));
        var decoded = Erc20Transfer.Event.Decode(log.Topics, log.Data);
        decoded["value"].Should().Be(new BigInteger(12345));

        var call = () => Rpc.CallAsync(new CallRequest { From = Dev0.Address, To = emitter }, BlockTag.Latest);
        var revert = (await call.Should().ThrowAsync<RpcException>()).Which;
        revert.Revert!.Reason.Should().Be("nope");
        var estimate = () => Rpc.EstimateGasAsync(new CallRequest { From = Dev0.Address, To = emitter });
        (await estimate.Should().ThrowAsync<RpcException>()).Which.Revert!.Reason.Should().Be("nope");
    }

    [Fact]
    public async Task A_batch_returns_each_result_or_error_in_request_order()
    {
        var responses = await Rpc.BatchAsync(
        [
            new RpcRequest("eth_chainId"),
            new RpcRequest("eth_blockNumber"),
            new RpcRequest("eth_getBalance", Dev0.Address.ToLowerHex(), "latest"),
            new RpcRequest("eth_noSuchMethod"),
            new RpcRequest("eth_getTransactionCount", Dev0.Address.ToLowerHex(), "pending"),
        ]);
        responses.Should().HaveCount(5);
        responses[0].GetQuantity().Should().Be(new BigInteger(31337));
        responses[1].GetQuantity().Should().Be(new BigInteger(await Rpc.GetBlockNumberAsync()));
        responses[2].GetQuantity().Should().BeGreaterThan(BigInteger.Zero);
        responses[3].Error.Should().NotBeNull();
        responses[3].Error!.Method.Should().Be("eth_noSuchMethod");
        responses[4].GetQuantity().Should().Be(new BigInteger(await Rpc.GetTransactionCountAsync(Dev0.Address, BlockTag.Pending)));
    }

    [Fact]
    public async Task Log_paging_halves_the_range_when_the_node_reports_too_many_results()
    {
        var emitter = await DeployEmitterAsync();
        var first = await Rpc.GetBlockNumberAsync() + 1;
        for (var i = 1; i <= 12; i++)
        {
            await MineAsync((await Eip1559Async(emitter, 0, Abi.Abi.Encode([AbiType.Address, AbiType.UInt256], [AnvilFixture.RandomAddress(), i]), gas: 60_000)).Sign(Dev0));
        }

        var last = await Rpc.GetBlockNumberAsync();

        var limiter = new RangeLimitingHandler(maxBlocks: 3) { InnerHandler = new HttpClientHandler() };
        using var http = new HttpClient(limiter);
        var limited = new EthRpcClient(http, new EthRpcClientOptions { Endpoint = anvil.Endpoint });
        var filter = new LogFilter { Addresses = [emitter], Topics = [[Erc20Transfer.Topic0]] };

        var logs = new List<LogEntry>();
        await foreach (var log in limited.GetLogsPagedAsync(filter, first, last, chunkSize: 10))
        {
            logs.Add(log);
        }

        logs.Select(l => Erc20Transfer.TryDecode(l.Topics, l.Data, out var t) ? (int)t.Value : -1).Should().Equal(Enumerable.Range(1, 12));
        limiter.Refusals.Should().BeGreaterThan(0);
        limiter.MaxServedRange.Should().BeLessThanOrEqualTo(3);
        (await Rpc.GetLogsAsync(filter with { FromBlock = first, ToBlock = last })).Should().HaveCount(12);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(4096)]
    [InlineData(int.MaxValue)]
    public async Task Logs_are_parsed_off_anvil_s_answer_as_System_Text_Json_reads_it_whatever_the_reads_split(int maxRead)
    {
        var emitter = await DeployEmitterAsync();
        var first = await Rpc.GetBlockNumberAsync() + 1;
        var recipients = Enumerable.Range(0, 6).Select(_ => AnvilFixture.RandomAddress()).ToList();
        for (var i = 0; i < recipients.Count; i++)
        {
            await MineAsync((await Eip1559Async(emitter, 0, Abi.Abi.Encode([AbiType.Address, AbiType.UInt256], [recipients[i], BigInteger.Pow(10, 30) + i]), gas: 60_000)).Sign(Dev0));
        }
        var filter = new LogFilter { FromBlock = first, ToBlock = await Rpc.GetBlockNumberAsync(), Addresses = [emitter] };

        var trickle = new TrickleHandler(maxRead) { InnerHandler = new HttpClientHandler() };
        using var http = new HttpClient(trickle);
        var client = new EthRpcClient(http, new EthRpcClientOptions { Endpoint = anvil.Endpoint });
        var logs = await client.GetLogsAsync(filter);

        TrickleHandler.Describe(logs).Should().Equal(TrickleHandler.ExpectedLogs(trickle.LastAnswer));
        logs.Select(l => Erc20Transfer.TryDecode(l.Topics, l.Data, out var t) ? (t.To, t.Value) : default)
            .Should().Equal(recipients.Select((r, i) => (r, BigInteger.Pow(10, 30) + i)));
        var streamed = new List<LogEntry>();
        await foreach (var batch in client.StreamLogsAsync(filter))
        {
            batch.Should().NotBeEmpty();
            streamed.AddRange(batch);
        }
        TrickleHandler.Describe(streamed).Should().Equal(TrickleHandler.ExpectedLogs(trickle.LastAnswer));
    }

    [Fact]
    public async Task Resending_the_same_signed_bytes_returns_the_same_hash_and_spends_once()
    {
        var recipient = AnvilFixture.RandomAddress();
        var nonceBefore = await Rpc.GetTransactionCountAsync(Dev0.Address, BlockTag.Pending);
        var signed = (await Eip1559Async(recipient, 777)).Sign(Dev0);

        (await Rpc.SendRawTransactionAsync(signed)).Should().Be(signed.Hash);
        (await Rpc.SendRawTransactionAsync(signed)).Should().Be(signed.Hash);
        await Rpc.WaitForReceiptAsync(signed.Hash, TimeSpan.FromSeconds(20));
        (await Rpc.SendRawTransactionAsync(signed)).Should().Be(signed.Hash);

        (await Rpc.GetBalanceAsync(recipient, BlockTag.Latest)).Should().Be(new BigInteger(777));
        (await Rpc.GetTransactionCountAsync(Dev0.Address, BlockTag.Latest)).Should().Be(nonceBefore + 1);
    }

    [Fact]
    public async Task A_different_transaction_at_a_used_nonce_is_reported_as_nonce_too_low()
    {
        var nonce = await Rpc.GetTransactionCountAsync(Dev0.Address, BlockTag.Pending);
        await MineAsync((await Eip1559Async(AnvilFixture.RandomAddress(), 1, nonce: nonce)).Sign(Dev0));
        var other = (await Eip1559Async(AnvilFixture.RandomAddress(), 2, nonce: nonce)).Sign(Dev0);
        var send = () => Rpc.SendRawTransactionAsync(other);
        (await send.Should().ThrowAsync<RpcException>()).Which.IsNonceTooLow.Should().BeTrue();
    }

    [Fact]
    public async Task A_call_without_an_answer_in_time_is_a_transport_timeout()
    {
        using var http = new HttpClient(new DelayingHandler(TimeSpan.FromSeconds(3)) { InnerHandler = new HttpClientHandler() });
        var slow = new EthRpcClient(http, new EthRpcClientOptions { Endpoint = anvil.Endpoint, DefaultTimeout = TimeSpan.FromMilliseconds(200) });
        var call = () => slow.GetBlockNumberAsync();
        (await call.Should().ThrowAsync<RpcTransportException>()).Which.IsTimeout.Should().BeTrue();
    }

    /// <summary>Plays a provider that refuses eth_getLogs ranges wider than a limit, in front of the real anvil.</summary>
    private sealed class RangeLimitingHandler(ulong maxBlocks) : DelegatingHandler
    {
        public int Refusals;
        public ulong MaxServedRange;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(ct))!;
            if (body is JsonObject o && (string?)o["method"] == "eth_getLogs")
            {
                var filter = o["params"]![0]!;
                var range = Hex.DecodeQuantityUInt64((string)filter["toBlock"]!) - Hex.DecodeQuantityUInt64((string)filter["fromBlock"]!) + 1;
                if (range > maxBlocks)
                {
                    Interlocked.Increment(ref Refusals);
                    var error = "{\"jsonrpc\":\"2.0\",\"id\":" + o["id"]!.ToJsonString() + ",\"error\":{\"code\":-32005,\"message\":\"query returned more than 10000 results\"}}";
                    return new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent(error, Encoding.UTF8, "application/json") };
                }
                MaxServedRange = Math.Max(MaxServedRange, range);
            }
            return await base.SendAsync(request, ct);
        }
    }

    private sealed class DelayingHandler(TimeSpan delay) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            await Task.Delay(delay, ct);
            return await base.SendAsync(request, ct);
        }
    }
}
